"""Prints every desk and portal page side by side at each database given (median ms of
--repeat requests and the statements of one, in one process through the Flask test
client), so that a page whose cost follows the number of tickets stands out between a
database of 100,000 demo tickets and one of 1,000,000: administrators' lists, the reports,
the queue's shortcuts and searches (supervisor and agent, common, rare, absent words), the
ticket page, and the citizen's pages.

    python benchmarks/sizes.py --url sqlite:////copy/bench_100000.db \\
        --url sqlite:////copy/bench_1000000.db [--repeat 7]

The databases must hold ``demo-data`` at the current schema (``init-db``); nothing is
written to them but what reading a page writes (nothing today). Costs that follow
something else than the total: "Tiket saya" and its search (the citizen's own tickets:
demo-data's warga.0 holds about 1 in 70), a search by address (that requester's tickets),
the reports over a period (the period's tickets).
"""
import argparse
import logging
import statistics
import time

from _common import bench_app, signed_in

from helpdesk.db import db, statements_run
from helpdesk.models import Ticket, User

SEARCH = "/admin/ticket/?flt0_status=any&search="
PAGES = [
    ("admin@contoh.id", ["/admin/", "/admin/user/", "/admin/user/edit/?id={agent}",
                         "/admin/department/", "/admin/topic/", "/admin/canned/",
                         "/admin/outbox/?flt0_status=waiting", "/admin/outbox/?flt0_status=all",
                         "/admin/audit/", "/admin/inbound_mail/", "/admin/survey_question/",
                         "/admin/sla_plan/", "/admin/work_calendar/"]),
    ("supervisor@contoh.id", ["/admin/", "/admin/reports/",
                              "/admin/reports/?period=last_12_months",
                              "/admin/ticket/?flt0_status=open",
                              "/admin/ticket/?flt0_status=open&flt1_overdue=yes",
                              "/admin/ticket/?flt0_status=open&flt1_assignee=none",
                              "/admin/ticket/?flt0_status=any&sort=0&desc=1",
                              SEARCH + "kendala", SEARCH + "sinkronisasi", SEARCH + "ganda",
                              SEARCH + "lupa+sandi", SEARCH + "zzqxjw", SEARCH + "%23{number}",
                              SEARCH + "{citizen}", "/admin/ticket/details/?id={ticket}"]),
    ("agent@contoh.id", ["/admin/", "/admin/ticket/?flt0_status=open",
                         "/admin/ticket/?flt0_status=open&flt1_assignee=mine",
                         "/admin/ticket/?flt0_status=open&flt1_overdue=yes",
                         "/admin/ticket/?flt0_status=any&flt1_worked_on=me",
                         SEARCH + "kendala", SEARCH + "sinkronisasi", SEARCH + "ganda",
                         SEARCH + "lupa+sandi", SEARCH + "zzqxjw"]),
    ("warga.0@contoh.id", ["/", "/tickets/", "/tickets/?q=kendala", "/tickets/?q=zzqxjw",
                           "/tickets/new", "/tickets/{own}", "/status/"]),
]


def measure(client, url, repeat):
    """(median ms, statements of one request)."""
    client.get(url).get_data()  # warm
    samples = []
    for _ in range(repeat):
        with statements_run() as seen:
            start = time.perf_counter()
            response = client.get(url)
            response.get_data()
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), len(seen)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("helpdesk.access").setLevel(logging.WARNING)
    results, heads = {}, []
    for url in args.url:
        app = bench_app(url)
        with app.app_context(), db.database.connection_context():
            citizen = User.get(User.email == "warga.0@contoh.id")
            newest = Ticket.select().order_by(Ticket.id.desc()).get()
            values = {"agent": User.get(User.email == "agent@contoh.id").id,
                      "number": newest.number, "ticket": newest.id,
                      "citizen": citizen.email,
                      "own": Ticket.select().where(Ticket.requester == citizen)
                      .order_by(Ticket.id.desc()).get().number}
            heads.append(f"{Ticket.select().count():,} tickets")
        for email, pages in PAGES:
            client = signed_in(app, email)
            for page in pages:
                results[email, page, url] = measure(client, page.format(**values),
                                                    args.repeat)
        print(f"{url}: {heads[-1]}", flush=True)
    print(f"{'who':<20} {'page':<52}" + "".join(f" {'ms':>8} {'stmts':>5}" for _ in args.url))
    for email, pages in PAGES:
        for page in pages:
            cells = "".join(f" {results[email, page, url][0]:8.1f} {results[email, page, url][1]:5d}"
                            for url in args.url)
            print(f"{email[:20]:<20} {page[:52]:<52}{cells}")


if __name__ == "__main__":
    main()
