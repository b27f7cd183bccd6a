"""The outbox writes each message to the same bytes as Flask-Mail would, only faster: the
shapes the helpdesk sends are written directly (text, an HTML alternative, attachments,
headers with accents or too long for a line, mail to Bcc only), and any other message
goes Flask-Mail's way. Every comparison is of whole messages, byte for byte."""
import random
import re
import string
from email import policy

import pytest

from helpdesk import mailer
from helpdesk.mail_bytes import FastMessage, header, written_directly
from helpdesk.models import OutboxMail

WORDS = ["Tiket", "aplikasi", "SIKS-NG", "tidak", "bisa", "login", "[#1234567]", "(DTKS)",
         "data:", "warga", "\"kutip\"", "'satu'", "NIK", "3201-0102", "bantuan!", "PKH?",
         "a/b", "<x>", "@kemensos", "#12", "e-mail", "50%", "&", "From", "."]
ODD = ["ñandú", "café", "–", "“kutip”", "🎉", "a,b", "x;y", "=?utf-8?q?palsu?=", "x" * 75,
       "Ünïcödé", "tab\tdi", "x" * 69, "(DTKS", "a\\b", "Jalan Sudirman № 5", "ç" * 40,
       "\u00a0", "٣٢٠١", "日本語の件名"]  # where a writer could go wrong
LINE_ENDS = ["\n", "\n", "\n", "\r\n", "\r", "\n\n"]
SENDERS = ["Helpdesk Pusdatin Kesos <helpdesk@kemensos.go.id>", "helpdesk@contoh.id",
           ("Dr. Budi, S.Kom", "budi@contoh.id"), ("Sïti Nurhâliza", "siti@contoh.id"),
           "\"Layanan \\\"Kesos\\\"\" <layanan@contoh.id>"]
RECIPIENTS = ["warga@contoh.id", "Sïti <siti@contoh.id>", "Budi Santoso <budi@contoh.id>",
              "x" * 60 + "@" + "panjang" * 5 + ".contoh.id"]
HEADER_SETS = [{}, {"In-Reply-To": "<ticket-1234567@kemensos.go.id>",
                    "References": "<ticket-1234567@kemensos.go.id>"},
               {"Reply-To": "helpdesk+t1234567.abcdefabcdef0123456789@kemensos.go.id",
                "Auto-Submitted": "auto-replied"},
               {"References": " ".join(f"<m{i}.{'x' * i}@contoh.id>" for i in range(12))},
               {"Reply-To": "Balasan Tiket Helpdesk Pusdatin Kesos Kementerian Sosial "
                            "<helpdesk+t1234567.abcdefabcdef0123456789@kemensos.go.id>"}]
FILES = [("laporan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         ("Lapörän ñ.csv", "text/csv"), ("data.csv", "text/csv"), ("foto saya.png", "image/png"),
         ("a \"kutip\" \\ b.txt", "text/plain"),
         ("Rekapitulasi tiket bulanan Pusdatin Kesos periode Desember.xlsx",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         ("Rekapitulasi tiket bulanan — Desember (ñ).csv", "text/csv")]


def text(chance, odd=0.03, words=40):
    """Lines of words, now and then an odd one, with any kind of line end."""
    lines = [" ".join(chance.choice(ODD if chance.random() < odd else WORDS)
                      for _ in range(chance.randrange(0, words)))
             for _ in range(chance.randrange(0, 6))]
    if chance.random() < 0.1:
        lines.append("x" * chance.randrange(900, 1200))  # a long line is written as it is
    ends = [chance.choice(LINE_ENDS) for _ in lines]
    written = "".join(line + end for line, end in zip(lines, ends))
    return written if chance.random() < 0.8 else written.rstrip()


def message(subject, body, html, sender, recipient, headers, files=(), bcc=None):
    msg = FastMessage(subject, recipients=[] if bcc else [recipient], bcc=bcc, body=body,
                      html=html, sender=sender, date=1_700_000_000)
    msg.msgId = "<ticket-1234567@kemensos.go.id>"
    msg.extra_headers = dict(headers)
    for file in files:
        msg.attach(*file)
    return msg


def same_bytes(msg):
    """FastMessage's bytes and Flask-Mail's, each with its random boundaries named alike."""
    def named(raw):
        for n, boundary in enumerate(re.findall(rb"boundary=\"([^\"]+)\"", raw)):
            raw = raw.replace(boundary, b"B%d" % n)
        return raw
    mine, theirs = named(msg.as_bytes()), named(FastMessage._message(msg).as_bytes())
    return mine == theirs or (mine, theirs)


def random_messages(count, seed):
    chance = random.Random(seed)
    for _ in range(count):
        subject = text(chance, odd=chance.choice([0.03, 0.3]), words=30).replace(
            "\r", " ").replace("\n", " ").strip()
        files = [(name, kind, chance.randbytes(chance.choice([0, 1, 56, 57, 58, 200, 4000]))
                  + chance.choice([b"", b"\n"]))
                 for name, kind in chance.sample(FILES, chance.choice([0, 0, 0, 1, 2]))]
        body = text(chance)
        html = chance.choice([None, f"<p>{text(chance)}</p>"])
        bcc = chance.choice([None, None, None, ["satu@contoh.id", "dua@contoh.id"]])
        yield message(subject, body, html, chance.choice(SENDERS), chance.choice(RECIPIENTS),
                      chance.choice(HEADER_SETS), files, bcc)


def test_every_message_is_written_as_flask_mail_writes_it(app):
    with app.app_context():
        for msg in random_messages(1200, seed=13):
            assert written_directly(msg) is not None
            assert same_bytes(msg) is True, msg.subject


def test_a_long_subject_is_folded_as_the_policy_folds_it():
    """Subjects of plain words are folded here; the policy folds every other header."""
    chance = random.Random(13)
    marks = string.ascii_letters + string.digits + ".,:/#[]!?&%@'_-"
    for _ in range(5000):
        subject = " ".join(
            chance.choice(WORDS) if chance.random() < 0.3 else "".join(
                chance.choices(marks, k=chance.randrange(1, chance.choice([5, 12, 41]))))
            for _ in range(chance.randrange(1, 30)))
        assert header("Subject", subject) == policy.SMTP.fold_binary("Subject", subject)


@pytest.mark.parametrize("subject", [
    "[#1234567] Tiket baru: Tidak bisa login ke aplikasi SIKS-NG sejak pagi tadi, mohon dibantu",
    "[#1234567] Tiket baru: “Tidak bisa login” — aplikasi SIKS-NG menolak kata sandi saya 🎉",
    "Ünïcödé", "x" * 300, "ç" * 200])
@pytest.mark.parametrize("files", [
    [], [("laporan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          b"PK\x03\x04" + bytes(range(256)))],
    [("Lapörän ñ.csv", "text/csv", b"a,b\n1,2\n"), ("kosong.txt", "text/plain", b"")]])
def test_long_and_accented_subjects_and_attachments(app, subject, files):
    with app.app_context():
        for html in (None, "<p>Terlampir ñ.</p>"):
            msg = message(subject, "Terlampir.\nFrom here on\n", html, "helpdesk@contoh.id",
                          "Sïti <siti@contoh.id>", {}, files)
            assert same_bytes(msg) is True


def test_other_shapes_go_flask_mails_way(app):
    """Cc, several To, a charset of its own: written by Flask-Mail, to its bytes."""
    with app.app_context():
        msg = message("Cc", "Isi\n", None, "helpdesk@contoh.id", "warga@contoh.id", {})
        msg.cc = ["a@contoh.id"]
        several = message("To", "Isi\n", None, "helpdesk@contoh.id", "warga@contoh.id", {})
        several.recipients = ["a@contoh.id", "b@contoh.id"]
        latin = message("Latin", "Isi\n", None, "helpdesk@contoh.id", "warga@contoh.id", {})
        latin.charset = "iso-8859-1"
        for msg in (msg, several, latin):
            assert written_directly(msg) is None
            assert same_bytes(msg) is True


def test_the_mail_of_a_new_ticket_is_written_directly(app, citizen, agent, make_ticket):
    make_ticket(citizen, subject="Tidak bisa login ke aplikasi SIKS-NG sejak pagi tadi, "
                                 "mohon dibantu segera")
    rows = list(OutboxMail.select().where(OutboxMail.kind.startswith("ticket_opened")))
    assert {row.kind for row in rows} == {"ticket_opened_requester", "ticket_opened_staff"}
    with app.test_request_context():
        for row in rows:
            msg = mailer._message(row)
            msg.date = 1_700_000_000
            assert written_directly(msg) is not None, row.subject
            assert same_bytes(msg) is True


def test_a_message_to_several_people_names_none_of_them(app):
    """Each recipient of a staff alert is a Bcc: the To is the empty group, written alike."""
    msg = message("[#1234567] Tiket baru untuk Tim SIKS-NG: aplikasi", "Isi\n", "<p>Isi</p>",
                  "Helpdesk Pusdatin Kesos <helpdesk@kemensos.go.id>", "x@contoh.id", {},
                  bcc=["satu@kemensos.go.id", "dua@kemensos.go.id"])
    with app.app_context():
        assert same_bytes(msg) is True
        raw = msg.as_bytes()
    assert b"\r\nTo: undisclosed-recipients:;\r\n" in raw
    assert b"satu@" not in raw and b"dua@" not in raw
