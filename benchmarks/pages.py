"""Prints the cost of the desk's pages in one process: CPU milliseconds per request (process
time, so that other work on the machine counts little) and wall milliseconds, through the
Flask test client, signed in, one request at a time, on a database already filled
(e.g. a copy of the one ``load.py`` fills; this script only reads it).

    python benchmarks/pages.py --database-url sqlite:////tmp/bench.db [--repeat 50]
        [--only queue,home] [--profile queue]

``--profile NAME`` runs that page under pyinstrument and prints where the time goes.
"""
import argparse
import time

from _common import bench_app, signed_in

PAGES = {
    "queue": ("supervisor", "/admin/ticket/?flt0_status=open"),
    "redirect": ("supervisor", "/admin/ticket/"),
    "queue-agent": ("agent", "/admin/ticket/?flt0_status=open"),
    "home-supervisor": ("supervisor", "/admin/"),
    "home-agent": ("agent", "/admin/"),
    "search": ("supervisor", "/admin/ticket/?flt0_status=any&search=sinkronisasi"),
    "ticket": ("supervisor", "/admin/ticket/details/?id=1"),
    "portal": ("citizen", "/tickets/"),
}


def per_request(client, path, repeat):
    """CPU and wall milliseconds per request (the database server's work shows only in the
    latter), the best of three rounds of ``repeat`` requests."""
    best = None
    for _ in range(3):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(repeat):
            response = client.get(path)
            response.get_data()
            assert response.status_code in (200, 302), (path, response.status_code)
        took = ((time.process_time() - cpu) * 1000 / repeat,
                (time.perf_counter() - wall) * 1000 / repeat)
        best = took if best is None else min(best, took)
    return best


def citizen_email(app):
    from helpdesk.db import db
    from helpdesk.models import Ticket, User

    with app.app_context(), db.database.connection_context():
        return (User.select(User.email).join(Ticket, on=(Ticket.requester == User.id))
                .first().email)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--only", default=",".join(PAGES))
    parser.add_argument("--profile")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    emails = {"supervisor": "supervisor@contoh.id", "agent": "agent@contoh.id",
              "citizen": citizen_email(app)}
    clients = {who: signed_in(app, email) for who, email in emails.items()}
    if args.profile:
        from pyinstrument import Profiler

        who, path = PAGES[args.profile]
        clients[who].get(path)
        with Profiler(interval=0.0005) as profiler:
            for _ in range(args.repeat):
                clients[who].get(path).get_data()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    for name in args.only.split(","):
        who, path = PAGES[name]
        clients[who].get(path)  # templates compiled, connection opened
        cpu, wall = per_request(clients[who], path, args.repeat)
        print(f"  {name:<18} {cpu:7.2f} CPU ms/request {wall:7.2f} wall ms", flush=True)


if __name__ == "__main__":
    main()
