"""Who may see what: another user's ticket or file is a 404 whatever is tried."""
import re

import pytest

from helpdesk.models import Attachment, ThreadEntry

from conftest import csrf_from, login, logout
from samples import PDF, upload


def open_with_file(client, topic, name="surat <b>.pdf"):
    """Open a ticket through the portal as the signed-in user; returns its attachment."""
    token = csrf_from(client.get("/tickets/new").text)
    client.post("/tickets/new", data={
        "csrf_token": token, "topic": str(topic.id), "subject": "Surat",
        "message": "Terlampir.", "attachments": [upload(name, PDF)]},
        content_type="multipart/form-data")
    return Attachment.get()


@pytest.fixture
def ticket_with_file(app, client, citizen, topic):
    login(client, citizen)
    attachment = open_with_file(client, topic)
    logout(client)
    return attachment.ticket, attachment


def urls(ticket, attachment):
    return [f"/tickets/{ticket.number}",
            f"/tickets/{ticket.number}/files/{attachment.id}"]


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket_with_file):
    for url in urls(*ticket_with_file) + ["/tickets/", "/tickets/new"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_another_citizen_gets_404_everywhere(client, other_citizen, ticket_with_file):
    ticket, attachment = ticket_with_file
    login(client, other_citizen)
    for url in urls(ticket, attachment):
        assert client.get(url).status_code == 404, url
    token = csrf_from(client.get("/tickets/new").text)
    response = client.post(f"/tickets/{ticket.number}", data={"csrf_token": token,
                                                              "message": "Saya ikut"})
    assert response.status_code == 404
    assert ThreadEntry.select().count() == 1


def test_owner_downloads_the_file_as_an_attachment(client, citizen, ticket_with_file):
    ticket, attachment = ticket_with_file
    login(client, citizen)
    response = client.get(f"/tickets/{ticket.number}/files/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "surat" in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_file_under_another_ticket_number_is_404(client, citizen, make_ticket, ticket_with_file):
    _, attachment = ticket_with_file
    other = make_ticket(citizen)
    login(client, citizen)
    assert client.get(f"/tickets/{other.number}/files/{attachment.id}").status_code == 404


def test_staff_of_the_department_may_download(client, make_user, ticket_with_file):
    ticket, attachment = ticket_with_file
    url = f"/tickets/{ticket.number}/files/{attachment.id}"
    outsider = make_user("jaringan@kemensos.go.id", roles=["agent"], departments=["Tim Jaringan"])
    login(client, outsider)
    assert client.get(url).status_code == 404
    logout(client)
    insider = make_user("siks@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"])
    login(client, insider)
    assert client.get(url).data == PDF
    logout(client)
    login(client, make_user("kepala@kemensos.go.id", roles=["supervisor"]))
    assert client.get(url).data == PDF


def test_staff_desk_is_for_staff_only(client, citizen, agent):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, citizen)
    assert client.get("/admin/").status_code == 403
    logout(client)
    login(client, agent)
    assert client.get("/admin/").status_code == 200


def test_staff_member_reads_files_of_their_own_ticket(client, make_user, topic):
    member = make_user("jaringan2@kemensos.go.id", roles=["agent"], departments=["Tim Jaringan"])
    login(client, member)
    attachment = open_with_file(client, topic)
    url = f"/tickets/{attachment.ticket.number}/files/{attachment.id}"
    assert client.get(url).data == PDF


def test_pages_load_nothing_from_third_parties(client, client_of, agent):
    """The theme's Google Fonts import is removed: no visitor's browser calls out."""
    for browser, url in ((client, "/"), (client, "/login"), (client_of(agent), "/admin/ticket/")):
        html = browser.get(url).text
        assert re.findall(r'(?:href|src)="(?:https?:)?//', html) == [], url
    css = client.get("/theme/flatly.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert ".btn-primary" in css.text
    assert "@import" not in css.text and "googleapis" not in css.text
    again = client.get("/theme/flatly.css", headers={"If-None-Match": css.headers["ETag"]})
    assert again.status_code == 304
