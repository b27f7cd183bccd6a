"""The satisfaction survey (SKM): the invitation when a ticket closes (e-mail and ticket
page, in the requester's language), the page behind the link (no password, once, for 30
days), and refusals of expired, reused and tampered links and of open tickets."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from helpdesk import lifecycle, survey
from helpdesk.db import atomic
from helpdesk.models import Ticket, TicketEvent, utcnow
from helpdesk.survey_models import (SurveyAnswer, SurveyInvitation, SurveyQuestion,
                                    SurveyResponse)

from conftest import body_of, csrf_from, desk_post, login

SURVEY_LINK = re.compile(r"https?://\S+/survey/[^\s?]+\?lang=\w+")


@pytest.fixture
def closed(app, mailbox, client_of, citizen, agent, make_ticket):
    """A ticket of the citizen, answered and closed by the agent."""
    ticket = make_ticket(citizen, subject="Tidak bisa login SIKS-NG")
    desk = client_of(agent)
    desk_post(desk, ticket, "claim")
    assert desk_post(desk, ticket, "status", status="closed").status_code == 302
    return Ticket.get_by_id(ticket.id)


def survey_link(mailbox, address):
    """The survey invitation mailed to ``address`` (after the receipt and the status
    change) and its link."""
    for message in mailbox.to(address, count=3):
        found = SURVEY_LINK.search(body_of(message))
        if found:
            return message, found.group(0)
    raise AssertionError("no survey link mailed")


def path_of(link):
    """The mailed link's path and query, for the test client."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def all_answers(page, score=4):
    data = {"csrf_token": csrf_from(page.text), "comment": "Petugas <b>ramah</b>"}
    for question in SurveyQuestion.select():
        data[f"q{question.id}"] = str(score)
    return data


def test_closing_invites_by_mail_in_the_requester_language(closed, mailbox, make_user,
                                                           client_of, agent, make_ticket):
    message, link = survey_link(mailbox, "warga@contoh.id")
    assert message["Subject"] == (f"[#{closed.number}] Bagaimana layanan kami? "
                                  "Survei singkat")
    assert link.endswith("?lang=id") and "Yth." in body_of(message)
    english = make_user("english@contoh.id", locale="en")
    ticket = make_ticket(english, subject="Email quota")
    desk_post(client_of(agent), ticket, "claim")
    desk_post(client_of(agent), ticket, "status", status="closed")
    message, link = survey_link(mailbox, "english@contoh.id")
    assert message["Subject"].startswith(f"[#{ticket.number}] How was our service?")
    assert link.endswith("?lang=en")
    page = client_of(agent).application.test_client().get(path_of(link))
    assert "Requirements" in page.text and "Very suitable" in page.text
    assert "Send my answers" in page.text and "Persyaratan" not in page.text


def test_survey_answered_once_without_a_password(app, closed, mailbox):
    _message, link = survey_link(mailbox, "warga@contoh.id")
    browser = app.test_client()
    page = browser.get(path_of(link))
    assert page.status_code == 200
    assert page.text.count("<fieldset") == 9 and "<legend" in page.text
    assert "Persyaratan" in page.text and "Sangat sesuai" in page.text
    sent = browser.post(path_of(link), data=all_answers(page, 3))
    assert sent.status_code == 302 and sent.location.endswith("/survey/thanks")
    assert "Terima kasih" in browser.get("/survey/thanks").text
    response = SurveyResponse.get(SurveyResponse.ticket == closed.id)
    assert response.comment == "Petugas <b>ramah</b>"
    assert [a.score for a in response.answers] == [3] * 9
    assert response.topic_id == closed.topic_id and response.agent_id == closed.assignee_id
    assert TicketEvent.select().where(TicketEvent.ticket == closed.id,
                                      TicketEvent.kind == "rated").count() == 1
    again = browser.get(path_of(link))
    assert again.status_code == 410 and "sudah dijawab" in again.text
    resent = app.test_client().post(path_of(link), data=all_answers(page, 1))
    assert resent.status_code in (400, 410)
    assert SurveyResponse.select().count() == 1 and SurveyAnswer.select().count() == 9


def test_every_question_must_be_answered(app, closed, mailbox):
    _message, link = survey_link(mailbox, "warga@contoh.id")
    browser = app.test_client()
    page = browser.get(path_of(link))
    data = all_answers(page)
    first = SurveyQuestion.select().order_by(SurveyQuestion.position).first()
    del data[f"q{first.id}"]
    data[f"q{first.id + 1}"] = "7"
    refused = browser.post(path_of(link), data=data)
    assert refused.status_code == 400
    assert "2 pertanyaan belum dijawab" in refused.text
    assert not SurveyResponse.select().exists()
    assert 'value="4" required checked' in refused.text  # the other answers are kept


def test_expired_link_refused(app, closed, mailbox):
    _message, link = survey_link(mailbox, "warga@contoh.id")
    SurveyInvitation.update(expires_at=utcnow() - timedelta(minutes=1)).execute()
    page = app.test_client().get(path_of(link))
    assert page.status_code == 410 and "kedaluwarsa" in page.text
    assert app.test_client().get(path_of(link).replace("?", "x?")).status_code == 404


@pytest.mark.parametrize("change", ["cut", "other_ticket", "other_salt"])
def test_tampered_link_refused(app, closed, mailbox, change):
    _message, link = survey_link(mailbox, "warga@contoh.id")
    path = path_of(link)
    if change == "cut":
        path = path.replace("?", "x?")
    elif change == "other_ticket":
        invitation = SurveyInvitation.get()
        with app.test_request_context():
            forged = survey._serializer().dumps([invitation.id + 1, invitation.nonce])
        path = f"/survey/{forged}"
    else:
        from itsdangerous import URLSafeTimedSerializer
        invitation = SurveyInvitation.get()
        forged = URLSafeTimedSerializer("test-secret", salt="reset").dumps(
            [invitation.id, invitation.nonce])
        path = f"/survey/{forged}"
    page = app.test_client().get(path)
    assert page.status_code == 404 and "tidak berlaku" in page.text
    assert not SurveyResponse.select().exists()


def test_rating_an_open_ticket_refused(app, closed, mailbox, client_of, agent):
    _message, link = survey_link(mailbox, "warga@contoh.id")
    browser = app.test_client()
    page = browser.get(path_of(link))
    desk_post(client_of(agent), closed, "status", status="open")
    refused = browser.post(path_of(link), data=all_answers(page))
    assert refused.status_code == 409 and "belum ditutup" in refused.text
    with pytest.raises(survey.Refused):
        with app.test_request_context():
            lifecycle.rate(SurveyInvitation.get(), by=closed.requester,
                           answers={q.id: 4 for q in SurveyQuestion.select()})
    assert not SurveyResponse.select().exists()


def test_closing_again_replaces_the_link(app, closed, mailbox, client_of, agent):
    _message, old = survey_link(mailbox, "warga@contoh.id")
    desk = client_of(agent)
    desk_post(desk, closed, "status", status="open")
    mailbox.messages.clear()
    desk_post(desk, closed, "status", status="closed")
    _message, new = survey_link(mailbox, "warga@contoh.id")
    assert new != old
    assert app.test_client().get(path_of(old)).status_code == 404
    assert app.test_client().get(path_of(new)).status_code == 200


def test_one_response_per_ticket_in_the_database(app, closed):
    from peewee import IntegrityError
    values = dict(ticket=closed.id, topic=closed.topic_id, department=closed.department_id)
    SurveyResponse.create(**values)
    with pytest.raises(IntegrityError), atomic():
        SurveyResponse.create(**values)


def test_closed_ticket_page_offers_the_survey_until_answered(app, closed, citizen, mailbox):
    browser = app.test_client()
    login(browser, citizen)
    page = browser.get(f"/tickets/{closed.number}")
    found = re.search(r'href="(/survey/[^"]+)"', page.text)
    assert found and "Bagaimana layanan kami?" in page.text
    form = browser.get(found.group(1))
    assert browser.post(found.group(1), data=all_answers(form)).status_code == 302
    assert "/survey/" not in browser.get(f"/tickets/{closed.number}").text


def test_every_closing_invites(app, mailbox, citizen, agent, client_of, make_ticket):
    """The requester's "Yes, close it", their own closing and the automatic closing invite
    like staff closing does."""
    desk = client_of(agent)
    confirmed, withdrawn, left = (make_ticket(citizen, subject=s)
                                  for s in ("Dikonfirmasi", "Ditarik", "Dibiarkan"))
    for ticket in (confirmed, left):
        desk_post(desk, ticket, "status", status="resolved")
    with app.test_request_context():
        lifecycle.confirm(Ticket.get_by_id(confirmed.id), by=citizen)
        lifecycle.withdraw(Ticket.get_by_id(withdrawn.id), by=citizen)
        assert lifecycle.auto_close(now=utcnow() + timedelta(days=30)) == 1
    invited = {i.ticket_id for i in SurveyInvitation.select()}
    assert invited == {confirmed.id, withdrawn.id, left.id}
    subjects = [m["Subject"] for m in mailbox.to(citizen.email, count=9)]
    for ticket in (confirmed, withdrawn, left):
        assert f"[#{ticket.number}] Bagaimana layanan kami? Survei singkat" in subjects
