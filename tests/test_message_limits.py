"""The message boxes state and keep their limit (MESSAGE_MAX_LENGTH, 20,000 characters),
the form refuses a longer text in Indonesian and keeps nothing, and a text far over it
(past the request's per-field limit) gets a 413 page that names the message limit, not
the files limit."""
import re

import pytest

from helpdesk.models import ThreadEntry, Ticket

from conftest import csrf_from, desk_post, desk_url, login
from samples import PDF, upload

LIMIT = 20000


def new_ticket(client, topic, message, files=()):
    token = csrf_from(client.get("/tickets/new").text)
    data = {"csrf_token": token, "topic": str(topic.id), "subject": "Pesan panjang",
            "message": message}
    if files:
        data["attachments"] = list(files)
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


def textareas(html):
    return re.findall(r"<textarea[^>]*>", html)


def test_the_portal_boxes_state_and_carry_their_limit(client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    login(client, citizen)
    for path in ("/tickets/new", f"/tickets/{ticket.number}"):
        page = client.get(path).text
        box = textareas(page)[0]
        assert 'maxlength="20000"' in box and 'aria-describedby="message-hint"' in box
        assert "Maksimal 20.000 karakter." in page
    # the ticket page's other box: the comment when closing the ticket
    [_, comment] = textareas(page)
    assert 'maxlength="20000"' in comment and 'aria-describedby="close-comment-hint"' in comment


def test_the_desk_boxes_state_and_carry_their_limit(client_of, citizen, agent, make_ticket):
    page = client_of(agent).get(desk_url(make_ticket(citizen))).text
    boxes = textareas(page)
    assert len(boxes) == 4  # reply, note, transfer reason, status comment
    assert all('maxlength="20000"' in box for box in boxes)
    assert page.count("Maksimal 20.000 karakter.") == 4


def test_a_message_one_over_the_limit_is_refused_and_nothing_saved(client, citizen, topic):
    login(client, citizen)
    response = new_ticket(client, topic, "a" * (LIMIT + 1))
    assert response.status_code == 200
    assert "Teks ini berisi 20.001 karakter; maksimal 20.000 karakter." in response.text
    assert Ticket.select().count() == 0 and ThreadEntry.select().count() == 0


@pytest.mark.parametrize("text", [
    "a" * LIMIT,
    "baris\r\n" * (LIMIT // 6) + "a" * (LIMIT % 6),  # line breaks arrive as CR LF
    "😀" * LIMIT,  # four bytes each: the request limit leaves room for the longest text
], ids=["letters", "line breaks", "four-byte characters"])
def test_a_message_at_the_limit_is_saved(client, citizen, topic, text):
    assert len(text.replace("\r\n", "\n")) == LIMIT
    login(client, citizen)
    assert new_ticket(client, topic, text).status_code == 302
    assert ThreadEntry.get().body == text


def test_a_portal_reply_over_the_limit_is_refused(client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    login(client, citizen)
    page = client.get(f"/tickets/{ticket.number}")
    response = client.post(f"/tickets/{ticket.number}", data={
        "csrf_token": csrf_from(page.text), "message": "b" * (LIMIT + 5)},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Teks ini berisi 20.005 karakter; maksimal 20.000 karakter." in response.text
    assert ThreadEntry.select().count() == 1


@pytest.mark.parametrize("view", ["reply", "note"])
def test_a_desk_text_over_the_limit_is_refused(client_of, citizen, agent, make_ticket, view):
    ticket = make_ticket(citizen)
    response = desk_post(client_of(agent), ticket, view, message="c" * (LIMIT + 1))
    assert response.status_code == 200
    assert "Teks ini berisi 20.001 karakter; maksimal 20.000 karakter." in response.text
    assert ThreadEntry.select().count() == 1


def test_a_600_kb_message_gets_a_page_naming_the_text_limit(client, citizen, topic):
    """Over the request's per-field limit Werkzeug stops reading before the form exists,
    so the answer is a 413 page, which must speak of the text, not of files."""
    login(client, citizen)
    response = new_ticket(client, topic, "d" * 600_000, files=[upload("surat.pdf", PDF)])
    assert response.status_code == 413
    assert "Teks terlalu panjang" in response.text and "20.000 karakter" in response.text
    assert "Berkas" not in response.text
    assert Ticket.select().count() == 0


def test_a_600_kb_desk_reply_gets_the_same_page(client_of, citizen, agent, make_ticket):
    ticket = make_ticket(citizen)
    response = desk_post(client_of(agent), ticket, "reply", message="e" * 600_000)
    assert response.status_code == 413 and "Teks terlalu panjang" in response.text
    assert ThreadEntry.select().count() == 1

