"""The dashboard page, /admin/reports/, and the supervisors' desk home: who may open them,
the period and filters in the URL, the figures of the fixed history (tests/report_history.py,
hand-computed in tests/test_reports.py) as a supervisor reads them, the charts."""
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from admin_views import headline
from helpdesk import lifecycle
from helpdesk.models import HelpTopic

from report_history import NOW, wib

NOVEMBER = "/admin/reports/?period=custom&from=2026-11-01&to=2026-11-30"
NOVEMBER_WORDS = "1 Nov 2026 sampai 30 Nov 2026 (WIB)"
THIS_MONTH_WORDS = "1 Des 2026 sampai 2 Des 2026 (WIB)"  # NOW is 2 December 12:00 WIB


@pytest.fixture
def frozen(monkeypatch):
    """The reports' "now": 2 December 2026, 12:00 WIB."""
    monkeypatch.setattr(headline, "clock", lambda: NOW)


@pytest.fixture
def desk(supervisor, client_of, frozen):
    return client_of(supervisor)


def figure(page, key):
    found = re.search(rf'class="report-figure (?:figure|share)-{key}">([^<]*)<', page.text)
    return found and found.group(1)


def cell(page, css):
    found = re.search(rf'class="[^"]*\b{css}\b[^"]*">([^<]*)<', page.text)
    return found and found.group(1)


def count(page, css):
    return len(re.findall(rf'class="[^"]*\b{css}\b', page.text))


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_supervisors_and_admins_open_the_dashboard(who, make_user, client_of):
    user = make_user(f"{who}@kemensos.go.id", roles=[who])
    page = client_of(user).get("/admin/reports/")
    assert page.status_code == 200
    assert "Laporan" in page.text


def test_agents_and_citizens_are_refused(agent, citizen, client_of, client):
    assert client_of(agent).get("/admin/reports/").status_code == 403
    assert client_of(citizen).get("/admin/reports/").status_code == 403
    assert client.get("/admin/reports/").status_code == 302  # to sign in


def test_november_as_a_supervisor_reads_it(desk, history):
    page = desk.get(NOVEMBER)
    assert page.status_code == 200
    assert NOVEMBER_WORDS in page.text and "semua topik bantuan, semua unit" in page.text
    assert {key: figure(page, key) for key in (
        "created", "first_responses", "resolved", "closed", "reopened", "transferred", "open",
        "under_1_day", "1_to_2_days", "2_to_7_days", "over_7_days", "overdue")} == {
        "created": "7", "first_responses": "5", "resolved": "4", "closed": "1",
        "reopened": "1", "transferred": "1", "open": "6", "under_1_day": "1",
        "1_to_2_days": "2", "2_to_7_days": "1", "over_7_days": "2", "overdue": "3"}
    # responses 1-6 h: median 3 h, p90 5.2 h; resolutions: median 25 h, p90 51 h
    assert [cell(page, f"time-{kind}-{stat}") for kind in ("response", "resolution")
            for stat in ("median", "p90")] == ["3 j 0 mnt", "5 j 12 mnt", "25 j 0 mnt",
                                               "51 j 0 mnt"]
    assert figure(page, "answered_in_time") == "71,4%"  # 5 of 7
    assert figure(page, "resolved_in_time") == "50,0%"
    assert "Terbuka saat ini (2 Des 2026, 12.00 WIB)" in page.text


def test_the_breaches_link_to_their_tickets_most_late_first(desk, history):
    page = desk.get(NOVEMBER)
    rows = re.findall(r'<tr class="breach">\s*<th scope="row"><a class="ticket-link" '
                      r'href="([^"]+)">([^<]+)</a></th>\s*<td>([^<]*)</td><td>([^<]*)</td>\s*'
                      r'<td>(?:<span class="text-muted">)?([^<]*).*?breach-late">([^<]*)<',
                      page.text, re.S)
    expected = [(history["T5"], "Data Terpadu", "Tim SIKS-NG", "belum ditugaskan",
                 "25 hari 0 j 0 mnt"),
                (history["T9"], "Data Terpadu", "Tim Data Terpadu", "belum ditugaskan",
                 "3 hari 2 j 0 mnt"),
                (history["T4"], "Aplikasi SIKS-NG", "Tim SIKS-NG", "Petugas", "12 j 0 mnt")]
    assert rows == [(f"/admin/ticket/details/?id={t.id}", f"#{t.number}", *rest)
                    for t, *rest in expected]
    assert "3 tiket." in page.text
    assert "3 pelanggaran: tidak selesai sebelum batas waktu, tercantum di bawah" in page.text
    assert desk.get(rows[0][0]).status_code == 200


def test_only_the_most_late_breaches_are_listed(desk, history, monkeypatch):
    from admin_views import reports
    monkeypatch.setattr(reports, "BREACHES_SHOWN", 2)
    page = desk.get(NOVEMBER)
    assert page.text.count('<tr class="breach">') == 2
    assert "Menampilkan 2 yang paling terlambat dari 3." in page.text


def test_english_times_and_shares(desk, history):
    page = desk.get(NOVEMBER + "&lang=en")
    assert cell(page, "time-response-p90") == "5 h 12 min"
    assert figure(page, "answered_in_time") == "71.4%"
    assert "1 Nov 2026 to 30 Nov 2026 (WIB)" in page.text
    assert "25 d 0 h 0 min" in page.text


def test_a_topic_filter_is_honoured(desk, history):
    data = HelpTopic.get(name="Data Terpadu")
    page = desk.get(f"{NOVEMBER}&topic={data.id}")
    assert page.status_code == 200
    assert "topik bantuan “Data Terpadu”, semua unit" in page.text
    assert (figure(page, "created"), figure(page, "resolved"), figure(page, "transferred"),
            figure(page, "open"), figure(page, "overdue")) == ("2", "0", "1", "2", "2")
    assert count(page, "breach-late") == 2
    assert f'<option selected value="{data.id}">Data Terpadu</option>' in page.text
    # the cards open the queue with the same topic
    assert f"flt0_status=open&amp;flt1_overdue=yes&amp;flt2_topic={data.id}" in page.text
    assert f"flt0_status=any&amp;flt1_created=2026-11-01+to+2026-11-30&amp;flt2_topic={data.id}" \
        in page.text


def test_the_queue_links_show_what_the_cards_count(desk, history):
    page = desk.get(NOVEMBER)
    created = re.search(r'id="card-created" href="([^"]+)"', page.text).group(1)
    queue = desk.get(created.replace("&amp;", "&"))
    assert queue.status_code == 200
    assert all(f"#{history[name].number}" in queue.text
               for name in ("T1", "T2", "T3", "T4", "T5", "T6", "T9"))
    assert f"#{history['T0'].number}" not in queue.text
    assert f"#{history['T7'].number}" not in queue.text
    open_now = re.search(r'id="card-open" href="([^"]+)"', page.text).group(1)
    queue = desk.get(open_now.replace("&amp;", "&")).text
    assert all(f"#{history[name].number}" in queue
               for name in ("T0", "T5", "T9", "T6", "T7", "T8"))
    assert f"#{history['T1'].number}" not in queue
    # the queue cannot filter by age in hours: the ages are figures, not links
    assert '<div class="card report-card h-100 border-info" id="card-under_1_day">' in page.text


@pytest.mark.parametrize("preset, words, created", [
    ("last_month", NOVEMBER_WORDS, "7"),
    ("this_month", THIS_MONTH_WORDS, "2"),
    ("today", "2 Des 2026 (WIB)", "1"),
])
def test_presets_in_the_url(desk, history, preset, words, created):
    page = desk.get(f"/admin/reports/?period={preset}")
    assert page.status_code == 200
    assert words in page.text and figure(page, "created") == created
    assert f'<option selected value="{preset}">' in page.text
    assert f"workbook.xlsx?period={preset}" in page.text
    # the dates stay in the page, usable without script; reports.js hides them for presets
    assert '<input class="form-control" id="from" name="from" type="date" value="">' \
        in page.text
    assert "/static/reports.js" in page.text


def test_without_a_choice_this_month_is_shown(desk, history):
    page = desk.get("/admin/reports/")
    assert page.status_code == 200
    assert THIS_MONTH_WORDS in page.text and figure(page, "created") == "2"  # T7, T8


@pytest.mark.parametrize("query, error", [
    ("period=next_decade", "Silakan pilih salah satu periode yang tersedia."),
    ("period=custom&from=2026-11-01&to=2026-11-30&topic=9999",
     "Silakan pilih salah satu topik bantuan yang tersedia."),
    ("period=custom&from=2026-11-30&to=2026-11-01", "Periode tidak dapat berakhir sebelum dimulai."),
    ("period=custom&from=kemarin&to=2026-11-30", "Silakan isi tanggal sebagai tahun-bulan-tanggal."),
    ("period=custom&from=2026-11-01", "Silakan isi kedua tanggal periode."),
])
def test_invalid_choices_are_explained_and_this_month_is_shown(desk, history, query, error):
    page = desk.get(f"/admin/reports/?{query}")
    assert page.status_code == 400
    assert 'id="report-errors" role="alert"' in page.text
    assert error in page.text
    assert THIS_MONTH_WORDS in page.text and figure(page, "created") == "2"
    assert 'id="download-workbook" href="/admin/reports/workbook.xlsx"' in page.text


def test_the_charts_are_svg_with_their_numbers(desk, history):
    page = desk.get(NOVEMBER)
    # one created and one resolved bar per day of November, one bar per topic
    assert (count(page, "bar-created"), count(page, "bar-resolved")) == (30, 30)
    assert count(page, "bar-topic") == 2
    assert count(page, "chart-line") == 1
    for chart in ("chart-flow", "chart-backlog", "chart-topics"):
        svg = re.search(rf'<figure class="report-chart" id="{chart}">\s*<svg ([^>]*)>', page.text)
        assert 'role="img"' in svg.group(1) and 'viewBox="0 0 400 ' in svg.group(1)
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in svg.group(1)
        assert f'<title id="{chart}-title">' in page.text
    assert ">1 Nov<" in page.text and ">26 Nov<" in page.text  # the days' axis
    numbers = page.text.split('id="numbers-flow"')[1].split("</table>")[0]
    assert numbers.count('<th scope="row"') == 30
    assert "<caption>" in numbers and "1 Nov 2026" in numbers
    assert "<summary>Tampilkan angkanya</summary>" in page.text


def test_long_periods_are_charted_by_week(desk, history):
    page = desk.get("/admin/reports/?period=custom&from=2026-06-01&to=2026-11-30")
    assert count(page, "bar-created") == 27  # the weeks from Monday 1 June to 30 November
    assert "per minggu (mulai Senin)" in page.text


def test_user_written_names_are_escaped(desk, history, app, citizen, topic):
    hostile = HelpTopic.create(name="<script>alert(1)</script>", department=topic.department)
    with app.test_request_context():
        lifecycle.open_ticket(by=citizen, topic=hostile, subject="Tiket", message="Tolong.",
                              now=wib(10, 11, 9))
    page = desk.get(f"{NOVEMBER}&topic={hostile.id}")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert count(page, "bar-topic") == 1


def test_the_downloads_are_linked_with_the_same_choice(desk, history):
    page = desk.get(f"{NOVEMBER}&topic=3")
    query = "period=custom&amp;from=2026-11-01&amp;to=2026-11-30&amp;topic=3"
    assert f'id="download-workbook" href="/admin/reports/workbook.xlsx?{query}"' in page.text
    for name in ("topics", "departments", "agents", "series", "breaches"):
        assert f'href="/admin/reports/table/{name}.csv?{query}"' in page.text, name
    for link in re.findall(r'href="(/admin/reports/(?:workbook|table/)[^"]*)"', page.text):
        download = desk.get(link.replace("&amp;", "&"))  # each link downloads its file
        assert download.status_code == 200, link
        assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    odd = desk.get("/admin/reports/?period=last_month&_method=POST&_external=1")
    assert odd.status_code == 200
    assert 'id="download-workbook" href="/admin/reports/workbook.xlsx?period=last_month"' \
        in odd.text


class Outline(HTMLParser):
    """Headings, form controls and labels, tables and their captions and header cells."""

    def __init__(self):
        super().__init__()
        self.headings, self.controls, self.labels, self.tables = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs.get("id"))
        elif tag == "label":
            self.labels.add(attrs.get("for"))
        elif tag == "table":
            self.tables.append({"caption": False, "scopes": set()})
        elif tag == "caption":
            self.tables[-1]["caption"] = True
        elif tag == "th":
            self.tables[-1]["scopes"].add(attrs.get("scope"))


def test_headings_labels_and_tables_for_assistive_technology(desk, history):
    outline = Outline()
    outline.feed(desk.get(NOVEMBER).text)
    assert outline.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:]))
    assert set(outline.controls) <= outline.labels and len(outline.controls) == 5
    assert len(outline.tables) == 9  # with the time held per department
    assert all(t["caption"] and t["scopes"] <= {"col", "row"} for t in outline.tables)


def test_the_supervisors_desk_home_opens_on_this_months_headline(desk, history):
    home = desk.get("/admin/")
    assert home.status_code == 200
    assert 'id="desk-headline"' in home.text and THIS_MONTH_WORDS in home.text
    assert (figure(home, "created"), figure(home, "open"), figure(home, "overdue")) == (
        "2", "6", "3")
    assert 'id="open-reports" href="/admin/reports/"' in home.text
    assert "count-mine" not in home.text  # "my open tickets" means nothing to a supervisor


def test_the_admins_home_keeps_the_failed_mail_card(make_user, client_of, frozen, history):
    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    home = client_of(admin).get("/admin/").text
    assert 'id="desk-headline"' in home and 'count-failed-mail">0<' in home


def test_agents_keep_their_own_counters(agent, client_of, frozen, history):
    home = client_of(agent).get("/admin/").text
    assert 'id="desk-headline"' not in home and "/admin/reports/" not in home
    assert 'count-mine">1<' in home  # T0, claimed by the agent
    assert "count-none" in home and "count-overdue" in home


def test_late_times_keep_their_minutes(app):
    from admin_views.formatters import duration, lateness, share
    with app.test_request_context():
        assert duration(3 * 3600 + 11 * 60 + 40) == "3 j 12 mnt"
        assert duration(59 * 60) == "59 mnt"
        assert duration(None) == "—" and share(None) == "—"
        assert lateness(timedelta(days=2, minutes=1).total_seconds()) == "2 hari 0 j 1 mnt"
        assert share(1) == "100,0%"
