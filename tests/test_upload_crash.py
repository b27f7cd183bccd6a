"""A gunicorn worker killed (kill -9) in the middle of an upload leaves nothing behind once
``clean-uploads`` has run: no attachment row without its file, no file without its row.

The server is real (two workers, SQLite or a PostgreSQL database named after the suite's),
the upload is sent over a socket by hand, and the worker holding that socket is found
through /proc and killed: once while the body is still arriving, once after the file was
written but before its transaction could commit (the test holds the database's write lock
meanwhile, so the moment is certain)."""
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from playhouse.db_url import connect

from browser.live import PROJECT_ROOT, LiveServer, fresh_postgres_database
from browser.people import CITIZEN
from conftest import TEST_DATABASE_URL, csrf_from
from samples import PDF

STORED = re.compile(r"[0-9a-f]{32}")
UPLOAD = PDF + os.urandom(3 * 1024 * 1024)
DEADLINE = 20  # seconds; generous, for a busy machine


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database_url = None
    if TEST_DATABASE_URL:
        name = urlsplit(TEST_DATABASE_URL).path.lstrip("/") or "test"
        database_url = fresh_postgres_database(TEST_DATABASE_URL, f"{name}_kill")
    live = LiveServer(tmp_path_factory.mktemp("kill"), database_url=database_url, workers=2)
    live.settings["UPLOAD_CLEAN_SECONDS"] = 0  # the test runs the cleanup itself
    live.start()
    yield live
    live.stop()


class Citizen:
    """A signed-in citizen with a cookie jar, sending forms like a browser."""

    def __init__(self, server):
        self.server, self.jar = server, CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))
        token = csrf_from(self.get("/login"))
        self.opener.open(server.url + "/login", urlencode({
            "email": CITIZEN.email, "password": CITIZEN.password,
            "csrf_token": token}).encode(), timeout=DEADLINE).read()

    def get(self, path):
        with self.opener.open(self.server.url + path, timeout=DEADLINE) as response:
            return response.read().decode()

    def new_ticket_request(self, data):
        """An open connection that has sent the headers of a new ticket with ``data``
        attached, and the body to send on it."""
        page = self.get("/tickets/new")
        topic = re.search(r'<option [^>]*value="(\d+)"', page).group(1)
        boundary = uuid.uuid4().hex
        fields = {"csrf_token": csrf_from(page), "topic": topic,
                  "subject": "Bukti penyaluran", "message": "Terlampir bukti."}
        body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                        f"\r\n\r\n{value}\r\n".encode() for name, value in fields.items())
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                 f'filename="bukti.pdf"\r\nContent-Type: application/pdf\r\n\r\n').encode()
        body += data + f"\r\n--{boundary}--\r\n".encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                                timeout=DEADLINE)
        connection.putrequest("POST", "/tickets/new")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(body)))
        connection.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in self.jar))
        connection.endheaders()
        return connection, body


def wait_for(condition, what):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError(f"waited {DEADLINE} s for {what}")


def workers(server):
    """The pids of the gunicorn master's children."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == server.process.pid:
            found.add(int(stat.parent.name))
    return found


def worker_serving(server, connection):
    """The worker that holds the server side of ``connection`` (None until accepted)."""
    client_port = connection.sock.getsockname()[1]
    wanted = f"0100007F:{server.port:04X} 0100007F:{client_port:04X}"
    inodes = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
              if " ".join(line.split()[1:3]) == wanted}
    for pid in workers(server):
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    return None


def kill(server, pid):
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: pid not in workers(server) and len(workers(server)) == 2,
             "the master to replace the killed worker")


def files_in(server):
    folder = Path(server.settings["UPLOAD_FOLDER"])
    return {p.name for p in folder.rglob("*") if p.is_file()}


def stored_names(server):
    database = connect(server.database_url)
    try:
        return {name for name, in database.execute_sql("SELECT stored_name FROM attachment")}
    finally:
        database.close()


class WriteLock:
    """The database's write lock on attachments, held by the test: a worker saving one
    waits, its file written, its transaction unable to commit."""

    def __init__(self, url):
        self.url = url

    def __enter__(self):
        if self.url.startswith("sqlite"):
            self.connection = sqlite3.connect(self.url.removeprefix("sqlite:///"),
                                              isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            import psycopg2

            self.connection = psycopg2.connect(self.url)
            self.connection.cursor().execute(
                "LOCK TABLE attachment IN SHARE ROW EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc):
        self.connection.rollback()
        self.connection.close()


def test_a_worker_killed_mid_upload_leaves_nothing_behind(server):
    citizen = Citizen(server)

    # 1. killed while the body is still arriving
    connection, body = citizen.new_ticket_request(UPLOAD)
    connection.send(body[:1024 * 1024])
    pid = wait_for(lambda: worker_serving(server, connection), "a worker to take the upload")
    kill(server, pid)
    with pytest.raises(OSError):
        connection.send(body[1024 * 1024:])
        connection.getresponse()
    connection.close()

    # 2. killed with the file written and its transaction waiting to commit
    with WriteLock(server.database_url):
        connection, body = citizen.new_ticket_request(UPLOAD)
        connection.send(body)
        [part] = wait_for(lambda: [p for p in Path(server.settings["UPLOAD_FOLDER"])
                                   .rglob("*.part") if p.stat().st_size == len(UPLOAD)],
                          "the upload's temporary file to be complete")
        kill(server, wait_for(lambda: worker_serving(server, connection), "its worker"))
        connection.close()
    assert part.exists()

    # 3. and the server goes on: a ticket with its file
    connection, body = citizen.new_ticket_request(UPLOAD)
    connection.send(body)
    assert connection.getresponse().status == 302
    connection.close()
    [saved] = stored_names(server)

    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "clean-uploads", "--older-than", "0"],
        cwd=PROJECT_ROOT, env=server.env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"{part.parent.name}/{part.name} dihapus ({len(UPLOAD)} bita)" in result.stdout
    assert f"1 berkas dihapus, {len(UPLOAD)} bita; 0 dirampungkan" in result.stdout

    assert not part.exists()
    assert files_in(server) == stored_names(server) == {saved}
    assert all(STORED.fullmatch(name) for name in files_in(server))
