"""Fixtures and helpers shared by the mail intake tests (tests/test_intake_*.py)."""
from conftest import body_of
from helpdesk import intake, mailer
from helpdesk.db import db

HELPDESK = "helpdesk@kemensos.go.id"
SITE = "http://localhost"  # the test client's own address


def intake_config(config):
    """The test settings with mail intake on (each test file's ``config`` fixture)."""
    config.update(INTAKE_ADDRESS=HELPDESK, PUBLIC_URL=SITE, MAIL_BACKGROUND_DELIVERY=False)
    return config


def receive(app, raw, source="pipe"):
    """Take a message in as the poller or the pipe would, then send what it queued."""
    with app.app_context(), db.database.connection_context():
        outcome = intake.receive(raw, source=source)
        mailer.deliver_pending()
        if outcome.ticket is not None:
            outcome.ticket = type(outcome.ticket).get_by_id(outcome.ticket.id)
    return outcome


def deliver(app):
    with app.app_context(), db.database.connection_context():
        mailer.deliver_pending()


def text_of(mail):
    return " ".join(body_of(mail).split())
