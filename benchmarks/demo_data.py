"""Prints how long demo-data takes and how fast the citizen's pages answer on a large table.

    python benchmarks/demo_data.py [--tickets 100000] [--database-url postgresql://...]

Uses a temporary SQLite file unless --database-url is given (whose tables it drops).
"""
import argparse
import time

from _common import bench_app, signed_in, timed
from peewee import fn

from helpdesk.db import db
from helpdesk.models import ALL_MODELS, Ticket, User


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url")
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


if __name__ == "__main__":
    main()
