"""Prints how long each figure of the reports takes on a large table (helpdesk/reports.py).

    python benchmarks/reports_sql.py [--tickets 100000] [--database-url postgresql://...]
                                     [--explain]

Fills a temporary SQLite file (or --database-url, whose tables it drops) with
``flask demo-data``, then times each function for the last 30 and 365 days (median of 5),
and with --explain prints the query plans of the slowest figure's statements.
"""
import argparse
import statistics
import time
from datetime import timedelta

from _common import bench_app

from helpdesk import dashboard, migrations, reports
from helpdesk.db import db
from helpdesk.models import ALL_MODELS, HelpTopic, utcnow
from helpdesk.report_sql import on_postgres
from helpdesk.reports import Filters, Period

FIGURES = {
    "figures (shared)": lambda p, f, now: reports.figures(p, f, now=now),
    "headline": lambda p, f, now: reports.headline(p, f, now=now),
    "times": lambda p, f, now: reports.times(p, f),
    "sla": lambda p, f, now: reports.sla(p, f, now=now),
    "by_topic": lambda p, f, now: reports.by_topic(p, f, now=now),
    "by_department": lambda p, f, now: reports.by_department(p, f, now=now),
    "by_agent": lambda p, f, now: reports.by_agent(p, f, now=now),
    "daily": lambda p, f, now: reports.daily(p, f),
}


def timed(call, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def plans(figure, period, filters, now):
    """The plan of each statement the figure runs."""
    database = db.database
    real = database.obj.execute_sql
    captured = []

    def capture(sql, params=None, *args, **kwargs):
        captured.append((sql, params))
        return real(sql, params, *args, **kwargs)
    database.obj.execute_sql = capture
    try:
        FIGURES[figure](period, filters, now)
    finally:
        del database.obj.execute_sql
    prefix = "EXPLAIN ANALYZE " if on_postgres() else "EXPLAIN QUERY PLAN "
    for sql, params in captured:
        print(f"  -- {sql[:160]}...")
        for row in database.execute_sql(prefix + sql, params).fetchall():
            print("     ", " | ".join(str(c) for c in row))


def fill(app, count):
    with app.app_context(), db.database.connection_context():
        db.database.drop_tables(ALL_MODELS, safe=True,
                                cascade=app.config["DATABASE_URL"].startswith("postgres"))
    start = time.perf_counter()
    result = app.test_cli_runner().invoke(
        args=["demo-data", "--tickets", str(count), "--seed", "7"])
    assert result.exit_code == 0, result.output
    print(f"database: {app.config['DATABASE_URL'].split('://')[0]}, {count} tickets "
          f"(demo-data {time.perf_counter() - start:.0f} s)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--filled", action="store_true",
                        help="time the tickets already in --database-url, without demo-data")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    if not args.filled:
        fill(app, args.tickets)
    with app.app_context(), db.database.connection_context():
        migrations.upgrade(db.database)
        if on_postgres():
            db.database.execute_sql("VACUUM ANALYZE")
        else:
            db.database.execute_sql("ANALYZE")
        now = utcnow()
        today = (now + timedelta(hours=7)).date()
        topic = Filters(topic=HelpTopic.get(name="Data Terpadu").id)
        slowest = (0, None)
        for days in (30, 365):
            period = Period(today - timedelta(days=days - 1), today)
            for label, filters in (("", reports.NO_FILTERS), (", one topic", topic)):
                print(f"{days} days{label}:")
                for figure, call in FIGURES.items():
                    ms = timed(lambda: call(period, filters, now))
                    slowest = max(slowest, (ms, (figure, period, filters)))
                    print(f"  {figure:<14} {ms:8.1f} ms")
                ms = timed(lambda: dashboard.build(period, filters, now=now))
                print(f"  {'dashboard.build':<14} {ms:8.1f} ms (the figures read once)")
        if args.explain:
            figure, period, filters = slowest[1]
            print(f"plans of the slowest figure, {figure} ({period.days} days):")
            plans(figure, period, filters, now)


if __name__ == "__main__":
    main()
