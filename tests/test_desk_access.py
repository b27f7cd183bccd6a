"""Who may use the staff desk: anonymous visitors sign in first, citizens get 403, and an
agent gets 404 for a ticket outside their departments whatever the URL."""
import pytest

from helpdesk.models import Department, Ticket, ThreadEntry, TicketEvent

from conftest import csrf_from, desk_post, desk_url, login

PAGES = ["details"]
FORMS = {"claim": {}, "release": {}, "reply": {"message": "Halo"}, "note": {"message": "x"},
         "transfer": {"comment": "pindah"}, "status": {"status": "closed"},
         "assign": {"agent": "1"}}


@pytest.fixture
def ticket(citizen, make_ticket):
    return make_ticket(citizen)


def unchanged(ticket):
    saved = Ticket.get_by_id(ticket.id)
    return (saved.status == "open" and saved.assignee_id is None
            and saved.department.name == "Tim SIKS-NG"
            and ThreadEntry.select().count() == 1
            and TicketEvent.select().where(TicketEvent.kind != "opened").count() == 0)


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket):
    for url in ["/admin/", "/admin/ticket/?flt0_status=open", desk_url(ticket),
                "/admin/ticket/export/csv/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    token = csrf_from(client.get("/login").text)
    for view in FORMS:
        response = client.post(desk_url(ticket, view), data={"csrf_token": token})
        assert response.status_code == 302 and "/login" in response.headers["Location"], view
    response = client.post("/admin/ticket/action/", data={
        "csrf_token": token, "action": "claim", "rowid": [str(ticket.id)]})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert unchanged(ticket)


def test_citizens_get_403_everywhere(client, citizen, ticket):
    login(client, citizen)
    for url in ["/admin/", "/admin/ticket/?flt0_status=open", desk_url(ticket),
                "/admin/ticket/export/csv/"]:
        assert client.get(url).status_code == 403, url
    for view, fields in FORMS.items():
        assert desk_post(client, ticket, view, **fields).status_code == 403, view
    token = csrf_from(client.get("/").text)
    assert client.post("/admin/ticket/action/", data={
        "csrf_token": token, "action": "claim", "rowid": [str(ticket.id)]}).status_code == 403
    assert unchanged(ticket)


def test_another_departments_agent_gets_404_for_every_url(client_of, data_agent, ticket):
    desk = client_of(data_agent)
    assert desk.get(desk_url(ticket)).status_code == 404
    fields = dict(FORMS, transfer={"comment": "pindah",
                                   "department": str(Department.get(name="Tim Email").id)})
    for view, data in fields.items():
        assert desk_post(desk, ticket, view, **data).status_code == 404, view
    queue = desk.get("/admin/ticket/?flt0_status=any").text
    assert str(ticket.number) not in queue
    search = desk.get(f"/admin/ticket/?flt0_status=any&search={ticket.number}").text
    assert f"#{ticket.number}<" not in search
    token = csrf_from(queue)
    desk.post("/admin/ticket/action/", data={"csrf_token": token, "action": "claim",
                                             "rowid": [str(ticket.id)]})
    assert unchanged(ticket)


def test_agents_cannot_export(client_of, agent, ticket):
    desk = client_of(agent)
    assert "export/csv" not in desk.get("/admin/ticket/?flt0_status=open").text
    response = desk.get("/admin/ticket/export/csv/")
    assert response.status_code == 302 and "export" not in response.headers["Location"]


def test_lifecycle_fields_cannot_be_edited_through_generic_forms(client_of, supervisor,
                                                                  agent, ticket):
    desk = client_of(supervisor)
    token = csrf_from(desk.get(desk_url(ticket)).text)
    crafted = {"csrf_token": token, "status": "closed", "assignee": str(agent.id),
               "number": "1234567", "department": "3", "subject": "diubah"}
    for url in (f"/admin/ticket/edit/?id={ticket.id}", "/admin/ticket/new/"):
        response = desk.post(url, data=crafted)
        assert response.status_code in (302, 403, 404), url
    desk.post("/admin/ticket/delete/", data={"csrf_token": token, "id": str(ticket.id)})
    desk.post("/admin/ticket/action/", data={"csrf_token": token, "action": "delete",
                                             "rowid": [str(ticket.id)]})
    assert unchanged(ticket) and Ticket.get_by_id(ticket.id).subject != "diubah"
    assert Ticket.get_by_id(ticket.id).number == ticket.number


def test_forms_without_csrf_token_are_refused(client_of, agent, ticket):
    desk = client_of(agent)
    response = desk.post(desk_url(ticket, "claim"))
    assert response.status_code == 400
    assert unchanged(ticket)


def test_ticket_text_is_escaped_on_the_desk(client_of, citizen, agent, make_ticket):
    ticket = make_ticket(citizen, subject="<script>alert(1)</script>",
                         message="<img src=x onerror=alert(2)>")
    desk = client_of(agent)
    for url in (desk_url(ticket), "/admin/ticket/?flt0_status=open"):
        page = desk.get(url).text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
        assert "<img src=x" not in page


def test_a_row_button_returns_only_to_the_queue(client_of, agent, ticket):
    desk = client_of(agent)
    token = csrf_from(desk.get("/").text)
    for evil in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/"):
        response = desk.post(desk_url(ticket, "release"), data={"csrf_token": token,
                                                               "next": evil})
        assert "evil" not in response.headers["Location"], evil
    response = desk.post(desk_url(ticket, "claim"), data={
        "csrf_token": token, "next": "/admin/ticket/?flt0_status=open"})
    assert response.headers["Location"].endswith("/admin/ticket/?flt0_status=open")
