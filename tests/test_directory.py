"""The directory in the staff desk: users, roles, departments, help topics and canned
responses, managed by administrators (canned responses by supervisors too)."""
import re
import threading
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from helpdesk.db import db
from helpdesk.models import (
    AgentDepartment, CannedResponse, Department, HelpTopic, OutboxMail, Role, User, UserRoles)

from conftest import csrf_from, links_in, login, logout

NEW_EMAIL = "petugas.baru@kemensos.go.id"
NEW_PASSWORD = "sandi-petugas-77"
ADMIN_ONLY = ["/admin/user/", "/admin/user/new/", "/admin/role/", "/admin/department/",
              "/admin/department/new/", "/admin/topic/", "/admin/topic/new/"]


@pytest.fixture
def admin(make_user):
    return make_user("admin@kemensos.go.id", roles=["admin"], full_name="Ani Admin")


def english(client):
    """Pages in English, so that assertions read the msgids (Indonesian comes later)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def as_admin(client, admin):
    login(english(client), admin)
    return client


def submit(client, url, data):
    """Open the form at ``url``, then post ``data`` with the page's CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={"csrf_token": csrf_from(page.text), **data})


def department_ids(*names):
    return [str(Department.get(name=name).id) for name in names]


def user_form(email=NEW_EMAIL, full_name="Petugas Baru", roles=("agent",),
              departments=("Tim SIKS-NG", "Tim Email"), active=True):
    data = {"email": email, "full_name": full_name, "locale": "id",
            "roles": list(roles), "departments": department_ids(*departments)}
    if active:
        data["active"] = "y"
    return data


def roles_of(user):
    return {r.name for r in Role.select().join(UserRoles).where(UserRoles.user == user)}


def departments_of(user):
    return {d.name for d in Department.select().join(AgentDepartment)
            .where(AgentDepartment.agent == user)}


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def cell(html, row_text, column):
    """The text of ``column`` in the list row that contains ``row_text``."""
    row = next(r for r in html.split("<tr") if row_text in r)
    return re.search(rf'class="col-{column}">\s*(.*?)\s*</td>', row, re.S).group(1)


# --- users ---------------------------------------------------------------------------------

def test_admin_creates_an_agent_who_chooses_a_password_by_mail(app, as_admin, mailbox):
    response = submit(as_admin, "/admin/user/new/", user_form())
    assert response.status_code == 302

    user = User.get(email=NEW_EMAIL)
    assert user.full_name == "Petugas Baru" and user.active and user.locale == "id"
    assert user.confirmed_at is not None and user.password is None
    assert roles_of(user) == {"agent"}
    assert departments_of(user) == {"Tim SIKS-NG", "Tim Email"}
    listing = as_admin.get(response.headers["Location"])
    assert f"An e-mail was sent to {NEW_EMAIL} to choose a password." in listing.text

    [mail] = mailbox.to(NEW_EMAIL)
    link = next(link for link in links_in(mail) if "/reset/" in link)
    newcomer = app.test_client()
    form = newcomer.get(path_of(link))
    assert form.status_code == 200
    done = newcomer.post(path_of(link), data={
        "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
        "csrf_token": csrf_from(form.text)})
    assert done.status_code == 302
    assert login(newcomer, NEW_EMAIL, NEW_PASSWORD).status_code == 302
    assert newcomer.get("/admin/").status_code == 200


def test_an_inactive_new_account_gets_no_mail(as_admin):
    response = submit(as_admin, "/admin/user/new/", user_form(active=False))
    assert response.status_code == 302
    assert not User.get(email=NEW_EMAIL).active
    assert OutboxMail.select().count() == 0
    assert "no e-mail was sent" in as_admin.get(response.headers["Location"]).text


def test_user_list_shows_roles_and_departments_and_no_password(as_admin, agent):
    User.update(created_at=datetime(2026, 1, 31, 20, 30)).where(User.id == agent.id).execute()
    page = as_admin.get("/admin/user/")
    assert page.status_code == 200
    assert cell(page.text, agent.email, "roles") == "Agent"
    assert cell(page.text, agent.email, "departments") == "Tim SIKS-NG"
    assert cell(page.text, "admin@kemensos.go.id", "roles") == "Administrator"
    assert cell(page.text, agent.email, "created_at") == "1 Feb 2026, 03:30 WIB"  # Asia/Jakarta, named
    edit = as_admin.get(f"/admin/user/edit/?id={agent.id}")
    for html in (page.text, edit.text):
        assert agent.password not in html and "$argon2" not in html
        assert agent.fs_uniquifier not in html and 'name="password"' not in html

    found = as_admin.get("/admin/user/?search=petugas")
    assert agent.email in found.text and "admin@kemensos.go.id" not in found.text
    admins = as_admin.get("/admin/user/?flt0_1=admin")  # the role filter
    assert "admin@kemensos.go.id" in admins.text and agent.email not in admins.text


def test_duplicate_email_in_another_case_is_refused(as_admin, agent):
    response = submit(as_admin, "/admin/user/new/", user_form(email="PETUGAS@Kemensos.go.id"))
    assert response.status_code == 200
    assert "Another account already uses this e-mail address." in response.text
    assert User.select().count() == 2
    assert OutboxMail.select().count() == 0

    invalid = submit(as_admin, "/admin/user/new/", user_form(email="bukan-email"))
    assert "Please enter a valid e-mail address." in invalid.text
    assert User.select().count() == 2


def test_admin_edits_roles_and_departments(as_admin, agent):
    url = f"/admin/user/edit/?id={agent.id}"
    response = submit(as_admin, url, user_form(
        email=agent.email, full_name="Petugas Lama", roles=["agent", "supervisor"],
        departments=["Tim Jaringan", "Tim Email"]))
    assert response.status_code == 302
    assert User.get_by_id(agent.id).full_name == "Petugas Lama"
    assert roles_of(agent) == {"agent", "supervisor"}
    assert departments_of(agent) == {"Tim Jaringan", "Tim Email"}
    page = as_admin.get(url).text
    assert re.search(r'<option selected value="supervisor">', page)
    assert re.search(rf'<option selected value="{department_ids("Tim Jaringan")[0]}">', page)

    emptied = submit(as_admin, url, user_form(email=agent.email, roles=[], departments=[],
                                             active=False))
    assert emptied.status_code == 302
    assert roles_of(agent) == set() and departments_of(agent) == set()
    assert not User.get_by_id(agent.id).active


def test_admin_cannot_deactivate_self_or_drop_own_admin_role(as_admin, admin):
    url = f"/admin/user/edit/?id={admin.id}"
    message = "You cannot deactivate your own account or remove your own admin role."
    for change in ({"active": False, "roles": ["admin"]}, {"roles": ["agent"]}):
        response = submit(as_admin, url, user_form(
            email=admin.email, full_name="Nama Lain", departments=[], **change))
        assert response.status_code == 200 and message in response.text
        kept = User.get_by_id(admin.id)
        assert kept.active and kept.full_name == "Ani Admin"
        assert roles_of(admin) == {"admin"}
    assert as_admin.get("/admin/user/").status_code == 200


def test_reset_action_mails_the_selected_users(as_admin, agent, mailbox):
    listing = as_admin.get("/admin/user/").text
    assert f'name="rowid" value="{agent.id}"' in listing  # the row's own button
    response = as_admin.post("/admin/user/action/", data={
        "csrf_token": csrf_from(listing), "action": "reset_password", "rowid": [str(agent.id)],
        "url": "/admin/user/"})
    assert response.status_code == 302
    [mail] = mailbox.to(agent.email)
    assert any("/reset/" in link for link in links_in(mail))
    assert "sent to 1 user" in as_admin.get("/admin/user/").text


def test_user_list_queries_do_not_grow_with_the_users(as_admin, make_user, monkeypatch):
    def add_agents(first, last):
        for n in range(first, last):
            make_user(f"agent{n}@kemensos.go.id", roles=["agent"],
                      departments=["Tim SIKS-NG", "Tim Email"])

    statements = []
    database, caller = db.database.obj, threading.get_ident()
    execute_sql = database.execute_sql

    def counting(sql, *args, **kwargs):
        if threading.get_ident() == caller:
            statements.append(sql)
        return execute_sql(sql, *args, **kwargs)

    monkeypatch.setattr(database, "execute_sql", counting)

    def queries_for_the_list():
        statements.clear()
        page = as_admin.get("/admin/user/")
        assert page.status_code == 200
        return len(statements), page.text

    add_agents(0, 4)
    few, _ = queries_for_the_list()
    add_agents(4, 29)
    many, html = queries_for_the_list()
    assert html.count('name="rowid" class="action-checkbox"') == 20  # a full page
    assert cell(html, "agent12@", "departments") == "Tim Email, Tim SIKS-NG"
    assert many == few <= 8, statements


# --- access and CSRF -------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_other_staff_get_403_on_admin_views(client, make_user, role):
    user = make_user(f"{role}@kemensos.go.id", roles=[role], departments=["Tim Email"])
    login(client, user)
    for url in ADMIN_ONLY:
        assert client.get(url).status_code == 403, url
    token = csrf_from(client.get("/").text)
    refused = client.post("/admin/user/new/", data={"csrf_token": token, **user_form()})
    assert refused.status_code == 403
    assert not User.select().where(User.email == NEW_EMAIL).exists()
    home = client.get("/admin/").text
    assert "/admin/user/" not in home and "/admin/department/" not in home
    assert ("/admin/canned/" in home) == (role == "supervisor")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ADMIN_ONLY + ["/admin/canned/", "/admin/canned/new/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_posts_without_csrf_token_are_refused(as_admin, agent):
    assert as_admin.post("/admin/department/new/",
                         data={"name": "Tim Baru", "active": "y"}).status_code == 400
    assert not Department.select().where(Department.name == "Tim Baru").exists()
    edit = as_admin.post(f"/admin/user/edit/?id={agent.id}",
                         data=user_form(email=agent.email, active=False))
    assert edit.status_code == 400 and User.get_by_id(agent.id).active
    action = as_admin.post("/admin/user/action/", data={
        "action": "reset_password", "rowid": [str(agent.id)]})
    assert action.status_code == 400 and OutboxMail.select().count() == 0


# --- roles, departments, help topics ----------------------------------------------------------

def test_roles_keep_their_names_and_only_descriptions_change(as_admin):
    role = Role.get(name="agent")
    response = submit(as_admin, f"/admin/role/edit/?id={role.id}",
                      {"name": "superuser", "description": "Petugas lini pertama"})
    assert response.status_code == 302
    role = Role.get_by_id(role.id)
    assert role.name == "agent" and role.description == "Petugas lini pertama"
    assert as_admin.get("/admin/role/new/").status_code == 302  # no create
    assert Role.select().count() == 3


def test_department_names_are_unique(as_admin, agent, monkeypatch):
    message = "A department with this name already exists."
    response = submit(as_admin, "/admin/department/new/", {"name": " Tim Email ", "active": "y"})
    assert response.status_code == 200 and message in response.text
    assert Department.select().count() == 5

    # Two admins at once: the form's check passes, the database refuses, no 500.
    from admin_views.directory import Unique
    monkeypatch.setattr(Unique, "__call__", lambda self, form, field: None)
    raced = submit(as_admin, "/admin/department/new/", {"name": "Tim Email", "active": "y"})
    assert raced.status_code == 200 and message in raced.text
    assert Department.select().count() == 5
    assert as_admin.get("/admin/department/").status_code == 200


def test_departments_list_agents_and_appear_in_forms_at_once(as_admin, agent):
    created = submit(as_admin, "/admin/department/new/",
                     {"name": "<i>Tim Baru</i>", "description": "Baru", "active": "y"})
    assert created.status_code == 302
    assert submit(as_admin, "/admin/department/new/", {"name": "Tim Lama"}).status_code == 302
    assert not Department.get(name="Tim Lama").active

    listing = as_admin.get("/admin/department/").text
    assert "&lt;i&gt;Tim Baru&lt;/i&gt;" in listing and "<i>Tim Baru" not in listing
    assert cell(listing, "Tim SIKS-NG", "agent_count") == "1"
    assert cell(listing, "Tim Jaringan", "agent_count") == "0"
    user_form_page = as_admin.get("/admin/user/new/").text
    assert "&lt;i&gt;Tim Baru&lt;/i&gt;" in user_form_page and "Tim Lama" not in user_form_page
    assert "Tim Baru" in as_admin.get("/admin/topic/new/").text


def test_topics_are_made_with_a_department_and_the_default_plan(as_admin):
    form = {"name": "Topik Baru", "description": "", "active": "y", "sort_order": "9",
            "department": department_ids("Tim Jaringan")[0], "sla_plan": "__None"}
    response = submit(as_admin, "/admin/topic/new/", {**form, "sort_order": ""})
    assert response.status_code == 200 and "This field is required." in response.text
    assert not HelpTopic.select().where(HelpTopic.name == "Topik Baru").exists()

    assert submit(as_admin, "/admin/topic/new/", form).status_code == 302
    topic = HelpTopic.get(name="Topik Baru")
    assert topic.sla_plan is None and topic.department.name == "Tim Jaringan"
    listing = as_admin.get("/admin/topic/").text
    assert cell(listing, "Topik Baru", "department") == "Tim Jaringan"
    assert cell(listing, "Topik Baru", "sla_plan") == "Default plan"
    assert cell(listing, "Data Terpadu", "sla_plan") == "Standar 2 × 24 jam"
    duplicate = submit(as_admin, "/admin/topic/new/", form)
    assert "A help topic with this name already exists." in duplicate.text


# --- canned responses -------------------------------------------------------------------------

def test_supervisor_manages_canned_responses_agent_cannot(client, make_user):
    supervisor = make_user("pengawas@kemensos.go.id", roles=["supervisor"])
    login(english(client), supervisor)
    created = submit(client, "/admin/canned/new/", {
        "title": "Reset sandi SIKS-NG", "body": "Silakan <b>reset</b> lewat menu Lupa Sandi.",
        "department": "__None", "active": "y"})
    assert created.status_code == 302
    canned = CannedResponse.get(title="Reset sandi SIKS-NG")
    assert canned.department is None and canned.active
    listing = client.get("/admin/canned/").text
    assert cell(listing, "Reset sandi SIKS-NG", "department") == "All departments"

    deleted = client.post("/admin/canned/delete/", data={
        "id": str(canned.id), "url": "/admin/canned/", "csrf_token": csrf_from(listing)})
    assert deleted.status_code == 302 and CannedResponse.select().count() == 0
    logout(client)

    login(client, make_user("agen@kemensos.go.id", roles=["agent"], departments=["Tim Email"]))
    assert client.get("/admin/canned/").status_code == 403
    token = csrf_from(client.get("/").text)
    refused = client.post("/admin/canned/new/", data={
        "csrf_token": token, "title": "Dari agen", "body": "x", "department": "__None"})
    assert refused.status_code == 403 and CannedResponse.select().count() == 0
