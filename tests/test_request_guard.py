"""Control characters (NUL first: PostgreSQL cannot store it) are refused with a translated
400 before any view runs, on the portal, Flask-Security's pages and the desk alike, and
nothing is saved. Tab and line breaks, which a textarea sends, pass."""
import pytest

from helpdesk.models import Department, ThreadEntry, Ticket, User

from conftest import csrf_from, desk_post, login
from samples import PDF, upload

REFUSED = "Karakter tidak diizinkan"


def assert_refused(response):
    assert response.status_code == 400
    assert REFUSED in response.text and "Tidak ada yang disimpan" in response.text


def new_ticket(client, topic, files=(), **fields):
    token = csrf_from(client.get("/tickets/new").text)
    data = {"csrf_token": token, "topic": str(topic.id), "subject": "Tidak bisa login",
            "message": "Sejak pagi gagal masuk.", **fields}
    if files:
        data["attachments"] = list(files)
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


HOSTILE_TICKETS = {
    "NUL in the subject": dict(subject="Tidak bisa\x00 login"),
    "NUL in the message": dict(message="Gagal\x00masuk"),
    "escape in the message": dict(message="warna \x1b[31mmerah"),
    "DEL in the subject": dict(subject="Hapus\x7f"),
    "C1 control in the message": dict(message="baris\x85baru"),
    "NUL in a field name": {"subject\x00": "x"},
    "NUL in a file name": dict(files=[upload("surat\x00.pdf", PDF)]),
}


@pytest.mark.parametrize("case", HOSTILE_TICKETS, ids=list(HOSTILE_TICKETS))
def test_a_new_ticket_with_control_characters_is_refused(client, citizen, topic, case):
    login(client, citizen)
    assert_refused(new_ticket(client, topic, **HOSTILE_TICKETS[case]))
    assert Ticket.select().count() == 0 and ThreadEntry.select().count() == 0


def test_tab_and_line_breaks_of_a_textarea_pass(client, citizen, topic):
    login(client, citizen)
    response = new_ticket(client, topic, message="Langkah:\r\n\t1. masuk\r\n\t2. gagal")
    assert response.status_code == 302
    assert ThreadEntry.get().body == "Langkah:\r\n\t1. masuk\r\n\t2. gagal"


def test_a_portal_reply_with_nul_is_refused(client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    login(client, citizen)
    page = client.get(f"/tickets/{ticket.number}")
    response = client.post(f"/tickets/{ticket.number}", data={
        "csrf_token": csrf_from(page.text), "message": "Masih\x00 gagal"},
        content_type="multipart/form-data")
    assert_refused(response)
    assert ThreadEntry.select().count() == 1  # only the opening message


def test_a_query_string_with_nul_is_refused(client, citizen):
    login(client, citizen)
    assert_refused(client.get("/tickets/?page=%00"))
    assert_refused(client.get("/tickets/?x%00=1"))


def test_a_form_body_is_checked_whatever_the_method(client, citizen):
    """Pages without a body are checked without parsing one; a GET that carries a form
    body is checked like a POST."""
    login(client, citizen)
    assert client.get("/tickets/").status_code == 200
    assert_refused(client.get("/tickets/", data={"q": "data\x00ganda"}))
    assert_refused(client.delete("/tickets/", data={"x\x01": "1"}))


def test_registration_with_nul_in_the_name_is_refused(client):
    page = client.get("/register")
    response = client.post("/register", data={
        "full_name": "Rina\x00 Baru", "email": "baru@contoh.id", "password": "rahasia-123",
        "password_confirm": "rahasia-123", "csrf_token": csrf_from(page.text)})
    assert_refused(response)
    assert User.select().where(User.email == "baru@contoh.id").count() == 0


def test_sign_in_with_nul_in_the_email_is_refused(client, citizen):
    page = client.get("/login")
    response = client.post("/login", data={
        "email": citizen.email + "\x00", "password": "rahasia-123",
        "csrf_token": csrf_from(page.text)})
    assert_refused(response)
    assert client.get("/tickets/").status_code == 302  # still signed out


@pytest.mark.parametrize("body", [
    '{"email": "warga@contoh.id\\u0000", "password": "x"}',
    '{"email": "warga@contoh.id\\ud800", "password": "x"}',
    '{"nested": [{"deep": ["\\u0007"]}]}',
], ids=["NUL", "lone surrogate", "nested bell"])
def test_json_with_control_characters_is_refused(client, citizen, body):
    response = client.post("/login", data=body, content_type="application/json")
    assert_refused(response)


def test_json_nested_too_deeply_is_refused_not_a_crash(client):
    response = client.post("/login", data="[" * 100_000 + "]" * 100_000,
                           content_type="application/json")
    assert response.status_code == 400 and "Permintaan tidak dapat dibaca" in response.text


def test_the_desk_search_with_nul_is_refused(client_of, agent):
    desk = client_of(agent)
    assert desk.get("/admin/ticket/?search=siks").status_code == 200
    assert_refused(desk.get("/admin/ticket/?search=%00"))


def test_a_desk_reply_with_nul_is_refused(client_of, citizen, agent, make_ticket):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    assert_refused(desk_post(desk, ticket, "reply", message="Sudah\x00 diperbaiki."))
    assert_refused(desk_post(desk, ticket, "note", message="catatan\x00"))
    assert ThreadEntry.select().count() == 1
    assert Ticket.get_by_id(ticket.id).assignee_id is None  # the reply would have claimed it


def test_the_desk_directory_forms_are_guarded_too(client_of, make_user):
    admin = client_of(make_user("admin@kemensos.go.id", roles=["admin"]))
    page = admin.get("/admin/department/new/")
    assert page.status_code == 200
    response = admin.post("/admin/department/new/", data={
        "name": "Unit\x00 Baru", "csrf_token": csrf_from(page.text)})
    assert_refused(response)
    assert Department.select().where(Department.name.startswith("Unit")).count() == 0
