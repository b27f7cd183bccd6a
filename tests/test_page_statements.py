"""The pages tests/test_query_counts.py does not list run as many SQL statements with many
rows as with few: the queue's shortcuts, every role's desk home, the reports, the
directory's and the administrators' lists and their detail pages, the outbox, the audit
trail, the mail received (quarantine), and the citizen's pages reached without signing in
(the status form and link, the survey and its thanks). Each page is read once warm, then
again after more tickets, thread entries, queued mails, audit entries, received mails,
accounts and directory rows: the count is the same."""
from datetime import timedelta

import pytest

from helpdesk import audit, lifecycle, status_links, survey
from helpdesk.db import statements_run
from helpdesk.intake import pipeline
from helpdesk.intake.reasons import reason
from helpdesk.intake_models import InboundMail
from helpdesk.models import (CannedResponse, Department, HelpTopic, OutboxMail, Ticket,
                             TicketStatus, utcnow)
from helpdesk.survey_models import SurveyInvitation

from test_query_counts import more_work

SHORTCUTS = ["/admin/ticket/?flt0_status=open&flt1_assignee=mine",
             "/admin/ticket/?flt0_status=open&flt1_assignee=none",
             "/admin/ticket/?flt0_status=open&flt1_overdue=yes",
             "/admin/ticket/?flt0_status=any&flt1_worked_on=me",
             "/admin/ticket/?flt0_status=any&sort=0&desc=1"]
REPORTS = ["/admin/reports/", "/admin/reports/?period=last_12_months",
           "/admin/reports/?period=this_month&department={department}",
           "/admin/reports/?period=this_year&topic={topic}"]
ADMIN_LISTS = ["/admin/user/", "/admin/user/edit/?id={agent.id}", "/admin/role/",
               "/admin/department/", "/admin/topic/", "/admin/canned/",
               "/admin/outbox/?flt0_status=waiting", "/admin/outbox/?flt0_status=all",
               "/admin/outbox/details/?id={mail}", "/admin/audit/",
               "/admin/audit/?search=203.0.113", "/admin/inbound_mail/",
               "/admin/inbound_mail/details/?id={inbound}",
               "/admin/survey_question/", "/admin/survey_scale/", "/admin/survey_grade/",
               "/admin/sla_plan/", "/admin/work_calendar/"]
PAGES = {"agent": ["/admin/", *SHORTCUTS],
         "supervisor": ["/admin/", *SHORTCUTS, *REPORTS],
         "admin": ["/admin/", *SHORTCUTS, *REPORTS, *ADMIN_LISTS]}


def statements(client, url):
    with statements_run() as seen:
        response = client.get(url)
        response.get_data()
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


@pytest.fixture
def admin(make_user):
    return make_user("admin@kemensos.go.id", roles=["admin"], full_name="Ani Admin")


def more_of_everything(app, citizen, other_citizen, agent, supervisor, ticket, make_ticket,
                       make_user, round_):
    """More tickets and entries (more_work), tickets closed, more audit entries, mail
    received and quarantined, accounts, departments, topics and canned responses."""
    more_work(app, citizen, other_citizen, agent, ticket, make_ticket, 4)
    with app.test_request_context():
        for n in range(3):
            extra = make_ticket(citizen, subject=f"Kartu hilang {round_}{n}")
            lifecycle.claim(extra, by=agent)
            lifecycle.set_status(extra, by=agent, status=TicketStatus.CLOSED)
            audit.record("sign_in", by=citizen, target=citizen, address="203.0.113.5")
            audit.record("sign_in_failed", email=f"x{round_}{n}@contoh.id",
                         address="203.0.113.9", details={"reason": "unknown_address"})
            pipeline._quarantine(f"rusak {round_}{n}".encode(), "pipe", utcnow(),
                                 f"<m{round_}{n}@contoh.id>", "orang@contoh.id",
                                 f"Pesan {n}", reason("no_headers"))
            department = Department.create(name=f"Tim {round_}{n}")
            HelpTopic.create(name=f"Topik {round_}{n}", department=department)
            CannedResponse.create(title=f"Jawaban {round_}{n}", body="Silakan coba lagi.",
                                  department=department)
            make_user(f"petugas{round_}{n}@kemensos.go.id", roles=["agent"],
                      departments=[f"Tim {round_}{n}"])
            make_user(f"warga{round_}{n}@contoh.id")
        lifecycle.mark_overdue(now=utcnow() + timedelta(days=60))


@pytest.mark.parametrize("persona", ["agent", "supervisor", "admin"])
def test_desk_pages_run_as_many_statements_with_more_rows(request, app, client_of, citizen,
                                                          other_citizen, agent, supervisor,
                                                          make_ticket, make_user, persona):
    ticket = make_ticket(citizen, subject="Tidak bisa login SIKS-NG")
    with app.test_request_context():
        lifecycle.claim(ticket, by=agent)
    # one of each kind of row first: a page may read a part only when it has rows
    # (the reports' percentiles once there are durations)
    more_of_everything(app, citizen, other_citizen, agent, supervisor, ticket, make_ticket,
                       make_user, "0")
    values = {"agent": agent, "department": ticket.department_id, "topic": ticket.topic_id,
              "mail": OutboxMail.select().first().id,
              "inbound": InboundMail.select().first().id}
    browser = client_of(request.getfixturevalue(persona))
    urls = [page.format(**values) for page in PAGES[persona]]
    for url in urls:  # warm: templates compiled, caches filled
        statements(browser, url)
    few = {url: statements(browser, url) for url in urls}
    for round_ in "ab":
        more_of_everything(app, citizen, other_citizen, agent, supervisor, ticket,
                           make_ticket, make_user, round_)
        assert {url: statements(browser, url) for url in urls} == few, round_


def test_pages_without_signing_in_run_as_many_statements_with_more_rows(
        app, client, citizen, other_citizen, agent, supervisor, make_ticket, make_user):
    """The status form and a ticket's status link, the survey of a closed ticket and its
    thanks."""
    ticket = make_ticket(citizen, subject="Kartu tidak terbaca")
    rated = make_ticket(citizen, subject="Tidak bisa login")
    with app.test_request_context():
        link = status_links._url(ticket.id, status_links._renew(ticket, utcnow()))
        lifecycle.claim(rated, by=agent)
        lifecycle.set_status(rated, by=agent, status=TicketStatus.CLOSED)
        invitation = SurveyInvitation.get(SurveyInvitation.ticket == rated.id)
        urls = ["/", "/status/", link.split("://", 1)[1].split("/", 1)[1],
                f"/survey/{survey.token_for(invitation)}", "/survey/thanks"]
    urls = [url if url.startswith("/") else "/" + url for url in urls]
    for url in urls:
        statements(client, url)
    few = {url: statements(client, url) for url in urls}
    more_of_everything(app, citizen, other_citizen, agent, supervisor, ticket, make_ticket,
                       make_user, "a")
    with app.test_request_context():
        lifecycle.respond(Ticket.get_by_id(ticket.id), by=agent, message="Kartu dikirim ulang.")
    assert {url: statements(client, url) for url in urls} == few
