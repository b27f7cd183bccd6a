"""How long the account forms take to answer for an address with an account and for one
without (no enumeration by timing): sign-in with a wrong password, password reset,
confirmation resend and registration, with the production password hashing (argon2).

    .venv/bin/python benchmarks/account_answers.py [--repeat 15]

Prints the median and the spread (max - min) in milliseconds of each pair. Throttling is
off here (it would refuse the repeated attempts, which is its purpose)."""
import argparse
import logging
import re
import statistics
import time

from _common import bench_app

from helpdesk import migrations, seed
from helpdesk.db import db
from helpdesk.models import utcnow

KNOWN, UNKNOWN = "terdaftar@contoh.id", "tidak-ada@contoh.id"
PASSWORD = "Rahasia-Helpdesk-2026"


def csrf(client, url):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get(url).text).group(1)


def timed_pair(app, url, addresses, fields, repeat):
    """Median and spread of each address's answers, asked in turns so that a change in the
    machine's load falls on both alike."""
    samples = ([], [])
    for n in range(repeat):
        for address, times in zip(addresses, samples):
            client = app.test_client()
            data = {key: value.format(n=n) for key, value in fields.items()}
            data.update(email=address.format(n=n), csrf_token=csrf(client, url))
            start = time.perf_counter()
            client.post(url, data=data).close()
            times.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(t), max(t) - min(t)) for t in samples]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    app = bench_app()
    logging.getLogger("helpdesk.access").setLevel(logging.WARNING)  # one line per request
    app.extensions["throttle"].enabled = False
    with app.app_context(), db.database.connection_context():
        migrations.upgrade(db.database)
        seed.seed()
        from flask_security import hash_password
        app.extensions["security"].datastore.create_user(
            email=KNOWN, full_name="Terdaftar", password=hash_password(PASSWORD),
            confirmed_at=utcnow())
    forms = [
        ("sign-in, wrong password", "/login", {"password": "bukan-ini-{n}"}),
        ("password reset", "/reset", {}),
        ("confirmation resend", "/confirm", {}),
        ("registration", "/register", {"full_name": "Siapa", "password": PASSWORD,
                                       "password_confirm": PASSWORD}),
    ]
    print(f"{'form':26} {'with account':>22} {'without account':>22}   (median ± spread, ms)")
    for name, url, fields in forms:
        addresses = (KNOWN, UNKNOWN if url != "/register" else "baru-{n}@contoh.id")
        figures = timed_pair(app, url, addresses, fields, args.repeat)
        print(f"{name:26} " + " ".join(f"{m:12.1f} ± {s:6.1f}ms" for m, s in figures))


if __name__ == "__main__":
    main()
