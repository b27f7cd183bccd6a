"""The helpdesk as a real server: gunicorn on loopback, its own database and folders, mail
sent by SMTP to the port given. Used by the browser tests and by tools/screenshots.py."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres_database(url, name):
    """Drop and create the database ``name`` on the server of ``url``; returns its URL."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


class LiveServer:
    """``start()`` prepares the database and accounts and waits until the server answers."""

    def __init__(self, folder, smtp_port=None, database_url=None, threads=8, workers=1,
                 access_log=True):
        """Without ``smtp_port`` mail is written as .eml files to ``folder/mail``; several
        ``workers`` for tests that kill one of them; ``access_log=False`` runs gunicorn
        without its access log, as in production (the app logs each request itself)."""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url or f"sqlite:///{self.folder / 'helpdesk.db'}"
        self.log_path = self.folder / "server.log"
        self.threads, self.workers, self.access_log = threads, workers, access_log
        self.settings = {
            "SECRET_KEY": "live-server-secret",
            "SECURITY_TOTP_SECRETS": {"1": "live-server-totp-key"},
            "DATABASE_URL": self.database_url,
            "UPLOAD_FOLDER": str(self.folder / "uploads"),
            "MAIL_FOLDER": str(self.folder / "mail"),
            "MAIL_SERVER": "127.0.0.1" if smtp_port else "",
            "MAIL_PORT": smtp_port or 25,
            "MAIL_POLL_SECONDS": 1,
            "PUBLIC_URL": self.url,
            # our mails to requesters carry a reply address (tests/browser/test_mail_reply.py)
            "INTAKE_ADDRESS": "helpdesk@kemensos.go.id",
            "SLA_CHECK_SECONDS": 0,
            "AUTO_CLOSE_CHECK_SECONDS": 0,
            # Argon2 still, with less memory and time: sign-ins are many here
            "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {"argon2__memory_cost": 1024,
                                                       "argon2__rounds": 1},
            # One server for the whole run: its citizens open and answer more tickets in an
            # hour than a person would (throttling itself: tests/test_throttle.py)
            "THROTTLE_TICKET_ACCOUNT": "1000 per hour",
            "THROTTLE_REPLY_ACCOUNT": "1000 per hour",
        }
        self.process = None

    @property
    def env(self):
        env = dict(os.environ)
        env.update({f"FLASK_{key}": value if isinstance(value, str) else json.dumps(value)
                    for key, value in self.settings.items()})
        return env

    def flask(self, *args, **settings):
        """Run a ``flask --app app`` command against this server's data, with extra
        settings; returns the finished process (its output as text)."""
        env = self.env
        env.update({f"FLASK_{key}": value for key, value in settings.items()})
        flask = Path(sys.executable).with_name("flask")
        return subprocess.run([str(flask), "--app", "app", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    def run(self, *args):
        """Run a Python script or ``-m`` module of the project against this server's data."""
        subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)

    def start(self, timeout=30):
        self.run(str(Path(__file__).with_name("people.py")))
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--threads", str(self.threads), "--graceful-timeout", "2",
             *(["--access-logfile", "-", "--access-logformat", '%(r)s %(s)s %(M)sms']
               if self.access_log else []),
             "app:create_app()"],
            cwd=PROJECT_ROOT, env=self.env, stdout=self.log_path.open("wb"),
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
