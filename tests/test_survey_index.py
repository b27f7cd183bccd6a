"""The satisfaction index (IKM) on fixed responses against hand-computed values: per
element NRR, IKM = Σ NRR × 1/9, converted = IKM × 25, the grade bands and their edges;
breakdowns per help topic, department and agent; the SKM panel of the dashboard and the
SKM sheet of the workbook show the figures; administrators edit the wording."""
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from flask_babel import force_locale

from helpdesk import dashboard, report_workbook, survey_index
from helpdesk.models import Department, HelpTopic, Ticket
from helpdesk.reports import Filters, Period
from helpdesk.survey_models import (SurveyAnswer, SurveyGrade, SurveyQuestion, SurveyResponse,
                                    SurveyScale)

from conftest import csrf_from

DAY = date(2026, 11, 10)
PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
WHEN = datetime(2026, 11, 10, 3, 0)  # 10:00 WIB
# three respondents, hand-computed: NRR 3, 10/3, 11/3, 4, 10/3, 3, 11/3, 10/3, 7/3;
# Σ NRR = 89/3, IKM = 89/27 = 3.2963, converted 82.407… → 82.41, grade B (Baik)
HAND = [[4, 4, 4, 4, 4, 4, 4, 4, 4], [3, 3, 3, 4, 3, 3, 4, 3, 2], [2, 3, 4, 4, 3, 2, 3, 3, 1]]


@pytest.fixture
def respond(app, citizen, make_ticket, agent):
    """``respond(scores, comment=, topic=, agent=)``: a response on a new ticket."""
    questions = list(SurveyQuestion.select().order_by(SurveyQuestion.position))

    def make(scores, comment="", topic=None, by_agent=None, at=WHEN):
        ticket = make_ticket(citizen, chosen_topic=topic)
        response = SurveyResponse.create(
            ticket=ticket.id, topic=ticket.topic_id, department=ticket.department_id,
            agent=(by_agent or agent).id, comment=comment, created_at=at)
        SurveyAnswer.insert_many([{"response": response, "question": q, "score": s}
                                  for q, s in zip(questions, scores)]).execute()
        return response
    return make


def spread(total, respondents):
    """``respondents`` answer sheets of nine scores adding up to ``total``."""
    cells = respondents * 9
    base, extra = divmod(total, cells)
    flat = [base + (1 if i < extra else 0) for i in range(cells)]
    return [flat[i * 9:(i + 1) * 9] for i in range(respondents)]


def test_hand_computed_index(respond):
    for scores in HAND:
        respond(scores)
    found = survey_index.index(PERIOD)
    assert found.respondents == 3
    assert [e.nrr for e in found.elements] == [
        3, Fraction(10, 3), Fraction(11, 3), 4, Fraction(10, 3), 3, Fraction(11, 3),
        Fraction(10, 3), Fraction(7, 3)]
    assert found.weight == Fraction(1, 9)
    assert found.ikm == Fraction(89, 27)
    assert found.converted == Decimal("82.41")
    assert (found.grade.letter, found.grade.label_id) == ("B", "Baik")


@pytest.mark.parametrize("converted, letter", [
    ("100", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
    ("65.00", "C"), ("64.99", "D"), ("25", "D"), ("88.305", "A"), ("88.3049", "B")])
def test_band_edges(app, converted, letter):
    grades = list(SurveyGrade.select())
    assert survey_index.grade_of(Decimal(converted), grades).letter == letter


@pytest.mark.parametrize("respondents, total, converted, letter", [
    (24, 763, "88.31", "A"), (19, 604, "88.30", "B"), (19, 524, "76.61", "B"),
    (26, 717, "76.60", "C"), (5, 117, "65.00", "C"), (38, 889, "64.99", "D")])
def test_band_edges_from_responses(respond, respondents, total, converted, letter):
    for scores in spread(total, respondents):
        respond(scores)
    found = survey_index.index(PERIOD)
    assert found.respondents == respondents
    assert found.ikm == Fraction(total, 9 * respondents)
    assert found.converted == Decimal(converted)
    assert found.grade.letter == letter


def test_period_and_filters(respond):
    email = HelpTopic.get(name="Email Kemsos")
    respond([4] * 9)
    respond([1] * 9, topic=email)
    respond([2] * 9, at=WHEN - timedelta(days=30))  # October: outside
    assert survey_index.index(PERIOD).converted == Decimal("62.50")
    only_email = survey_index.index(PERIOD, Filters(topic=email.id))
    assert (only_email.respondents, only_email.converted) == (1, Decimal("25.00"))
    tim_email = Department.get(name="Tim Email")
    assert survey_index.index(PERIOD, Filters(department=tim_email.id)).respondents == 1
    assert survey_index.index(Period(date(2026, 12, 1), date(2026, 12, 31))).ikm is None


def test_breakdowns_by_topic_department_and_agent(respond, colleague):
    email = HelpTopic.get(name="Email Kemsos")
    respond([4] * 9)
    respond([3] * 9, by_agent=colleague)
    respond([1] * 9, topic=email, by_agent=colleague)
    by_topic = {name: found for name, found in survey_index.breakdown(PERIOD, None, "topic")}
    assert by_topic["Aplikasi SIKS-NG"].converted == Decimal("87.50")
    assert by_topic["Email Kemsos"].converted == Decimal("25.00")
    by_agent = survey_index.breakdown(PERIOD, None, "agent")
    assert [(name, f.respondents, f.converted) for name, f in by_agent] == [
        ("Petugas", 1, Decimal("100.00")), ("Rina Rekan", 2, Decimal("50.00"))]
    by_department = dict(survey_index.breakdown(PERIOD, None, "department"))
    assert by_department["Tim Email"].grade.letter == "D"


def test_the_dashboard_panel_shows_the_figures(respond, supervisor, client_of):
    respond(HAND[0], comment="Sangat membantu <script>alert(1)</script>")
    respond(HAND[1])
    respond(HAND[2])
    page = client_of(supervisor).get(
        "/admin/reports/?period=custom&from=2026-11-01&to=2026-11-30").text
    panel = page[page.index('id="report-survey"'):]
    panel = panel[:panel.index("</section>")]
    assert '<span class="report-figure survey-figure-respondents">3</span>' in panel
    assert '<span class="report-figure survey-figure-ikm">3,296</span>' in panel
    assert '<span class="report-figure survey-figure-converted">82,41</span>' in panel
    assert "B · Baik" in panel
    assert '<td class="text-right survey-nrr">3,67</td>' in panel  # U3: 11/3
    assert "Sangat membantu &lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "<script>alert" not in page


def test_the_panel_without_responses(supervisor, client_of):
    page = client_of(supervisor).get("/admin/reports/").text
    assert "Belum ada jawaban survei pada periode ini." in page


def test_the_workbook_sheet_computes_like_an_skm_report(app, respond):
    for scores in HAND:
        respond(scores)
    with app.test_request_context(), force_locale("id"):
        board = dashboard.build(PERIOD, now=WHEN + timedelta(days=30), breaches=None)
        body = report_workbook.workbook_bytes(board, made_by="s@kemensos.go.id",
                                              made_at=WHEN)
    formulas = openpyxl.load_workbook(io.BytesIO(body))["SKM"]
    values = openpyxl.load_workbook(io.BytesIO(body), data_only=True)["SKM"]
    rows = {row[1].value: row for row in values.iter_rows(min_row=5)}
    assert rows["U1 Persyaratan"][2].value == 3 and rows["U1 Persyaratan"][3].value == 9
    assert rows["U3 Waktu Penyelesaian"][4].value == pytest.approx(11 / 3)
    [u3] = [row for row in formulas.iter_rows(min_row=5) if row[1].value ==
            "U3 Waktu Penyelesaian"]
    assert u3[4].value == f"=D{u3[4].row}/C{u3[4].row}"
    assert u3[6].value == f"=E{u3[4].row}*F{u3[4].row}"
    ikm = rows["IKM (jumlah NRR tertimbang)"]
    assert ikm[6].value == pytest.approx(89 / 27)
    assert formulas.cell(ikm[6].row, 7).value == "=SUM(G5:G13)"
    converted = rows["Nilai konversi (IKM × 25)"]
    assert converted[6].value == pytest.approx(82.41)
    assert formulas.cell(converted[6].row, 7).value.startswith("=ROUND(")
    assert rows["Mutu pelayanan"][6].value == "Baik"
    assert rows["Mutu"][6].value == "B"


def test_administrators_edit_the_wording(app, make_user, client_of, supervisor):
    admin = client_of(make_user("admin@kemensos.go.id", roles=["admin"]))
    assert client_of(supervisor).get("/admin/survey_question/").status_code == 403
    listing = admin.get("/admin/survey_question/")
    assert listing.status_code == 200 and "Persyaratan" in listing.text
    assert "Survei (SKM)" in listing.text  # the desk's menu
    scale = admin.get("/admin/survey_scale/")
    assert scale.status_code == 200 and "Dikelola dengan baik" in scale.text
    bands = admin.get("/admin/survey_grade/")
    assert bands.status_code == 200 and "Kurang Baik" in bands.text
    question = SurveyQuestion.get(SurveyQuestion.position == 1)
    form = admin.get(f"/admin/survey_question/edit/?id={question.id}")
    data = {"csrf_token": csrf_from(form.text), "position": "1", "tag": "U1",
            "element_id": "Persyaratan Layanan", "element_en": "Requirements",
            "question_id": question.question_id, "question_en": question.question_en}
    saved = admin.post(f"/admin/survey_question/edit/?id={question.id}", data=data)
    assert saved.status_code == 302
    assert SurveyQuestion.get_by_id(question.id).element_id == "Persyaratan Layanan"
    point = SurveyScale.get(SurveyScale.question == question, SurveyScale.score == 4)
    form = admin.get(f"/admin/survey_scale/edit/?id={point.id}")
    clash = admin.post(f"/admin/survey_scale/edit/?id={point.id}", data={
        "csrf_token": csrf_from(form.text), "question": str(question.id), "score": "3",
        "label_id": "Amat sesuai", "label_en": "Very suitable"})
    assert clash.status_code == 200 and "sudah memiliki" in clash.text
    band = SurveyGrade.get(SurveyGrade.letter == "A")
    form = admin.get(f"/admin/survey_grade/edit/?id={band.id}")
    admin.post(f"/admin/survey_grade/edit/?id={band.id}", data={
        "csrf_token": csrf_from(form.text), "letter": "A", "lowest": "90.00",
        "highest": "100.00", "label_id": "Sangat Baik", "label_en": "Very good"})
    assert SurveyGrade.get_by_id(band.id).lowest == Decimal("90.00")
    assert Ticket.select().count() == 0


@pytest.mark.alters_schema
def test_migration_adds_the_survey_to_an_older_database(app, runner, citizen, make_ticket):
    from helpdesk.db import db
    from helpdesk.migrations import upgrade
    from helpdesk.models import SchemaVersion
    from helpdesk.survey_models import SURVEY_MODELS

    ticket = make_ticket(citizen)
    db.database.drop_tables(SURVEY_MODELS)
    SchemaVersion.delete().where(SchemaVersion.name == "0016_survey").execute()
    assert upgrade(db.database) == ["0016_survey"]
    assert [q.element_id for q in SurveyQuestion.select().order_by(SurveyQuestion.position)][
        :3] == ["Persyaratan", "Sistem, Mekanisme, dan Prosedur", "Waktu Penyelesaian"]
    assert SurveyScale.select().count() == 36
    assert [(g.letter, f"{g.lowest:.2f}", f"{g.highest:.2f}", g.label_id) for g in
            SurveyGrade.select().order_by(SurveyGrade.lowest.desc())] == [
        ("A", "88.31", "100.00", "Sangat Baik"), ("B", "76.61", "88.30", "Baik"),
        ("C", "65.00", "76.60", "Kurang Baik"), ("D", "25.00", "64.99", "Tidak Baik")]
    assert Ticket.get_by_id(ticket.id).number == ticket.number
    assert upgrade(db.database) == []


def test_the_panel_reads_five_statements_however_many_responses(respond, colleague):
    from helpdesk.db import statements_run

    respond(HAND[0], comment="Baik")
    with statements_run() as few:
        survey_index.panel(PERIOD, None)
    for scores in HAND:
        respond(scores, comment="Lagi", by_agent=colleague)
    with statements_run() as more:
        survey_index.panel(PERIOD, None)
    assert len(few) == len(more) == 5
