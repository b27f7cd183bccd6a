"""Prints what a search costs, in ms per request (median of --repeat, one process, the
Flask test client signed in): the staff queue searched for a word in most tickets, a word
in a few percent of them, two words, a word found nowhere and a ticket number; a
citizen's "My tickets" searched (the citizen with the most tickets); and, for this tree's
code, the search alone (``search_query.find`` and the snippets of a page).

    python benchmarks/search.py --database-url sqlite:////tmp/bench.db \\
        [--database-url postgresql://...] [--repeat 50] [--upgrade] [--root /other/tree]

The databases are used as they are (fill them with ``demo-data`` first); --upgrade applies
pending migrations first and prints how long they took (the search index's rebuild).
--root runs another checkout's code on the same pages (e.g. the tree before a change).
"""
import argparse
import sys
import time
from pathlib import Path

WORDS = [("a word in a third of the rows", "kendala"),
         ("a word in 5 % of the tickets", "sinkronisasi"),
         ("two words", "lupa sandi"),
         ("a word found nowhere", "zzqxjw")]
SUPERVISOR = "supervisor@contoh.id"  # demo-data's


def page(client, url):
    def get():
        response = client.get(url)
        response.get_data()
        assert response.status_code == 200, (url, response.status_code)
    return get


def run(url, repeat, upgrade):
    from _common import bench_app, signed_in
    from reports_sql import timed  # median ms of ``repeat`` calls
    from helpdesk.db import db
    from helpdesk.models import Ticket, User

    app = bench_app(url)
    print(f"{url.split('://')[0]}:", flush=True)
    if upgrade:
        start = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        print(f"  migrations: {time.perf_counter() - start:.1f} s ({result.output.strip()})")
    with app.app_context(), db.database.connection_context():
        number = Ticket.select(Ticket.number).order_by(Ticket.id.desc()).scalar()
        citizen = _busiest_citizen(Ticket, User)
    desk, portal = signed_in(app, SUPERVISOR), signed_in(app, citizen)
    rows = [(f"queue: {label} ({word})", page(desk, f"/admin/ticket/?flt0_status=any"
                                                    f"&search={word}"))
            for label, word in WORDS]
    rows.append((f"queue: a ticket number ({number})",
                 page(desk, f"/admin/ticket/?flt0_status=any&search={number}")))
    rows.append(("queue: no search", page(desk, "/admin/ticket/?flt0_status=any")))
    rows += [(f"my tickets: {label} ({word})", page(portal, f"/tickets/?q={word}"))
             for label, word in WORDS[:2]]
    rows += _search_alone(app)
    for label, function in rows:
        function()  # warm: templates compiled, pages cached
        print(f"  {label:<58} {timed(function, repeat):7.2f} ms", flush=True)


def _busiest_citizen(Ticket, User):
    from peewee import fn

    return (User.select(User.email).join(Ticket, on=(Ticket.requester == User.id))
            .group_by(User.email).order_by(fn.COUNT(Ticket.id).desc()).limit(1).scalar())


def _search_alone(app):
    """The search's own statements, without the page (this tree's code only)."""
    try:
        from helpdesk import search_query
    except ImportError:
        return []
    from helpdesk.db import db

    def alone(word):
        def find():
            with app.app_context(), db.database.connection_context():
                found = search_query.find(word, page_end=25)
                ids = [t.id for t in search_query.Ticket.select(search_query.Ticket.id)
                       .where(found.condition).order_by(*found.order()).limit(25)]
                search_query.snippets(found, ids)
        return find
    return [(f"search alone, 25 tickets + snippets: {word}", alone(word)) for _, word in WORDS]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--upgrade", action="store_true")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    args = parser.parse_args()
    sys.path[:0] = [args.root, str(Path(args.root) / "benchmarks")]
    for url in args.database_url:
        run(url, args.repeat, args.upgrade)


if __name__ == "__main__":
    main()
