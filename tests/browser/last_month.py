"""Tickets of last month, for the dashboard's browser test. Run with the live server's
settings (``live.run("tests/browser/last_month.py")``): a requester of its own opens
``TICKETS`` tickets per help topic on the 10th of last month (WIB), each answered by the
topic's agent two hours later; the first of each topic is resolved the next day."""
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TICKETS = {"Data Terpadu": 3, "Aplikasi SIKS-NG": 2}
REQUESTER = "arsip@contoh.id"


def last_month(today):
    return (today.replace(day=1) - timedelta(days=1)).replace(day=10)


def utc(local):
    return local.replace(tzinfo=ZoneInfo("Asia/Jakarta")).astimezone(ZoneInfo("UTC")) \
        .replace(tzinfo=None)


def create():
    from flask import current_app

    from helpdesk import lifecycle
    from helpdesk.db import db
    from helpdesk.models import HelpTopic, User, utcnow

    datastore = current_app.extensions["security"].datastore
    day = last_month(datetime.now(ZoneInfo("Asia/Jakarta")).date())
    with db.database.connection_context():
        requester = datastore.find_user(email=REQUESTER) or datastore.create_user(
            email=REQUESTER, full_name="Arsip Warga", confirmed_at=utcnow())
        datastore.commit()
        staff = {"Data Terpadu": "dodi@kemensos.go.id", "Aplikasi SIKS-NG": "agus@kemensos.go.id"}
        for name, count in TICKETS.items():
            topic = HelpTopic.get(name=name)
            agent = User.get(email=staff[name])
            for i in range(count):
                opened = utc(datetime.combine(day, datetime.min.time()) + timedelta(hours=9 + i))
                ticket = lifecycle.open_ticket(by=requester, topic=topic, subject=f"{name} {i + 1}",
                                               message="Mohon bantuan.", now=opened)
                lifecycle.respond(ticket, by=agent, message="Sedang kami periksa.",
                                  now=opened + timedelta(hours=2))
                if i == 0:
                    lifecycle.set_status(ticket, by=agent, status="resolved",
                                         now=opened + timedelta(days=1))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from app import create_app

    with create_app().test_request_context():
        create()
