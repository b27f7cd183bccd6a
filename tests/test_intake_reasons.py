"""Why a message was refused, ignored or quarantined, in the reader's language: the
administrators' "Mail received" (list, details, filter) in Indonesian or English, and the
line of ``flask receive-mail``, wholly Indonesian unless the CLI is set to English."""
import re

import pytest

from conftest import login
from helpdesk.intake_models import InboundMail
from helpdesk.models import utcnow
from intake_helpers import intake_config, receive, text_of
from mail_samples import message

LARGE = message(subject="Foto besar", text="Isi yang panjang. " * 100)


@pytest.fixture
def config(config):
    return intake_config(config)


@pytest.fixture
def admin_client(client, make_user):
    login(client, make_user("admin@kemensos.go.id", roles=["admin"]))
    return client


def cells(page):
    """The text of the list's reason cells."""
    return [re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r'<td class="col-reason">(.*?)</td>', page, re.S)]


def test_the_list_and_details_give_the_reason_in_the_pages_language(app, admin_client):
    app.config["INTAKE_MAX_BYTES"] = 1000
    receive(app, LARGE)
    row = InboundMail.get()
    size = len(LARGE)

    indonesian = admin_client.get("/admin/inbound_mail/?lang=id").text
    assert cells(indonesian) == [f"terlalu besar: {size} bita (paling banyak 1000)"]
    english = admin_client.get("/admin/inbound_mail/?lang=en").text
    assert cells(english) == [f"too large: {size} bytes (at most 1000)"]

    details = admin_client.get(f"/admin/inbound_mail/details/?id={row.id}&lang=id").text
    assert f"terlalu besar: {size} bita (paling banyak 1000)" in details
    assert '"code"' not in details


def test_composite_and_automatic_reasons_are_translated(app, admin_client, make_user,
                                                        citizen):
    make_user("petugas@kemensos.go.id", roles=["agent"], departments=["Helpdesk Pusdatin"])
    receive(app, message(sender="petugas@kemensos.go.id", subject="Dari petugas"))
    receive(app, message(subject="Cuti", headers={"Auto-Submitted": "auto-replied"}))
    page = admin_client.get("/admin/inbound_mail/?lang=id").text
    assert cells(page) == ["pesan otomatis (Auto-Submitted: auto-replied)",
                           "petugas menjawab di Halaman Petugas"]
    page = admin_client.get("/admin/inbound_mail/?lang=en").text
    assert cells(page) == ["automatic message (Auto-Submitted: auto-replied)",
                           "staff answer in the desk"]


def test_the_reason_filter_offers_translated_reasons_and_filters(app, admin_client, citizen):
    app.config["INTAKE_MAX_BYTES"] = 1000
    receive(app, LARGE)
    receive(app, b"garbage that is no e-mail")
    page = admin_client.get("/admin/inbound_mail/?lang=id&flt1_reason=unreadable").text
    assert cells(page) == ["tidak terbaca sebagai email: tanpa header"]
    assert '"terlalu besar"' in page  # the filter offers the reasons, in Indonesian
    page = admin_client.get("/admin/inbound_mail/?lang=en&flt1_reason=too_large").text
    assert len(cells(page)) == 1 and cells(page)[0].startswith("too large: ")
    assert '"unreadable as an e-mail"' in page


def test_a_row_from_before_the_codes_shows_its_text(app, admin_client):
    with app.app_context():
        InboundMail.create(key="k" * 64, source="pipe", received_at=utcnow(),
                           outcome="quarantined", reason="too large: 2141 bytes (at most 1000)")
    assert cells(admin_client.get("/admin/inbound_mail/").text) == [
        "too large: 2141 bytes (at most 1000)"]


def test_the_pipe_says_why_in_indonesian_by_default(app, runner):
    app.config["INTAKE_MAX_BYTES"] = 1000
    result = runner.invoke(args=["receive-mail"], input=LARGE)
    assert result.exit_code == 0, result.output
    assert result.output == ("Pesan dikarantina untuk diperiksa administrator: terlalu besar: "
                             f"{len(LARGE)} bita (paling banyak 1000)\n")


def test_the_pipe_speaks_english_when_the_cli_is_set_to(app, runner):
    app.config.update(INTAKE_MAX_BYTES=1000, CLI_LOCALE="en")
    result = runner.invoke(args=["receive-mail"], input=LARGE)
    assert result.output == ("Message quarantined for an administrator: too large: "
                             f"{len(LARGE)} bytes (at most 1000)\n")


def test_a_refused_file_is_named_in_the_readers_language(app, admin_client, citizen):
    receive(app, message(subject="Dengan berkas", files=[("virus.exe", b"MZ\x90\x00" * 50,
                                                         "application/octet-stream")]))
    [indonesian] = cells(admin_client.get("/admin/inbound_mail/?lang=id").text)
    [english] = cells(admin_client.get("/admin/inbound_mail/?lang=en").text)
    assert indonesian.startswith("virus.exe") and english.startswith("virus.exe")
    assert "files of this type are not accepted" in english
    assert indonesian != english and "not accepted" not in indonesian


@pytest.mark.parametrize("locale, words", [
    ("id", "berkas jenis ini tidak dapat diterima"),
    ("en", "files of this type are not accepted")])
def test_the_sender_learns_of_a_refused_file_in_their_language(app, citizen, mailbox, locale,
                                                                words):
    citizen.locale = locale
    citizen.save()
    receive(app, message(subject="Dengan berkas", files=[("virus.exe", b"MZ\x90\x00" * 50,
                                                         "application/octet-stream")]))
    answers = [text_of(mail) for mail in mailbox.to(citizen.email)]
    assert any("virus.exe" in text and words in text for text in answers), answers
