"""The new-ticket form sent twice (a retry after a lost connection, a refresh, a double
click, two requests at once) opens one ticket, with one receipt and one set of files."""
import re
import threading
from pathlib import Path

import pytest
from playhouse.migrate import migrate

from helpdesk import migrations
from helpdesk.db import db
from helpdesk.mailer import deliver_pending
from helpdesk.models import Attachment, OutboxMail, SchemaVersion, Ticket

from conftest import csrf_from, login
from samples import PDF, upload


def form_of(client):
    """(csrf token, one-time key) of a freshly shown new-ticket form."""
    page = client.get("/tickets/new")
    assert page.status_code == 200
    return csrf_from(page.text), key_in(page.text)


def key_in(html):
    match = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', html)
    assert match, "no one-time key on the page"
    return match.group(1)


def send(client, topic, csrf, key, subject="Data PKH tidak muncul", with_file=True):
    data = {"csrf_token": csrf, "topic": str(topic.id), "subject": subject,
            "message": "Nama saya tidak ada di daftar penerima."}
    if key is not None:
        data["submission_key"] = key
    if with_file:
        data["attachments"] = [upload("Surat Dinas.pdf", PDF)]
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


def files_on_disk(app):
    return [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]


def test_the_same_form_sent_twice_opens_one_ticket(app, client, citizen, topic, mailbox):
    login(client, citizen)
    csrf, key = form_of(client)
    first = send(client, topic, csrf, key)
    again = send(client, topic, csrf, key)  # the retry after a connection reset

    ticket = Ticket.get()
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == f"/tickets/{ticket.number}?created=1"
    assert again.headers["Location"] == f"/tickets/{ticket.number}"
    page = client.get(again.headers["Location"])
    assert f"Tiket #{ticket.number} sudah kami terima" in page.text
    assert "Data PKH tidak muncul" in page.text

    assert Ticket.select().count() == 1 and ticket.submission_key == key
    assert [a.original_name for a in Attachment.select()] == ["Surat Dinas.pdf"]
    [stored] = files_on_disk(app)
    assert stored.read_bytes() == PDF and stored.name == Attachment.get().stored_name

    with app.app_context():
        deliver_pending()  # whatever is queued is sent now: exactly one receipt
    assert OutboxMail.select().where(OutboxMail.recipient == citizen.email).count() == 1
    assert len(mailbox.to(citizen.email)) == 1


def test_the_form_shown_again_with_errors_keeps_its_key(client, citizen, topic):
    login(client, citizen)
    csrf, key = form_of(client)
    refused = send(client, topic, csrf, key, subject=" ")
    assert refused.status_code == 200 and key_in(refused.text) == key
    assert send(client, topic, csrf, key).status_code == 302
    assert send(client, topic, csrf, key).headers["Location"] == f"/tickets/{Ticket.get().number}"
    assert Ticket.select().count() == 1


def test_two_identical_requests_at_once_open_one_ticket(app, citizen, topic, client_of):
    browsers = [client_of(citizen), client_of(citizen)]
    key = form_of(browsers[0])[1]
    tokens = [form_of(b)[0] for b in browsers]
    start = threading.Barrier(2)
    answers = [None, None]

    def post(i):
        start.wait()
        answers[i] = send(browsers[i], topic, tokens[i], key)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ticket = Ticket.get()
    assert Ticket.select().count() == 1
    assert sorted(a.headers["Location"] for a in answers) == [
        f"/tickets/{ticket.number}", f"/tickets/{ticket.number}?created=1"]
    assert len(files_on_disk(app)) == 1 and Attachment.select().count() == 1


def test_a_key_used_by_another_citizen_opens_their_own_ticket(citizen, other_citizen, topic,
                                                              client_of):
    mine, theirs = client_of(citizen), client_of(other_citizen)
    key = form_of(mine)[1]
    first = send(mine, topic, form_of(mine)[0], key, subject="Rahasia Siti")
    copied = send(theirs, topic, form_of(theirs)[0], key, subject="Soal Budi")

    own = Ticket.get(Ticket.requester == other_citizen)
    assert Ticket.select().count() == 2
    assert copied.headers["Location"] == f"/tickets/{own.number}?created=1"
    assert copied.headers["Location"] != first.headers["Location"]
    page = theirs.get(copied.headers["Location"])
    assert "Soal Budi" in page.text and "Rahasia Siti" not in page.text


@pytest.mark.parametrize("key", [None, "", "pendek", "<script>" * 4, "a" * 65],
                         ids=["missing", "empty", "too short", "foreign characters", "too long"])
def test_a_missing_or_malformed_key_still_opens_the_ticket(client, citizen, topic, key):
    """An old page or a script: the ticket is opened (nothing the citizen wrote is lost),
    only without the repeat check; the page shown next carries a proper key again."""
    login(client, citizen)
    csrf, _ = form_of(client)
    assert send(client, topic, csrf, key).status_code == 302
    assert send(client, topic, csrf, key).status_code == 302
    assert [t.submission_key for t in Ticket.select()] == [None, None]
    refused = send(client, topic, csrf, key, subject="")
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key_in(refused.text))


@pytest.mark.alters_schema
def test_init_db_adds_the_key_to_an_existing_database(app, runner, citizen, make_ticket):
    make_ticket(citizen)
    name = "0003_submission_key"
    migrator = migrations.migrator_for(db.database)
    migrate(migrator.drop_index("ticket", "ticket_requester_id_submission_key"),
            migrator.drop_column("ticket", "submission_key"))
    SchemaVersion.delete().where(SchemaVersion.name == name).execute()

    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and name in result.output, result.output
    assert Ticket.get().submission_key is None  # the column is back, the ticket kept
    [index] = [i for i in db.database.get_indexes("ticket")
               if i.columns == ["requester_id", "submission_key"]]
    assert index.unique
