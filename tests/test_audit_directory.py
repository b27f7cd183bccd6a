"""The audit trail of the directory: accounts' roles, departments and activation, and the
topics, departments and canned responses created, edited and deleted, with what changed."""
import json

from helpdesk.models import AuditEntry, CannedResponse, Department, HelpTopic
from helpdesk.sla_models import SlaPlan

from conftest import csrf_from, login
from test_directory import admin, as_admin, department_ids, english, submit, user_form  # noqa: F401


def entries(action=None):
    query = AuditEntry.select().where(AuditEntry.action.not_in(["sign_in", "sign_out"]))
    if action:
        query = query.where(AuditEntry.action == action)
    return list(query.order_by(AuditEntry.id))


def details(entry):
    return json.loads(entry.details)


def test_each_kind_of_account_change_is_an_entry_with_old_and_new(as_admin, admin, agent):
    fields = user_form(email=agent.email, full_name="Petugas Ganti", roles=["agent", "supervisor"],
                       departments=["Tim SIKS-NG", "Tim Email"], active=False)
    assert submit(as_admin, f"/admin/user/edit/?id={agent.id}", fields).status_code == 302
    by_action = {e.action: e for e in entries()}
    assert set(by_action) == {"roles_changed", "departments_changed", "account_deactivated",
                              "account_changed"}
    assert details(by_action["roles_changed"]) == {
        "changes": {"roles": [["agent"], ["agent", "supervisor"]]}}
    assert details(by_action["departments_changed"]) == {
        "changes": {"departments": [["Tim SIKS-NG"], ["Tim Email", "Tim SIKS-NG"]]}}
    assert details(by_action["account_changed"])["changes"]["full_name"][1] == "Petugas Ganti"
    for entry in by_action.values():
        assert (entry.actor_id, entry.actor_email) == (admin.id, admin.email)
        assert (entry.target_kind, entry.target_id) == ("user", agent.id)
        assert entry.address == "127.0.0.1"


def test_an_unchanged_save_and_a_refused_one_record_nothing(as_admin, admin, agent):
    same = user_form(email=agent.email, full_name=agent.full_name, departments=["Tim SIKS-NG"])
    submit(as_admin, f"/admin/user/edit/?id={agent.id}", same)
    refused = submit(as_admin, f"/admin/user/edit/?id={admin.id}",
                     user_form(email=admin.email, full_name=admin.full_name, roles=["agent"],
                               departments=[]))
    assert refused.status_code == 200
    assert entries() == []


def test_a_new_account_is_recorded_with_its_roles(as_admin):
    submit(as_admin, "/admin/user/new/", user_form())
    [created] = entries()
    assert created.action == "account_created"
    assert details(created)["changes"]["roles"] == [None, ["agent"]]
    assert "password" not in created.details


def test_topics_and_departments_created_and_edited_record_the_changed_fields(as_admin):
    submit(as_admin, "/admin/department/new/", {"name": "Tim Baru", "active": "y"})
    department = Department.get(name="Tim Baru")
    submit(as_admin, f"/admin/department/edit/?id={department.id}",
           {"name": "Tim Baru", "description": "Unit baru"})
    form = {"name": "Topik Baru", "description": "", "active": "y", "sort_order": "9",
            "sla_plan": "__None", "department": department_ids("Tim Jaringan")[0]}
    submit(as_admin, "/admin/topic/new/", form)
    topic = HelpTopic.get(name="Topik Baru")
    submit(as_admin, f"/admin/topic/edit/?id={topic.id}",
           {**form, "sla_plan": str(SlaPlan.get().id), "department": str(department.id)})
    made, edited, topic_made, topic_edited = entries()
    assert (made.action, made.target_kind, made.target_label) == (
        "directory_created", "department", "Tim Baru")
    assert details(edited) == {"changes": {"active": [True, False],
                                           "description": ["", "Unit baru"]}}
    assert topic_made.action == "directory_created" and topic_made.target_id == topic.id
    assert details(topic_edited) == {"changes": {"department": ["Tim Jaringan", "Tim Baru"],
                                                 "sla_plan": [None, "Standar 2 × 24 jam"]}}


def test_canned_responses_deleted_one_by_one_or_in_bulk_are_recorded(client, make_user):
    supervisor = make_user("pengawas@kemensos.go.id", roles=["supervisor"])
    login(english(client), supervisor)
    for title in ("Satu", "Dua", "Tiga"):
        submit(client, "/admin/canned/new/", {"title": title, "body": f"Isi {title}",
                                             "department": "__None", "active": "y"})
    ids = {c.title: c.id for c in CannedResponse.select()}
    listing = client.get("/admin/canned/").text
    client.post("/admin/canned/delete/", data={
        "id": str(ids["Satu"]), "url": "/admin/canned/", "csrf_token": csrf_from(listing)})
    client.post("/admin/canned/action/", data={
        "action": "delete", "rowid": [str(ids["Dua"]), str(ids["Tiga"])],
        "csrf_token": csrf_from(listing)})
    assert CannedResponse.select().count() == 0
    deleted = entries("directory_deleted")
    assert sorted(e.target_label for e in deleted) == ["Dua", "Satu", "Tiga"]
    assert details(deleted[0])["changes"]["body"] == ["Isi Satu", None]
    assert {e.actor_id for e in deleted} == {supervisor.id}
