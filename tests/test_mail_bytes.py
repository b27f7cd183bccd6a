"""The outbox writes each message to the same bytes as Flask-Mail would, only faster: the
quick path is taken for the mail the helpdesk sends every day, and any message it cannot
write alike (long non-ASCII subjects, attachments) goes Flask-Mail's way."""
import random
import re

import pytest
from flask_mail import Message

from helpdesk import mailer
from helpdesk.mail_bytes import FastMessage, written_alike
from helpdesk.models import OutboxMail

WORDS = ["Tiket", "aplikasi", "SIKS-NG", "tidak", "bisa", "login", "[#1234567]", "(DTKS)",
         "data:", "warga", "\"kutip\"", "'satu'", "NIK", "3201-0102", "bantuan!", "PKH?",
         "a/b", "<x>", "@kemensos", "#12", "e-mail", "50%", "&"]
ODD = ["ñandú", "café", "–", "“kutip”", "🎉", "a,b", "x;y", "=?utf-8?q?palsu?=", "x" * 75,
       "Ünïcödé", "tab\tdi", "x" * 69, "(DTKS", "a\\b"]  # where the two ways could fold apart


def message(subject, body, html, sender, recipient, headers, files=()):
    msg = FastMessage(subject, recipients=[recipient], body=body, html=html, sender=sender,
                      date=1_700_000_000)
    msg.msgId = "<ticket-1234567@kemensos.go.id>"
    msg.extra_headers = dict(headers)
    for file in files:
        msg.attach(*file)
    return msg


def same_bytes(msg):
    """FastMessage's bytes and Flask-Mail's, each with its random boundaries named alike."""
    def named(raw):
        found = []
        for boundary in re.findall(rb"boundary=\"([^\"]+)\"", raw):
            found.append(boundary)
        for n, boundary in enumerate(found):
            raw = raw.replace(boundary, b"B%d" % n)
        return raw
    return named(msg.as_bytes()) == named(Message.as_bytes(msg))


def random_messages(count, seed):
    chance = random.Random(seed)
    senders = ["Helpdesk Pusdatin Kesos <helpdesk@kemensos.go.id>", "helpdesk@contoh.id",
               ("Dr. Budi, S.Kom", "budi@contoh.id"), ("Sïti Nurhâliza", "siti@contoh.id")]
    header_sets = [{}, {"In-Reply-To": "<ticket-1234567@kemensos.go.id>",
                        "References": "<ticket-1234567@kemensos.go.id>"},
                   {"Reply-To": "helpdesk+t1234567.abcdefabcdef0123456789@kemensos.go.id",
                    "Auto-Submitted": "auto-replied"},
                   {"References": " ".join(f"<m{i}.{'x' * i}@contoh.id>" for i in range(12))}]
    for _ in range(count):
        words = [chance.choice(ODD if chance.random() < 0.03 else WORDS)
                 for _ in range(chance.randrange(0, 30))]
        spaces = [chance.choice([" ", " ", " ", "  "]) for _ in words]
        subject = "".join(w + s for w, s in zip(words, spaces)).strip()
        body = "\n".join(" ".join(chance.choices(WORDS, k=chance.randrange(0, 40)))
                         for _ in range(chance.randrange(1, 6))) + "\n"
        yield message(subject, body, chance.choice([None, f"<p>{body}</p>"]),
                      chance.choice(senders),
                      chance.choice(["warga@contoh.id", "Sïti <siti@contoh.id>"]),
                      chance.choice(header_sets))


def test_every_message_is_written_as_flask_mail_writes_it(app):
    with app.app_context():
        quick = 0
        for msg in random_messages(800, seed=13):
            assert same_bytes(msg), msg.subject
            quick += written_alike(msg._message())
    assert 100 < quick < 700  # both ways were compared, the quick one often


@pytest.mark.parametrize("files", [
    [("laporan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      b"PK\x03\x04" + bytes(range(256)))],
    [("Lapörän ñ.csv", "text/csv", b"a,b\n1,2\n")]])
def test_attachments_go_flask_mails_way(app, files):
    with app.app_context():
        msg = message("Laporan", "Terlampir.\n", "<p>Terlampir.</p>",
                      "helpdesk@contoh.id", "warga@contoh.id", {}, files)
        assert not written_alike(msg._message())
        assert same_bytes(msg)


def test_the_mail_of_a_new_ticket_takes_the_quick_path(app, citizen, agent, make_ticket):
    make_ticket(citizen, subject="Tidak bisa login ke aplikasi SIKS-NG sejak pagi tadi, "
                                 "mohon dibantu segera")
    rows = list(OutboxMail.select().where(OutboxMail.kind.startswith("ticket_opened")))
    assert {row.kind for row in rows} == {"ticket_opened_requester", "ticket_opened_staff"}
    with app.test_request_context():
        for row in rows:
            msg = mailer._message(row)
            msg.date = 1_700_000_000
            assert written_alike(msg._message()), row.subject
            assert same_bytes(msg)


def test_a_message_to_several_people_names_none_of_them(app):
    """Each recipient of a staff alert is a Bcc: the To is the empty group, written alike."""
    msg = message("[#1234567] Tiket baru untuk Tim SIKS-NG: aplikasi", "Isi\n", "<p>Isi</p>",
                  "Helpdesk Pusdatin Kesos <helpdesk@kemensos.go.id>", "x@contoh.id", {})
    msg.recipients, msg.bcc = [], ["satu@kemensos.go.id", "dua@kemensos.go.id"]
    with app.app_context():
        assert same_bytes(msg)
        raw = msg.as_bytes()
    assert b"\r\nTo: undisclosed-recipients:;\r\n" in raw
    assert b"satu@" not in raw and b"dua@" not in raw
