"""Times the portal's answer to each hostile archive, and the memory it takes.

    python benchmarks/hostile_uploads.py [--bomb-mb 2048] [--entries 200000]

Builds every kind of tests/hostile.py (an .odt whose mimetype member inflates to
``--bomb-mb`` MB, huge declared members, encryption, deflate64, damage, a size that lies,
too many entries) and a plain PDF for comparison, then POSTs each as the attachment of a
new ticket through the app's test client, each in a fresh process (SQLite): the time of
the POST, the growth of the process's peak resident memory during it (VmHWM, reset just
before), and the peak of Python's allocations in a second, traced POST of the same file.
Target: under 1 s and under 50 MB each, answered by the form with a refusal naming the
file.
"""
import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _common import bench_app, signed_in

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile  # noqa: E402

EMAIL = "warga@contoh.id"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post_once(name, path):
    """In this (fresh) process: an app, a citizen, one warm-up refusal, then the POST of
    the file at ``path``; prints one JSON line."""
    from flask_security import hash_password
    from werkzeug.test import EnvironBuilder

    from helpdesk import migrations, seed
    from helpdesk.db import db
    from helpdesk.models import Attachment, HelpTopic, Ticket, utcnow

    app = bench_app()
    with app.app_context(), db.database.connection_context():
        migrations.upgrade(db.database)
        seed.seed()
        app.extensions["security"].datastore.create_user(
            email=EMAIL, full_name="Siti Warga", password=hash_password("rahasia-123"),
            confirmed_at=utcnow())
        topic = HelpTopic.select().first().id
    client = signed_in(app, EMAIL)

    def request(filename, data):
        page = client.get("/tickets/new").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        fields = {"csrf_token": token, "topic": str(topic), "subject": "Bukti",
                  "message": "Terlampir.", "attachments": [(io.BytesIO(data), filename)]}
        return EnvironBuilder(path="/tickets/new", method="POST", data=fields,
                              content_type="multipart/form-data").get_environ()

    client.open(request("kosong.pdf", b""))  # warm-up: the form with a refusal
    data = Path(path).read_bytes()
    environ = request(name, data)  # built before measuring
    before = _reset_peak()
    start = time.perf_counter()
    response = client.open(environ)
    seconds = time.perf_counter() - start
    grown = _peak() - before
    with app.app_context(), db.database.connection_context():
        saved = Ticket.select().count() + Attachment.select().count()
    environ = request(name, data)  # once more, Python's allocations traced
    tracemalloc.start()
    client.open(environ)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"status": response.status_code, "seconds": seconds,
                      "grown_mb": grown / 1024, "traced_mb": traced / 1024 / 1024,
                      "named": name in response.text, "saved": saved}))


def _status(field):
    """A field of /proc/self/status, in KB."""
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))


def _reset_peak():
    """Reset the process's peak resident memory (Linux: clear_refs 5); returns the
    current resident memory in KB, from which the peak grows."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _peak():
    return _status("VmHWM")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bomb-mb", type=int, default=2048,
                        help="what the .odt's mimetype member inflates to")
    parser.add_argument("--entries", type=int, default=200_000,
                        help="entries of the many-entries .zip")
    args = parser.parse_args()
    started = time.perf_counter()
    kinds = hostile.kinds(bomb=args.bomb_mb * hostile.MB, entries=args.entries)
    kinds["plain PDF (for comparison)"] = ("surat.pdf", PDF + b"0" * (4 * hostile.MB))
    print(f"built {len(kinds)} files in {time.perf_counter() - started:.1f} s")
    print(f"{'kind':28} {'file':>9} {'status':>6} {'POST':>8} {'RSS +MB':>8} "
          f"{'traced MB':>9}  answer")
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    for label, (name, data) in kinds.items():
        path = folder / name
        path.write_bytes(data)
        child = subprocess.run([sys.executable, __file__, "--post", name, str(path)],
                               capture_output=True, text=True)
        lines = child.stdout.strip().splitlines()
        if child.returncode or not lines:
            print(f"{label:28} failed: {child.stderr.strip().splitlines()[-1:]}")
            continue
        result = json.loads(lines[-1])
        answer = ("saved" if result["saved"] else
                  "refused, file named" if result["named"] else "refused")
        print(f"{label:28} {len(data) / hostile.MB:7.2f}MB {result['status']:>6} "
              f"{result['seconds']:7.3f}s {result['grown_mb']:8.1f} {result['traced_mb']:9.1f}"
              f"  {answer}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--post"]:
        post_once(sys.argv[2], sys.argv[3])
    else:
        main()
