"""What the fault script works with: the helpdesk under gunicorn with an SMTP sink that can
be stopped, plain HTTP clients that sign in like a browser, and the database and upload
folder to check what really happened."""
import email
import http.client
import http.cookiejar
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass
from email import policy
from html import unescape
from pathlib import Path

from aiosmtpd.controller import Controller
from playhouse.db_url import connect

from browser.live import PROJECT_ROOT, LiveServer, free_port
from browser.people import AGENT, CITIZEN, PASSWORD

APP_MARK = "Helpdesk Pusdatin Kesos"  # in every page of the app, error pages included
TIMEOUT = 120  # seconds a client waits for one answer
PAGE_ERRORS = (OSError, http.client.HTTPException)


@dataclass
class Reply:
    status: int
    text: str
    location: str
    seconds: float

    @property
    def bare_500(self):
        """A server error the app did not answer itself (gunicorn's plain page)."""
        return self.status >= 500 and APP_MARK not in self.text

    @property
    def app_page(self):
        return APP_MARK in self.text


class _Keep3xx(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """One person's cookies; ``get``/``post`` return a Reply (a lost connection raises)."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Keep3xx)
        self.topic = None

    def request(self, method, path, fields=None, files=(), headers=None):
        body, kind = (None, None) if fields is None else _multipart(fields, files)
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers=dict(headers or {}))
        if kind:
            request.add_header("Content-Type", kind)
        start = time.monotonic()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, data, head = response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            status, data, head = exc.code, exc.read(), exc.headers
        return Reply(status, data.decode("utf-8", "replace"), head.get("Location", ""),
                     time.monotonic() - start)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, fields, files=(), **kwargs):
        return self.request("POST", path, fields, files, **kwargs)

    def form_token(self, path):
        return csrf_from(self.get(path).text)

    def sign_in(self, person):
        reply = self.post("/login", {"email": person.email, "password": PASSWORD,
                                     "csrf_token": self.form_token("/login")})
        assert reply.status == 302, f"sign-in of {person.email} failed: {reply.status}"
        return self

    def new_ticket(self, subject, message="Mohon bantuan, aplikasi tidak bisa dibuka.",
                   files=()):
        """Open the new-ticket form and send it, with every hidden field it carries; the
        reply's ``number`` is set when a ticket was created."""
        reply = form = self.get("/tickets/new")
        if form.status == 200:
            self.topic = self.topic or re.search(r'<option[^>]*value="(\d+)"',
                                                 form.text).group(1)
            fields = hidden_fields(form.text, 'class="ticket-form"')
            fields.update(topic=self.topic, subject=subject, message=message)
            reply = self.post("/tickets/new", fields, files)
        found = re.search(r"/tickets/(\d+)", reply.location) if reply.status == 302 else None
        reply.number = int(found.group(1)) if found else None
        return reply


def hidden_fields(html, marker):
    """The hidden inputs of the first form whose opening tag contains ``marker``."""
    start = html.index(marker)
    form = html[start:html.index("</form>", start)]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = (re.search(rf'{key}="([^"]*)"', tag) for key in ("name", "value"))
        if 'type="hidden"' in tag and name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def csrf_from(html):
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  .encode() + str(value).encode() + b"\r\n")
    for filename, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                  f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                  .encode() + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class MailSink:
    """An SMTP server on loopback keeping (recipient, subject, text) of every message; it
    can be stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        text = " ".join(part.get_content() for part in message.walk()
                        if part.get_content_maintype() == "text")
        with self.lock:
            # who got it: a staff alert's recipients are each a Bcc, in no header
            self.messages.append((", ".join(envelope.rcpt_tos), str(message["Subject"]), text))
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def receipts(self, numbers, to=CITIZEN.email):
        """How many mails to ``to`` name each ticket number in their subject."""
        counts = dict.fromkeys(numbers, 0)
        with self.lock:
            for recipient, subject, _ in self.messages:
                found = re.search(r"\[#(\d+)\]", subject)
                if to in recipient and found and int(found.group(1)) in counts:
                    counts[int(found.group(1))] += 1
        return counts

    def texts(self):
        with self.lock:
            return [text for _, _, text in self.messages]


class Rig:
    """The helpdesk served by gunicorn (several workers) on its own database and folder,
    mail to a sink; ``close()`` stops both."""

    def __init__(self, folder, database_url=None, workers=4, threads=4):
        self.sink = MailSink()
        self.sink.start()
        self.server = LiveServer(folder, self.sink.port, database_url, threads, workers)
        # The rows load one citizen's account far past the throttle's limits on purpose
        self.server.settings["RATELIMIT_ENABLED"] = False
        self.workers = workers
        self.uploads = Path(self.server.settings["UPLOAD_FOLDER"])
        self.postgres = self.server.database_url.startswith("postgres")
        try:
            self.server.start(timeout=120)
        except BaseException:
            self.server.stop()
            self.sink.stop()
            raise
        self.db = connect(self.server.database_url)

    def close(self):
        self.db.close()
        self.server.stop()
        self.sink.stop()

    def browser(self, person=None):
        browser = Browser(self.server.url)
        return browser.sign_in(person) if person else browser

    def count(self, sql, *params):
        return self.rows(sql, *params)[0][0]

    def rows(self, sql, *params):
        """Rows of ``sql`` with ``?`` for each parameter, on either database."""
        with self.db.connection_context():
            return list(self.db.execute_sql(sql.replace("?", self.db.param), params).fetchall())

    def totals(self):
        """Tickets, thread entries, users, attachments: to see that nothing was saved."""
        return tuple(self.count(f'SELECT COUNT(*) FROM "{table}"')
                     for table in ("ticket", "threadentry", "users", "attachment"))

    def orphans(self):
        """(files without a row, rows without a file, sizes of the files without a row)."""
        files = {p.name: p.stat().st_size for p in self.uploads.rglob("*") if p.is_file()}
        rows = {name for (name,) in self.rows("SELECT stored_name FROM attachment")}
        loose = [size for name, size in files.items() if name not in rows]
        return len(loose), len(rows - set(files)), loose

    def flask(self, *args, timeout=300):
        """Run ``flask --app app ARGS`` on this server's data; returns (exit code, output)."""
        done = subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "app",
                               *args], cwd=PROJECT_ROOT, env=self.server.env,
                              capture_output=True, text=True, timeout=timeout)
        return done.returncode, (done.stdout + done.stderr).strip()

    def send_mail(self):
        """Flush the outbox now: ``send-mail --now`` where it exists, else ``send-mail``
        (which leaves rows whose retry is not due yet to the app's own delivery)."""
        code, output = self.flask("send-mail", "--now")
        if code == 2 and "no such option" in output.lower():
            self.flask("send-mail")
            return "send-mail"
        return "send-mail --now"

    def worker_pids(self):
        master = self.server.process.pid
        try:
            return [int(p) for p in
                    Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        except OSError:
            return []

    def kill_worker(self, pid):
        try:
            os.kill(pid, signal.SIGKILL)
            return True
        except ProcessLookupError:
            return False

    def wait_for_workers(self, timeout=60):
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        return len(self.worker_pids()) >= self.workers


def signed_in(rig, count, person=CITIZEN):
    return [rig.browser(person) for _ in range(count)]


def pdf(size):
    """A file the app takes for a PDF, of ``size`` bytes."""
    head = b"%PDF-1.4\n% helpdesk fault script\n"
    return head + os.urandom(max(0, size - len(head) - 6)) + b"\n%%EOF"


def odt(mimetype_size=0, damage=None):
    """An .odt; ``mimetype_size`` bytes of zeros after its mimetype make a bomb, and
    ``damage`` is "encrypted", "corrupt" or "deflate64" (patched headers or data)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            member.write(b"application/vnd.oasis.opendocument.text")
            zeros = bytes(1024 * 1024)
            for _ in range(mimetype_size // len(zeros)):
                member.write(zeros)
        archive.writestr("content.xml", "<office:document-content/>")
    data = bytearray(out.getvalue())
    local = 0  # the mimetype member is the first one
    central = data.index(b"PK\x01\x02")
    if damage == "encrypted":
        data[local + 6] |= 1
        data[central + 8] |= 1
    elif damage == "deflate64":
        data[local + 8] = data[central + 10] = 9
    elif damage == "corrupt":
        start = local + 30 + int.from_bytes(data[local + 26:local + 28], "little") \
            + int.from_bytes(data[local + 28:local + 30], "little")
        data[start:start + 16] = b"\xff" * 16
    return bytes(data)


def peaks_reset(pids):
    """Reset the peak memory of the workers; returns their resident sizes now (kB)."""
    sizes = {}
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            sizes[pid] = _status_kb(pid, "VmRSS")
        except OSError:
            pass
    return sizes


def peak_growth_mb(before):
    """The largest growth of a worker's memory since ``peaks_reset``, in MB."""
    growth = [(_status_kb(pid, "VmHWM") - rss) / 1024 for pid, rss in before.items()
              if Path(f"/proc/{pid}").exists()]
    return max(growth or [0.0])


def _status_kb(pid, key):
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{key}:\s+(\d+)", text, re.M)
    return int(found.group(1)) if found else 0
