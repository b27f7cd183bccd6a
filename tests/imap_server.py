"""A real IMAP server for the tests: Debian's Dovecot started with a throwaway configuration.

Everything lives in one temporary folder: the configuration, the sockets and state
(``base_dir``, ``state_dir``), the log (no syslog), a self-signed certificate for
127.0.0.1, a passwd-file with one user and that user's maildir. The server listens on
free loopback ports for IMAP and IMAPS, under its own ``instance_name``, so a system
Dovecot on the same machine is left alone. Dovecot runs in the foreground (``-F``) as a
child of the test process: stopping it is ending that child.
"""
import datetime
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "helpdesk", "kotak-surat-uji"
MAIL_UID = 65534  # nobody: Dovecot refuses mail access as root

CONFIG = """\
instance_name = helpdesk-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
namespace inbox {{
  inbox = yes
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_certificate(folder):
    """A self-signed certificate for 127.0.0.1; the tests trust it as their CA file."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    with open(os.path.join(folder, "cert.pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(folder, "key.pem"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    os.chmod(os.path.join(folder, "key.pem"), 0o600)


class Dovecot:
    """One throwaway Dovecot: ``start()``, ``stop()``, ``url()`` for the poller's setting,
    ``client()`` for a test to append or look at messages."""

    def __init__(self, extra=""):
        self.root = tempfile.mkdtemp(prefix="helpdesk-dovecot-")
        os.chmod(self.root, 0o755)  # the login processes run as dovenull
        self.port, self.tls_port = _free_port(), _free_port()
        self.ca_file = os.path.join(self.root, "cert.pem")
        self.config = os.path.join(self.root, "dovecot.conf")
        self.log = os.path.join(self.root, "dovecot.log")
        home = os.path.join(self.root, "home")
        os.mkdir(home)
        os.chown(home, MAIL_UID, MAIL_UID)
        _write_certificate(self.root)
        with open(os.path.join(self.root, "users"), "w") as f:
            f.write(f"{USER}:{{PLAIN}}{PASSWORD}:{MAIL_UID}:{MAIL_UID}::{home}\n")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(root=self.root, port=self.port, tls_port=self.tls_port,
                                  uid=MAIL_UID) + extra + "\n")
        self.process = None

    unused_port = staticmethod(_free_port)  # where no server listens

    def start(self, timeout=15):
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", self.config],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True)  # its own process group
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot did not start: {self.process.stderr.read()!r}"
                                   f"\n{self._log_tail()}")
            try:
                with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=2) as probe:
                    probe.login(USER, PASSWORD)
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Dovecot does not answer\n{self._log_tail()}")
                time.sleep(0.05)

    def stop(self, timeout=10):
        """End the server with every process it started, so that open IMAP sessions end
        too: the master alone leaves running sessions (and the login processes holding the
        listening ports) until their clients leave."""
        if self.process is None:
            return
        group = self.process.pid  # the group's leader (start_new_session)
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.process.wait(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            if time.monotonic() > deadline:
                os.killpg(group, signal.SIGKILL)
            time.sleep(0.02)
        self.process.stderr.close()
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _log_tail(self):
        try:
            with open(self.log) as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return "(no log)"

    def url(self, tls=True, folder="INBOX"):
        if tls:
            return f"imaps://{USER}:{PASSWORD}@127.0.0.1:{self.tls_port}/{folder}"
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{folder}"

    def client(self):
        context = ssl.create_default_context(cafile=self.ca_file)
        imap = IMAPClient("127.0.0.1", port=self.tls_port, ssl=True, ssl_context=context,
                          timeout=30)
        imap.login(USER, PASSWORD)
        return imap

    def append(self, *messages, folder="INBOX"):
        with self.client() as imap:
            for raw in messages:
                imap.append(folder, raw)

    def messages(self, folder="INBOX", criteria="ALL"):
        """The raw messages now in ``folder`` ([] when it does not exist)."""
        with self.client() as imap:
            if not imap.folder_exists(folder):
                return []
            imap.select_folder(folder, readonly=True)
            fetched = imap.fetch(imap.search(criteria), ["BODY.PEEK[]"])
            return [fetched[uid][b"BODY[]"] for uid in sorted(fetched)]

    def empty(self):
        """Remove every message and every folder but INBOX (before each test)."""
        with self.client() as imap:
            for _flags, _delimiter, name in imap.list_folders():
                if name != "INBOX":
                    imap.delete_folder(name)
            imap.select_folder("INBOX")
            uids = imap.search("ALL")
            if uids:
                imap.delete_messages(uids)
                imap.expunge()


@pytest.fixture(scope="session")
def dovecot():
    server = Dovecot()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def imap_mailbox(dovecot, config):
    """The test mailbox, emptied, with the app (made after this fixture) set to read it
    over TLS, trusting the server's own certificate (and to link its answers to the test
    client's own address)."""
    if dovecot.process is None:  # a test stopped it
        dovecot.start()
    dovecot.empty()
    config.update(INTAKE_IMAP_URL=dovecot.url(), INTAKE_IMAP_CA_FILE=dovecot.ca_file,
                  PUBLIC_URL="http://localhost")
    return dovecot
