"""Random changes to tickets, as many people make them at once: run by the counters'
tests in threads and in processes of their own (``churn`` is importable by a spawned
process: the app is made anew from the test's settings)."""
import random
import threading
from datetime import timedelta

from helpdesk import lifecycle
from helpdesk.db import db
from helpdesk.models import Department, HelpTopic, Ticket, TicketStatus, User, utcnow

STEPS = ("open", "claim", "release", "resolve", "reopen", "close", "transfer", "respond",
         "reply", "confirm", "withdraw", "overdue")


def step(chance, staff, citizens):
    """One change chosen by ``chance``; a refusal (the ticket moved meanwhile) is fine."""
    kind = chance.choice(STEPS)
    agent, supervisor = User.get_by_id(chance.choice(staff)), User.get_by_id(staff[-1])
    citizen = User.get_by_id(chance.choice(citizens))
    if kind == "open":
        lifecycle.open_ticket(by=citizen, topic=chance.choice(list(HelpTopic.select())),
                              subject="Tiket baru", message="Mohon dibantu.")
        return
    if kind == "overdue":
        lifecycle.mark_overdue(now=utcnow() + timedelta(days=chance.choice((1, 3, 30))))
        return
    ids = [i for i, in Ticket.select(Ticket.id).tuples()]
    ticket = Ticket.get_by_id(chance.choice(ids))
    requester = User.get_by_id(ticket.requester_id)
    try:
        if kind == "claim":
            lifecycle.claim(ticket, by=agent)
        elif kind == "release":
            lifecycle.release(ticket, by=supervisor)
        elif kind in ("resolve", "reopen", "close"):
            status = {"resolve": TicketStatus.RESOLVED, "reopen": TicketStatus.OPEN,
                      "close": TicketStatus.CLOSED}[kind]
            lifecycle.set_status(ticket, by=supervisor, status=status)
        elif kind == "transfer":
            lifecycle.transfer(ticket, by=supervisor, comment="Pindah.",
                               to=chance.choice(list(Department.select())))
        elif kind == "respond":
            lifecycle.respond(ticket, by=supervisor, message="Sudah kami periksa.",
                              status=chance.choice((None, TicketStatus.RESOLVED)))
        elif kind == "reply":
            lifecycle.reply(ticket, by=requester, message="Masih gagal.")
        elif kind == "confirm":
            lifecycle.confirm(ticket, by=requester)
        else:
            lifecycle.withdraw(ticket, by=requester, comment="Sudah beres sendiri.")
    except (lifecycle.NotAllowed, lifecycle.InvalidTransition):
        pass


def churn(config, staff, citizens, seed, steps, threads=2):
    """``threads`` threads of ``steps`` random changes each, on an app made from
    ``config``; returns the errors seen (reprs)."""
    from app import create_app

    app = create_app({**config, "MAIL_BACKGROUND_DELIVERY": False, "MAIL_POLL_SECONDS": 0})
    errors = []

    def work(n):
        chance = random.Random(seed * 100 + n)
        with app.test_request_context(), db.database.connection_context():
            for _ in range(steps):
                try:
                    step(chance, staff, citizens)
                except Exception as exc:  # noqa: BLE001 (returned to the test)
                    errors.append(repr(exc))

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
    return errors
