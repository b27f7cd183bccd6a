"""Prints how fast the staff desk answers with many tickets: the queue, its filters and
search, a deep page, the ticket page, and the number of SQL statements per queue page.

    python benchmarks/desk.py [--tickets 10000,100000] [--database-url postgresql://...]

Each size gets a fresh database filled by ``demo-data`` (a temporary SQLite file unless
--database-url is given, whose tables it drops). Medians and maxima of 20 requests through
the Flask test client, in-process, one user at a time.
"""
import argparse
import time
from datetime import timedelta

from _common import bench_app, signed_in, timed
from peewee import fn

from helpdesk.db import db, statements_run
from helpdesk.models import ALL_MODELS, Department, Ticket, ThreadEntry, User, utcnow


def statements(client, url):
    """How many SQL statements one request runs."""
    with statements_run() as seen:
        client.get(url)
    return len(seen)


def fill(app, count):
    with app.app_context(), db.database.connection_context():
        db.database.drop_tables(ALL_MODELS, safe=True, cascade=not _sqlite(app))
    start = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["demo-data", "--tickets", str(count),
                                                "--seed", "7"])
    assert result.exit_code == 0, result.output
    return time.perf_counter() - start


def _sqlite(app):
    return app.config["DATABASE_URL"].startswith("sqlite")


def samples(app):
    """A ticket with a long thread, a subject word, a requester address, a department."""
    with app.app_context(), db.database.connection_context():
        busiest = (ThreadEntry.select(ThreadEntry.ticket, fn.COUNT(ThreadEntry.id))
                   .group_by(ThreadEntry.ticket).order_by(fn.COUNT(ThreadEntry.id).desc())
                   .tuples().first())
        ticket = Ticket.get_by_id(busiest[0])
        return {"ticket": ticket.id, "number": ticket.number,
                "email": User.get_by_id(ticket.requester_id).email.split("@")[0] + "@",
                "department": Department.get(name="Tim SIKS-NG").id,
                "week": f"{utcnow().date() - timedelta(days=7):%Y-%m-%d} to "
                        f"{utcnow().date():%Y-%m-%d}"}


def pages(s):
    q = "/admin/ticket/?flt0_status="
    return [
        ("supervisor", "queue: open, most urgent first", q + "open"),
        ("agent", "queue: agent's own departments", q + "open"),
        ("supervisor", "all statuses, last activity first", q + "any&sort=8&desc=1"),
        ("supervisor", "deep page (page 200 of all)", q + "any&page=200"),
        ("supervisor", "filter: department + unassigned",
         q + f"open&flt1_department={s['department']}&flt2_assignee=none"),
        ("supervisor", "filter: overdue", q + "open&flt1_overdue=yes"),
        ("supervisor", "filter: created in the last week", q + f"any&flt1_created={s['week']}"),
        ("agent", "filter: tickets I worked on", q + "any&flt1_worked_on=me"),
        ("supervisor", "search: ticket number", q + f"any&search={s['number']}"),
        ("supervisor", "search: subject word", q + "any&search=sinkronisasi"),
        ("supervisor", "search: requester e-mail", q + f"any&search={s['email']}"),
        ("supervisor", "search: a word (subject or e-mail)", q + "any&search=warga.3"),
        ("supervisor", "search: a word found nowhere", q + "any&search=tidakada"),
        ("supervisor", "ticket page (longest thread)",
         f"/admin/ticket/details/?id={s['ticket']}"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", default="10000,100000")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    url = app.config["DATABASE_URL"]
    print(f"database: {url.split('://')[0]}")
    for count in (int(n) for n in args.tickets.split(",")):
        elapsed = fill(app, count)
        print(f"\n{count:,} tickets (demo-data {elapsed:.1f} s)")
        clients = {who: signed_in(app, f"{who}@contoh.id") for who in ("supervisor", "agent")}
        for who, label, path in pages(samples(app)):
            median, worst = timed(clients[who], path)
            print(f"  {label:<38} median {median:7.1f} ms   max {worst:7.1f} ms")
        supervisor = clients["supervisor"]
        with app.app_context(), db.database.connection_context():
            department = Department.get(name="Tim SIKS-NG").id
            rows = Ticket.select().where(Ticket.status == "open",
                                         Ticket.department == department).count()
        for kind in ("csv", "xlsx"):
            url = f"/admin/ticket/export/{kind}/?flt0_status=open&flt1_department={department}"
            median, worst = timed(supervisor, url, repeat=3)
            label = f"export {kind}: open, one dept ({rows:,})"
            print(f"  {label:<38} median {median:7.1f} ms   max {worst:7.1f} ms")
        for size in (25, 100):
            n = statements(clients["supervisor"],
                           f"/admin/ticket/?flt0_status=any&page_size={size}")
            print(f"  SQL statements per queue page of {size:<3}    {n}")


if __name__ == "__main__":
    main()
