"""Administrators edit SLA plans and working calendars (weekly hours and days off as rows of
the calendar's form) in the desk, and choose a help topic's plan; other staff cannot. A
save takes effect on the next ticket's targets at once."""
from datetime import date, time

import pytest

from helpdesk import sla_plans
from helpdesk.models import AuditEntry, HelpTopic
from helpdesk.sla_models import CalendarDay, SlaPlan, WorkCalendar, WorkHours

from conftest import csrf_from, login

PAGES = ["/admin/sla_plan/", "/admin/sla_plan/new/", "/admin/work_calendar/",
         "/admin/work_calendar/new/", "/admin/work_calendar/edit/?id=1"]
PLAN = {"name": "Kilat", "first_response_hours": "1", "first_response_working": "y",
        "resolution_hours": "4", "resolution_working": "y", "calendar": "1", "active": "y"}
CALENDAR = {"name": "Balai Makassar (WITA)", "zone": "Asia/Makassar",
            "hours-0-weekday": "0", "hours-0-start": "07:30", "hours-0-end": "15:30",
            "hours-1-weekday": "5", "hours-1-start": "08:00", "hours-1-end": "12:00",
            "days-0-day": "2027-03-10", "days-0-name": "Idul Fitri", "days-0-kind": "holiday",
            "days-1-day": "2027-03-12", "days-1-name": "Cuti bersama Idul Fitri",
            "days-1-kind": "cuti_bersama"}


@pytest.fixture
def as_admin(client, make_user):
    login(client, make_user("admin@kemensos.go.id", roles=["admin"]))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def submit(client, url, data):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={"csrf_token": csrf_from(page.text), **data})


def default_plan():
    return SlaPlan.get(SlaPlan.is_default)


# -- access ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_other_staff_get_403(client, make_user, role):
    login(client, make_user(f"{role}@kemensos.go.id", roles=[role], departments=["Tim Email"]))
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    token = csrf_from(client.get("/").text)
    assert client.post("/admin/sla_plan/new/", data={"csrf_token": token, **PLAN}
                       ).status_code == 403
    assert not SlaPlan.select().where(SlaPlan.name == "Kilat").exists()
    assert "/admin/sla_plan/" not in client.get("/admin/").text


def test_anonymous_visitors_sign_in_and_posts_need_a_token(client, as_admin):
    assert as_admin.post("/admin/sla_plan/new/", data=PLAN).status_code == 400
    assert as_admin.post("/admin/work_calendar/new/", data=CALENDAR).status_code == 400
    assert SlaPlan.select().count() == WorkCalendar.select().count() == 1
    as_admin.delete_cookie("session")
    for url in PAGES:
        response = as_admin.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- plans -------------------------------------------------------------------------------

def test_plans_list_their_targets(as_admin):
    listing = as_admin.get("/admin/sla_plan/").text
    assert "Standar 2 × 24 jam" in listing and "Jam kerja Pusdatin (WIB)" in listing
    assert "8 working hours" in listing and "48 hours around the clock" in listing
    assert "/admin/sla_plan/" in as_admin.get("/admin/").text


@pytest.mark.parametrize("field, value", [
    ("first_response_hours", "0"), ("resolution_hours", "-2"), ("resolution_hours", ""),
    ("resolution_hours", "9000"), ("name", "Standar 2 × 24 jam"), ("name", " ")])
def test_a_plan_is_refused_with_a_reason(as_admin, field, value):
    response = submit(as_admin, "/admin/sla_plan/new/", {**PLAN, field: value})
    assert response.status_code == 200
    assert any(reason in response.text for reason in (
        "Enter a number of hours above 0 and at most 8760.", "This field is required.",
        "An SLA plan with this name already exists.")), (field, value)
    assert SlaPlan.select().count() == 1


def test_a_plan_is_made_and_made_the_default(as_admin):
    assert submit(as_admin, "/admin/sla_plan/new/", PLAN).status_code == 302
    plan = SlaPlan.get(SlaPlan.name == "Kilat")
    assert (plan.first_response_hours, plan.first_response_working, plan.resolution_hours,
            plan.resolution_working, plan.is_default) == (1, True, 4, True, False)
    listing = as_admin.get("/admin/sla_plan/").text
    assert "1 working hours" in listing and "4 working hours" in listing
    entry = AuditEntry.get(AuditEntry.target_kind == "sla_plan")
    assert (entry.action, entry.target_label) == ("directory_created", "Kilat")

    old = default_plan()
    made = submit(as_admin, f"/admin/sla_plan/edit/?id={plan.id}", {**PLAN, "is_default": "y"})
    assert made.status_code == 302
    assert default_plan().id == plan.id and not SlaPlan.get_by_id(old.id).is_default
    # the default cannot be unmade by itself, nor deleted
    kept = submit(as_admin, f"/admin/sla_plan/edit/?id={plan.id}", PLAN)
    assert "Make another plan the default instead." in kept.text
    token = csrf_from(as_admin.get("/admin/sla_plan/").text)
    refused = as_admin.post("/admin/sla_plan/delete/", data={"id": plan.id, "csrf_token": token},
                            follow_redirects=True)
    assert "The default plan cannot be deleted" in refused.text
    assert SlaPlan.select().count() == 2


def test_deleting_a_plan_leaves_its_topics_on_the_default(as_admin):
    submit(as_admin, "/admin/sla_plan/new/", PLAN)
    plan = SlaPlan.get(SlaPlan.name == "Kilat")
    HelpTopic.update(sla_plan=plan).where(HelpTopic.name == "Data Terpadu").execute()
    token = csrf_from(as_admin.get("/admin/sla_plan/").text)
    as_admin.post("/admin/sla_plan/delete/", data={"id": plan.id, "csrf_token": token})
    assert not SlaPlan.select().where(SlaPlan.name == "Kilat").exists()
    assert HelpTopic.get(HelpTopic.name == "Data Terpadu").sla_plan is None
    assert sla_plans.targets_for(HelpTopic.get(HelpTopic.name == "Data Terpadu")).plan_id \
        == default_plan().id


# -- calendars ---------------------------------------------------------------------------

def test_a_calendar_is_made_with_its_hours_and_days_off(as_admin):
    assert submit(as_admin, "/admin/work_calendar/new/", CALENDAR).status_code == 302
    calendar = WorkCalendar.get(WorkCalendar.name == "Balai Makassar (WITA)")
    assert calendar.zone == "Asia/Makassar"
    assert sorted((h.weekday, h.start, h.end) for h in calendar.hours) == [
        (0, time(7, 30), time(15, 30)), (5, time(8), time(12))]
    assert sorted((d.day, d.name, d.kind) for d in calendar.days) == [
        (date(2027, 3, 10), "Idul Fitri", "holiday"),
        (date(2027, 3, 12), "Cuti bersama Idul Fitri", "cuti_bersama")]
    listing = as_admin.get("/admin/work_calendar/").text
    assert "12 hours a week" in listing and "40 hours a week" in listing

    # a row is deleted, another changed
    hours = sorted(calendar.hours, key=lambda h: h.weekday)
    days = sorted(calendar.days, key=lambda d: d.day)
    edited = submit(as_admin, f"/admin/work_calendar/edit/?id={calendar.id}", {
        **CALENDAR, "hours-0-id": hours[0].id, "hours-1-id": hours[1].id,
        "del-hours-1": "y", "hours-0-end": "16:00",
        "days-0-id": days[0].id, "days-1-id": days[1].id})
    assert edited.status_code == 302
    assert [(h.weekday, h.end) for h in calendar.hours] == [(0, time(16))]
    assert CalendarDay.select().where(CalendarDay.calendar == calendar).count() == 2


@pytest.mark.parametrize("changes, reason", [
    ({"zone": "Asia/Bandung"}, "Unknown time zone: use for example Asia/Jakarta"),
    ({"zone": ""}, "Unknown time zone"),
    ({"hours-0-end": "07:00"}, "The end must be after the start."),
    ({"hours-0-end": "07:30"}, "The end must be after the start."),
    ({"hours-0-start": "pagi"}, "Enter a time such as 08:00."),
    ({"days-1-day": "2027-03-10"}, "This date is already a day off."),
    ({"days-1-day": "10/03/2027"}, "Enter a date such as 2027-03-10."),
    ({"days-1-name": ""}, "This field is required."),
    ({"name": "Jam kerja Pusdatin (WIB)"}, "A working calendar with this name already exists."),
])
def test_a_calendar_is_refused_with_a_reason(as_admin, changes, reason):
    response = submit(as_admin, "/admin/work_calendar/new/", {**CALENDAR, **changes})
    assert response.status_code == 200 and reason in response.text, changes
    assert WorkCalendar.select().count() == 1 and WorkHours.select().count() == 5
    assert CalendarDay.select().count() == 0


def test_the_reasons_are_in_indonesian(as_admin):
    as_admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "id"
    response = submit(as_admin, "/admin/work_calendar/new/",
                      {**CALENDAR, "hours-0-end": "07:00", "days-1-day": "2027-03-10",
                       "zone": "WIB"})
    assert "Jam selesai harus setelah jam mulai." in response.text
    assert "Tanggal ini sudah menjadi hari libur." in response.text
    assert "Zona waktu tidak dikenal" in response.text
    plan = submit(as_admin, "/admin/sla_plan/new/", {**PLAN, "resolution_hours": "0"})
    assert "Masukkan jumlah jam di atas 0" in plan.text


def test_a_calendar_a_plan_uses_is_not_deleted(as_admin):
    token = csrf_from(as_admin.get("/admin/work_calendar/").text)
    refused = as_admin.post("/admin/work_calendar/delete/",
                            data={"id": 1, "csrf_token": token}, follow_redirects=True)
    assert "This working calendar is used by an SLA plan" in refused.text
    assert WorkCalendar.select().count() == 1 and WorkHours.select().count() == 5
    submit(as_admin, "/admin/work_calendar/new/", CALENDAR)
    spare = WorkCalendar.get(WorkCalendar.name == "Balai Makassar (WITA)")
    as_admin.post("/admin/work_calendar/delete/", data={"id": spare.id, "csrf_token": token})
    assert WorkCalendar.select().count() == 1 and CalendarDay.select().count() == 0


# -- help topics and the targets read anew -----------------------------------------------

def test_a_topic_chooses_its_plan(as_admin):
    submit(as_admin, "/admin/sla_plan/new/", PLAN)
    plan = SlaPlan.get(SlaPlan.name == "Kilat")
    topic = HelpTopic.get(HelpTopic.name == "Email Kemsos")
    listing = as_admin.get("/admin/topic/").text
    assert "SLA hours" not in listing and "Standar 2 × 24 jam" in listing
    before = sla_plans.targets_for(topic)  # warm: kept in the process
    form = {"name": topic.name, "description": topic.description,
            "department": topic.department_id, "sla_plan": plan.id, "active": "y",
            "sort_order": "3"}
    assert submit(as_admin, f"/admin/topic/edit/?id={topic.id}", form).status_code == 302
    assert HelpTopic.get_by_id(topic.id).sla_plan_id == plan.id
    after = sla_plans.targets_for(topic)
    assert before.plan_id != after.plan_id == plan.id
    assert after.resolution_seconds == 4 * 3600 and after.resolution_calendar is not None

    # an inactive plan is no longer offered, except to the topic that has it
    submit(as_admin, f"/admin/sla_plan/edit/?id={plan.id}", {**PLAN, "active": ""})
    assert "Kilat" in as_admin.get(f"/admin/topic/edit/?id={topic.id}").text
    assert "Kilat" not in as_admin.get("/admin/topic/new/").text
    assert submit(as_admin, f"/admin/topic/edit/?id={topic.id}",
                  {**form, "sla_plan": "__None"}).status_code == 302
    assert sla_plans.targets_for(topic).plan_id == default_plan().id


def test_saving_a_plan_or_a_day_off_takes_effect_at_once(as_admin):
    topic = HelpTopic.get(HelpTopic.name == "Bantuan Umum")
    assert sla_plans.targets_for(topic).resolution_seconds == 48 * 3600
    plan = default_plan()
    submit(as_admin, f"/admin/sla_plan/edit/?id={plan.id}",
           {**PLAN, "name": plan.name, "resolution_hours": "72", "resolution_working": "",
            "is_default": "y"})
    assert sla_plans.targets_for(topic).resolution_seconds == 72 * 3600
    assert sla_plans.targets_for(topic).first_response_calendar.closed == frozenset()
    hours = sorted(WorkHours.select(), key=lambda h: h.weekday)
    rows = {f"hours-{n}-{key}": value for n, h in enumerate(hours) for key, value in
            (("id", h.id), ("weekday", h.weekday), ("start", "08:00"), ("end", "16:00"))}
    saved = submit(as_admin, "/admin/work_calendar/edit/?id=1", {
        "name": "Jam kerja Pusdatin (WIB)", "zone": "Asia/Jakarta", **rows,
        "days-0-day": "2027-08-17", "days-0-name": "Hari Kemerdekaan", "days-0-kind": "holiday"})
    assert saved.status_code == 302
    assert sla_plans.targets_for(topic).first_response_calendar.closed == {date(2027, 8, 17)}


def test_the_lists_ask_as_many_queries_for_many_rows_as_for_one(as_admin):
    from helpdesk.db import statements_run

    def queries(url):
        with statements_run() as seen:
            assert as_admin.get(url).status_code == 200
        return len(seen)

    one = {url: queries(url) for url in ("/admin/work_calendar/", "/admin/sla_plan/")}
    for n in range(3):
        calendar = WorkCalendar.create(name=f"Balai {n}", zone="Asia/Makassar")
        WorkHours.create(calendar=calendar, weekday=n, start=time(8), end=time(12))
        SlaPlan.create(name=f"Paket {n}", calendar=calendar)
    assert {url: queries(url) for url in one} == one and min(one.values()) > 0
    listing = as_admin.get("/admin/work_calendar/").text
    assert listing.count("4 hours a week") == 3
