"""Prints the time one process spends per request on each page, in milliseconds (wall and
CPU; CPU is this process only, so it leaves out a PostgreSQL server's share and is steadier
than the wall time on a busy machine): the staff queue (its redirect, for a supervisor and
an agent; an agent's "Tickets I worked on"), the desk homes, a search, the desk's ticket page, a citizen opening a ticket
(form, POST, the page the redirect leads to), the citizen's ticket page and "Tiket saya".
Requests go through the Flask test client, signed in, CSRF on.

    python benchmarks/pages.py --url sqlite:////path/bench.db [--repeat 300]
        [--staff supervisor@contoh.id] [--agent agent@contoh.id]
        [--citizen warga.0@contoh.id] [--only NAME,...] [--profile NAME] [--calls]

The database must hold ``demo-data`` (tickets are added by the creation scenario, so use
a copy). ``--profile NAME`` prints a pyinstrument profile of that scenario instead;
``--calls`` adds the Python function calls per request (cProfile's count: the same on an
idle machine and a busy one, so it shows a change where timings are too noisy).
"""
import argparse
import logging
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from _common import bench_app, signed_in  # noqa: E402
from _faults_kit import hidden_fields  # noqa: E402
from helpdesk.settings import DEFAULTS  # noqa: E402
from playhouse.db_url import connect  # noqa: E402


def scenarios(app, args):
    database = connect(args.url)
    with database.connection_context():
        top = database.execute_sql("SELECT MAX(id) FROM ticket").fetchone()[0]
        citizen_id = database.execute_sql('SELECT id FROM users WHERE email = %s'.replace(
            "%s", database.param), (args.citizen,)).fetchone()[0]
        numbers = [n for (n,) in database.execute_sql(
            f"SELECT number FROM ticket WHERE requester_id = {database.param} LIMIT 50",
            (citizen_id,))]
    database.close()
    staff = signed_in(app, args.staff)
    agent = signed_in(app, args.agent)
    citizen = signed_in(app, args.citizen)
    form = citizen.get("/tickets/new").get_data(as_text=True)
    topic = re.search(r'<option[^>]*value="(\d+)"', form).group(1)

    def page(client, path, status=200):
        def get():
            response = client.get(path)
            response.get_data()
            assert response.status_code == status, (path, response.status_code)
        return get

    def desk_page():
        response = staff.get(f"/admin/ticket/details/?id={random.randint(1, top)}")
        assert response.status_code == 200, response.status_code

    def new_form():
        response = citizen.get("/tickets/new")
        assert response.status_code == 200

    def open_ticket():
        page = citizen.get("/tickets/new").get_data(as_text=True)
        fields = hidden_fields(page, 'class="ticket-form"')
        fields.update(topic=topic, subject=f"Beban uji {random.randrange(10**9)}",
                      message="Mohon bantuan, aplikasi tidak bisa dibuka.")
        sent = citizen.post("/tickets/new", data=fields)
        assert sent.status_code == 302, sent.status_code
        assert citizen.get(sent.location).status_code == 200

    def citizen_page():
        response = citizen.get(f"/tickets/{random.choice(numbers)}")
        assert response.status_code == 200

    def my_tickets():
        assert citizen.get("/tickets/").status_code == 200

    return {"queue": page(staff, "/admin/ticket/?flt0_status=open"),
            "queue redirect": page(staff, "/admin/ticket/", 302),
            "queue, agent": page(agent, "/admin/ticket/?flt0_status=open"),
            "worked on, agent": page(agent, "/admin/ticket/?flt0_status=any&flt1_worked_on=me"),
            "desk home, supervisor": page(staff, "/admin/"),
            "desk home, agent": page(agent, "/admin/"),
            "search": page(staff, "/admin/ticket/?flt0_status=any&search=sinkronisasi"),
            "desk ticket page": desk_page, "new ticket form": new_form,
            "open a ticket (form+POST+page)": open_ticket,
            "citizen ticket page": citizen_page, "Tiket saya": my_tickets}


def measure(call, repeat):
    for _ in range(10):  # warm: templates compiled, connections opened
        call()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        call()
    return ((time.perf_counter() - wall) * 1000 / repeat,
            (time.process_time() - cpu) * 1000 / repeat)


def calls(call, repeat=20):
    """Python function calls per request."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(lambda: [call() for _ in range(repeat)])
    return pstats.Stats(profile).total_calls / repeat


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", "--database-url", dest="url", required=True)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--staff", default="supervisor@contoh.id")
    parser.add_argument("--agent", default="agent@contoh.id")
    parser.add_argument("--citizen", default="warga.0@contoh.id")
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--calls", action="store_true")
    args = parser.parse_args()
    app = bench_app(args.url)
    # one client sends more than a person would: no throttling, no access log lines
    app.config.update({key: "1000000 per hour" for key in DEFAULTS
                       if key.startswith("THROTTLE_") and isinstance(DEFAULTS[key], str)})
    logging.getLogger("helpdesk.access").setLevel(logging.WARNING)
    random.seed(13)
    chosen = scenarios(app, args)
    if args.profile:
        from pyinstrument import Profiler
        call = chosen[args.profile]
        for _ in range(10):
            call()
        with Profiler(interval=0.0005) as profiler:
            for _ in range(args.repeat):
                call()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    wanted = [name for name in re.split(r",(?! )", args.only) if name] or list(chosen)
    print(f"{'page':<34} {'wall ms':>8} {'cpu ms':>8}" + (f" {'calls':>8}" if args.calls else ""))
    for name in wanted:
        wall, cpu = measure(chosen[name], args.repeat)
        counted = f" {calls(chosen[name]):8.0f}" if args.calls else ""
        print(f"{name:<34} {wall:8.2f} {cpu:8.2f}{counted}", flush=True)


if __name__ == "__main__":
    main()
