"""Two agents claim the same ticket at the same moment, each on their own database
connection: exactly one wins, the other is told who has it. Run against PostgreSQL by
``make test`` (TEST_DATABASE_URL); on SQLite the IMMEDIATE transactions serialise it."""
import threading

from helpdesk import lifecycle
from helpdesk.db import db
from helpdesk.models import Ticket, TicketEvent, User, utcnow


def test_two_simultaneous_claims_have_one_winner(app, citizen, agent, colleague,
                                                 make_ticket):
    ticket_id = make_ticket(citizen).id
    rounds = 5
    for _ in range(rounds):
        Ticket.update(assignee=None).where(Ticket.id == ticket_id).execute()
        barrier = threading.Barrier(2)
        results = {}

        def claim(user_id):
            with app.app_context(), db.database.connection_context():
                user, ticket = User.get_by_id(user_id), Ticket.get_by_id(ticket_id)
                barrier.wait()
                try:
                    lifecycle.claim(ticket, by=user)
                    results[user_id] = "won"
                except lifecycle.NotAllowed as exc:
                    results[user_id] = str(exc)

        threads = [threading.Thread(target=claim, args=(u.id,)) for u in (agent, colleague)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert sorted(results.values()).count("won") == 1, results
        winner = next(u for u, r in results.items() if r == "won")
        loser = next(u for u in results if u != winner)
        assert Ticket.get_by_id(ticket_id).assignee_id == winner
        assert str(User.get_by_id(winner)) in results[loser]
    assert TicketEvent.select().where(TicketEvent.kind == "claimed").count() == rounds


def test_a_bulk_claim_is_not_refused_when_someone_else_wrote_meanwhile(
        app, client_of, citizen, agent, make_ticket, monkeypatch):
    """Another connection (the mailer, a colleague) writes between the queue's reading of
    the selected tickets and each claim: every selected ticket is still claimed."""
    from conftest import csrf_from

    ids = [make_ticket(citizen).id for _ in range(3)]
    desk = client_of(agent)
    queue = desk.get("/admin/ticket/?flt0_status=open")
    claim = lifecycle.claim

    def claim_after_another_write(ticket, **kwargs):
        def write():
            with app.app_context(), db.database.connection_context():
                Ticket.update(updated_at=utcnow()).where(Ticket.id == ticket.id).execute()
        other = threading.Thread(target=write)  # its own connection
        other.start()
        other.join(20)
        return claim(ticket, **kwargs)

    monkeypatch.setattr(lifecycle, "claim", claim_after_another_write)
    answer = desk.post("/admin/ticket/action/", data={
        "csrf_token": csrf_from(queue.text), "action": "claim",
        "rowid": [str(i) for i in ids], "url": "/admin/ticket/?flt0_status=open"})
    assert answer.status_code == 302
    assert [t.assignee_id for t in Ticket.select().where(Ticket.id.in_(ids))] == [agent.id] * 3
