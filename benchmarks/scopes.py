"""Prints how long each queue shortcut takes for staff of every kind of scope, so that two
databases of different sizes can be compared side by side: a supervisor (every ticket), an
agent of two large departments (demo-data's agent@contoh.id), and an agent of a department
holding a few dozen tickets (added here: "Tim Uji Kecil", kecil@contoh.id, given every
33,331st ticket). The shortcuts are the links the queue page offers each of them.

    python benchmarks/scopes.py --url sqlite:////path/copy.db [--url postgresql://...] [--repeat 5]

The database must hold ``demo-data``; the small department is added to it (use a copy).
Medians and maxima in milliseconds, through the Flask test client, one user at a time.
"""
import argparse
import html
import logging
import re
import secrets

from _common import bench_app, signed_in, timed

from helpdesk.db import db
from helpdesk.models import AgentDepartment, Department, Role, Ticket, User, UserRoles, utcnow

SMALL_DEPARTMENT, SMALL_AGENT = "Tim Uji Kecil", "kecil@contoh.id"
PEOPLE = ("supervisor@contoh.id", "agent@contoh.id", SMALL_AGENT)


def add_small_department():
    """The department of a few dozen tickets and its agent (once per database)."""
    if User.select().where(User.email == SMALL_AGENT).exists():
        return
    with db.database.atomic():
        team = Department.create(name=SMALL_DEPARTMENT)
        agent = User.create(email=SMALL_AGENT, full_name="Agen Uji Kecil", active=True,
                            fs_uniquifier=secrets.token_hex(16), confirmed_at=utcnow())
        UserRoles.create(user=agent, role=Role.get(name="agent"))
        AgentDepartment.create(agent=agent, department=team)
        every = Ticket.id - Ticket.id / 33331 * 33331  # id modulo 33,331, on both databases
        Ticket.update(department=team, assignee=None).where(every == 7).execute()


def shortcuts(client):
    """The queue links the page offers (shortcuts and page sizes), without sorts."""
    page = client.get("/admin/ticket/?flt0_status=open").get_data(as_text=True)
    links = {html.unescape(link) for link in re.findall(r'href="(/admin/ticket/\?[^"]*)"', page)}
    return sorted(link for link in links if "sort=" not in link and "page=" not in link
                  and "lang=" not in link)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("helpdesk.access").setLevel(logging.WARNING)
    results, rows = {}, []
    for url in args.url:
        app = bench_app(url)
        with app.app_context(), db.database.connection_context():
            add_small_department()
            tickets = Ticket.select().count()
        for email in PEOPLE:
            client = signed_in(app, email)
            for link in shortcuts(client):
                results[email, link, url] = timed(client, link, repeat=args.repeat)
                if (email, link) not in rows:
                    rows.append((email, link))
        print(f"{url}: {tickets:,} tickets", flush=True)
    header = "".join(f" {'median':>8} {'max':>7}" for _ in args.url)
    print(f"{'who':<22} {'shortcut':<58}{header}")
    for email, link in rows:
        cells = "".join(f" {results[email, link, url][0]:8.1f} {results[email, link, url][1]:7.1f}"
                        if (email, link, url) in results else f" {'-':>8} {'-':>7}"
                        for url in args.url)
        print(f"{email:<22} {link[len('/admin/ticket/'):]:<58}{cells}")


if __name__ == "__main__":
    main()
