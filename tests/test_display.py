"""Times and file sizes read the same on every page of a language: "2 Des 2026, 08.05 WIB"
("2 Dec 2026, 08:05 WIB" in English, never "+0700"), "45 B", "1,2 KB", "2,5 MB"; and a
citizen reads the deadline as the helpdesk's ("Dijawab paling lambat"), never their own."""
import re
from datetime import datetime

import pytest
from flask_babel import force_locale, format_datetime

from helpdesk import display
from conftest import csrf_from, desk_url, login
from samples import PNG, TEXT, upload

INDONESIAN_TIME = r"\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}, \d\d\.\d\d WIB"
ENGLISH_TIME = r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d\d:\d\d WIB"
NOTES = TEXT * 40  # 1,2 KB


@pytest.fixture
def config(config):
    config["UPLOAD_MAX_FILE_SIZE"] = int(2.5 * 1024 * 1024)
    return config


def open_ticket(client, topic):
    page = client.get("/tickets/new")
    assert "2,5 MB" in page.text  # the limit under the field
    return client.post("/tickets/new", data={
        "csrf_token": csrf_from(page.text), "topic": str(topic.id), "subject": "Kuota penuh",
        "message": "Kotak surat penuh.",
        "attachments": [upload("catatan.txt", NOTES), upload("layar.png", PNG)]},
        content_type="multipart/form-data")


def test_the_citizen_reads_times_sizes_and_the_deadline_in_one_form(client, citizen, topic):
    login(client, citizen)
    created = open_ticket(client, topic)
    page = client.get(created.headers["Location"]).text
    due = re.search(r"Dijawab paling lambat</dt><dd[^>]*>([^<]+)</dd>", page).group(1)
    assert re.fullmatch(INDONESIAN_TIME, due)
    assert (f"Petugas kami akan menjawab paling lambat {due}; setiap balasan kami kirim ke "
            "email ini.") in page
    assert f"({len(NOTES) / 1024:.1f} KB)".replace(".", ",") == "(1,2 KB)"
    assert "(1,2 KB)" in page and f"({len(PNG)} B)" in page
    assert "Batas waktu" not in page and "+0700" not in page

    mine = client.get("/tickets/").text
    assert "Dijawab paling lambat" in mine and len(re.findall(INDONESIAN_TIME, mine)) == 2


def test_english_pages_show_wib_too(client, citizen, topic):
    login(client, citizen)
    created = open_ticket(client, topic)
    client.get("/?lang=en")
    page = client.get(created.headers["Location"]).text
    assert re.search(r"Answered by</dt><dd[^>]*>" + ENGLISH_TIME, page)
    assert "(1.2 KB)" in page
    assert "+0700" not in page and "GMT" not in page
    assert len(re.findall(ENGLISH_TIME, client.get("/tickets/").text)) == 2


def test_the_staff_queue_and_ticket_page_name_the_zone(app, citizen, agent, make_ticket,
                                                     client_of):
    ticket = make_ticket(citizen)
    desk = client_of(agent)
    queue = desk.get("/admin/ticket/", follow_redirects=True).text
    assert len(re.findall(INDONESIAN_TIME, queue)) >= 3  # created, last activity, due
    assert re.search(r"Batas waktu</dt><dd[^>]*>" + INDONESIAN_TIME, desk.get(desk_url(ticket)).text)


@pytest.mark.parametrize("size, indonesian, english", [
    (45, "45 B", "45 B"), (1229, "1,2 KB", "1.2 KB"), (int(2.5 * 1024 * 1024), "2,5 MB", "2.5 MB"),
    (10 * 1024 * 1024, "10 MB", "10 MB")])
def test_file_sizes(app, size, indonesian, english):
    with app.test_request_context():
        with force_locale("id"):
            assert display.file_size(size) == indonesian
        with force_locale("en"):
            assert display.file_size(size) == english


def test_one_time_format(app):
    with app.test_request_context():
        moment = datetime(2026, 12, 2, 1, 5)  # stored in UTC: 08.05 WIB
        with force_locale("id"):
            assert display.when(moment) == "2 Des 2026, 08.05 WIB"
        with force_locale("en"):
            assert display.when(moment) == "2 Dec 2026, 08:05 WIB"


@pytest.mark.parametrize("moment", [datetime(2026, 12, 31, 17, 0), datetime(2027, 5, 9, 16, 59),
                                    datetime(2024, 2, 29, 23, 30), datetime(2025, 8, 1, 0, 0)])
def test_times_read_as_babel_writes_them(app, moment):
    """``when`` builds the text itself (it is on every row of the queue): the same as Babel's
    ``d MMM y, HH.mm`` in the helpdesk's zone, across a day, month and year boundary."""
    with app.test_request_context():
        for language, clock in (("id", "HH.mm"), ("en", "HH:mm")):
            with force_locale(language):
                babel = format_datetime(moment, f"d MMM y, {clock}")
                assert display.when(moment) == f"{babel} WIB"
