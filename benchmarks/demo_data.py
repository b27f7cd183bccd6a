"""Prints how long demo-data takes, what the year it made looks like on the dashboard
(rows, headline, times, SLA, per-agent medians) and how fast the citizen's pages answer on
a large table.

    python benchmarks/demo_data.py [--tickets 100000] [--database-url postgresql://...]
                                   [--no-pages]

Uses a temporary SQLite file unless --database-url is given (whose tables it drops).
"""
import argparse
import time
from datetime import timedelta

from _common import bench_app, signed_in, timed
from peewee import fn

from helpdesk import reports
from helpdesk.db import db
from helpdesk.models import (ALL_MODELS, CannedResponse, Ticket, TicketEvent,
                             TicketParticipant, TicketTransfer, ThreadEntry, User, utcnow)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--no-pages", action="store_true", help="Skip the portal's pages.")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    url = app.config["DATABASE_URL"]
    with app.app_context(), db.database.connection_context():
        db.database.drop_tables(ALL_MODELS, safe=True)
    runner = app.test_cli_runner()
    start = time.perf_counter()
    result = runner.invoke(args=["demo-data", "--tickets", str(args.tickets), "--seed", "7"])
    elapsed = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    print(f"database: {url.split('://')[0]}")
    print(f"demo-data --tickets {args.tickets}: {elapsed:.1f} s "
          f"({args.tickets / elapsed:,.0f} tickets/s)")
    with app.app_context(), db.database.connection_context():
        shape()
    if args.no_pages:
        return

    with app.app_context(), db.database.connection_context():
        busiest = (User.select(User, fn.COUNT(Ticket.id).alias("n")).join(
            Ticket, on=(Ticket.requester == User.id)).group_by(User.id)
            .order_by(fn.COUNT(Ticket.id).desc()).first())
        ticket = Ticket.select().where(Ticket.requester == busiest).first()
    client = signed_in(app, busiest.email)
    print(f"citizen with the most tickets: {busiest.n}")
    for label, path in (("my tickets, page 1", "/tickets/"),
                        ("my tickets, last page", f"/tickets/?page={busiest.n // 20 + 1}"),
                        ("ticket page", f"/tickets/{ticket.number}"),
                        ("open a new ticket (form)", "/tickets/new"),
                        ("home", "/")):
        median, worst = timed(client, path)
        print(f"  {label:<28} median {median:6.1f} ms   max {worst:6.1f} ms")


def shape():
    """The year on the dashboard: rows written and the last 12 months' figures."""
    rows = {m.__name__: m.select().count() for m in (
        Ticket, ThreadEntry, TicketEvent, TicketParticipant, TicketTransfer, CannedResponse)}
    print("rows: " + ", ".join(f"{name} {n:,}" for name, n in rows.items()))
    now = utcnow()
    year = reports.Period.preset("last_12_months", (now + timedelta(hours=7)).date())
    head = reports.headline(year, now=now)
    backlog = head.pop("backlog")
    print("last 12 months: " + ", ".join(f"{k} {v:,}" for k, v in head.items()))
    print("open now by age: " + ", ".join(f"{k} {v:,}" for k, v in backlog.items()))
    times = reports.times(year)
    print("times (h): " + ", ".join(
        f"{kind} median {t['median'] / 3600:.1f} p90 {t['p90'] / 3600:.1f}"
        for kind, t in times.items()))
    sla = reports.sla(year, now=now, limit=0)
    print(f"SLA: answered in time {sla['answered_in_time']:.1%}, resolved in time "
          f"{sla['resolved_in_time']:.1%}, breaches {sla['breach_count']:,}")
    for row in reports.by_agent(year, now=now):
        median = row["response_median"]
        print(f"  {row['name']:<18} assigned {row['created']:>7,}  first response median "
              f"{median / 3600 if median else 0:5.1f} h  open now {row['open_now']:,}")


if __name__ == "__main__":
    main()
