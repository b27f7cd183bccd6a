"""The audit trail in the desk: administrators only, read-only, newest first, filtered by
action, actor, days and client address, searched by address, exported (and the export
recorded), in Indonesian first."""
import csv
import io
import json
from datetime import datetime

import openpyxl
import pytest

from helpdesk import audit
from helpdesk.models import AuditEntry

from conftest import csrf_from, login
from test_directory import admin, english  # noqa: F401 (a fixture)


@pytest.fixture
def trail(app, citizen, agent):
    """Three entries on two days (WIB) from two addresses."""
    with app.app_context():
        audit.record("sign_in_failed", email="=HYPERLINK(\"x\")", address="198.51.100.9",
                     details={"reason": "unknown_address"}, now=datetime(2026, 11, 30, 16, 30))
        audit.record("sign_in", by=citizen, target=citizen, address="203.0.113.5",
                     now=datetime(2026, 11, 30, 18, 0))  # 1 Dec 01.00 WIB
        audit.record("roles_changed", by=agent, target=citizen, address="203.0.113.5",
                     details={"changes": {"roles": [[], ["agent"]]}},
                     now=datetime(2026, 12, 1, 2, 0))


def actors(page):
    """The trail's actors the list shows, top to bottom."""
    shown = ("=HYPERLINK", "warga@contoh.id", "petugas@kemensos.go.id")
    return [actor for _, actor in sorted((page.index(a), a) for a in shown if a in page)]


def test_admins_read_the_trail_newest_first_in_indonesian(client, admin, citizen, trail):
    login(client, admin)
    home = client.get("/admin/").text
    assert "/admin/audit/" in home
    page = client.get("/admin/audit/").text
    assert actors(page) == ["petugas@kemensos.go.id", "warga@contoh.id", "=HYPERLINK"]
    assert "Peran diubah" in page and "Gagal masuk" in page
    assert f"Pengguna #{citizen.id} Siti Warga" in page
    assert "203.0.113.5" in page and "&#34;roles&#34;: [[], [&#34;agent&#34;]]" in page


@pytest.mark.parametrize("query, expected", [
    ("flt0_action=sign_in", ["warga@contoh.id"]),
    ("flt0_actor=+petugas@kemensos.go.id+", ["petugas@kemensos.go.id"]),
    ("flt0_address=198.51.100.9", ["=HYPERLINK"]),
    ("flt0_days=2026-12-01+to+2026-12-01", ["petugas@kemensos.go.id", "warga@contoh.id"]),
    ("search=warga", ["warga@contoh.id"]),
])
def test_filters_and_search(client, admin, trail, query, expected):
    login(english(client), admin)
    assert actors(client.get(f"/admin/audit/?{query}").text) == expected


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_other_staff_are_refused_and_do_not_see_it_in_the_menu(client, make_user, role):
    login(client, make_user(f"{role}2@kemensos.go.id", roles=[role], departments=["Tim Email"]))
    assert "/admin/audit/" not in client.get("/admin/").text
    for url in ("/admin/audit/", "/admin/audit/export/csv/"):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = client.get("/admin/audit/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_entries_cannot_be_made_changed_or_deleted(client, admin, trail):
    login(english(client), admin)
    page = client.get("/admin/audit/").text
    token = csrf_from(page)
    first = AuditEntry.select().first()
    before = [e.id for e in AuditEntry.select()]
    client.post("/admin/audit/new/", data={"csrf_token": token, "action": "sign_in"})
    client.post(f"/admin/audit/edit/?id={first.id}", data={"csrf_token": token,
                                                           "action": "sign_out"})
    client.post("/admin/audit/delete/", data={"csrf_token": token, "id": str(first.id)})
    client.post("/admin/audit/action/", data={"csrf_token": token, "action": "delete",
                                              "rowid": [str(first.id)]})
    assert [e.id for e in AuditEntry.select()] == before
    assert AuditEntry.get_by_id(first.id).action == first.action
    assert "/admin/audit/new/" not in page and "/admin/audit/edit/" not in page


def test_exports_hold_the_filtered_entries_safely_and_are_recorded(client, admin, trail):
    login(english(client), admin)
    answer = client.get("/admin/audit/export/csv/?flt0_address=198.51.100.9")
    heading, *rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert heading[:3] == ["Time (WIB)", "By", "Action"]
    assert len(rows) == 1 and rows[0][1] == "'=HYPERLINK(\"x\")"  # never a formula
    assert rows[0][0] == "2026-11-30 23:30" and rows[0][2] == "Sign-in failed"
    book = client.get("/admin/audit/export/xlsx/?flt0_action=roles_changed")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert [c.value for c in sheet[2]][1:4] == ["petugas@kemensos.go.id", "Roles changed",
                                                "User"]
    recorded = [json.loads(e.details) for e in AuditEntry.select()
                .where(AuditEntry.action == "export").order_by(AuditEntry.id)]
    assert [(r["export"], r["format"], r["rows"]) for r in recorded] == [
        ("audit", "csv", 1), ("audit", "xlsx", 1)]
    assert recorded[0]["query"] == [["flt0_address", "198.51.100.9"]]
