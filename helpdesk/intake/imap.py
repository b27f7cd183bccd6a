"""Reading the helpdesk's mailbox over IMAP (INTAKE_IMAP_URL), for the scheduled work and
``flask fetch-mail``.

Each message waiting in the folder is fetched without marking it read, handed to
``intake.receive`` and only then moved to INTAKE_IMAP_DONE_FOLDER (created when missing;
MOVE when the server has it, else COPY and flag deleted, and expunge that one message if
the server can). A message whose ``receive`` raised ``TemporaryFailure`` stays where it
is for the next run.
If the connection fails halfway, the run stops with a logged error: a message saved but
not yet moved is fetched again next time, and ``receive`` knows it by its Message-ID.

With INTAKE_IMAP_DONE_FOLDER empty, processed messages are flagged read instead of moved,
and only unread messages are fetched.
"""
import imaplib
import logging
import ssl
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

from .. import intake  # intake.receive looked up at each call (tests replace it)

log = logging.getLogger(__name__)

SCHEMES = {"imaps": (True, 993), "imap": (False, 143)}
FAILURES = (OSError, imaplib.IMAP4.error)  # network, TLS, refused sign-in, server's NO/BAD


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    tls: bool
    user: str
    password: str = field(repr=False)
    folder: str

    def __str__(self):  # for logs and messages: never the password
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_url(url):
    """``imaps://user:password@host[:port]/FOLDER`` (percent-encode special characters in
    the user and password); ``imap://`` for an unencrypted connection. ValueError for
    anything else."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname or not parts.username:
        raise ValueError("not an imaps:// or imap:// address with a user name")
    tls, default_port = SCHEMES[parts.scheme]
    return Mailbox(host=parts.hostname, port=parts.port or default_port, tls=tls,
                   user=unquote(parts.username), password=unquote(parts.password or ""),
                   folder=unquote(parts.path.lstrip("/")) or "INBOX")


@dataclass
class Run:
    """What one poll did: outcomes by kind, messages left for the next run, and the error
    that ended it early (None when it read the whole folder)."""
    counts: Counter = field(default_factory=Counter)
    left: int = 0
    error: str | None = None

    @property
    def fetched(self):
        return sum(self.counts.values()) + self.left


def poll(config):
    """Take in every waiting message of the configured mailbox; returns a ``Run``."""
    mailbox = parse_url(config["INTAKE_IMAP_URL"])
    done_folder = config["INTAKE_IMAP_DONE_FOLDER"]
    run = Run()
    try:
        with _connect(mailbox, config) as imap:
            imap.login(mailbox.user, mailbox.password)
            if done_folder and not imap.folder_exists(done_folder):
                imap.create_folder(done_folder)
                imap.subscribe_folder(done_folder)
            imap.select_folder(mailbox.folder)
            for uid in imap.search(["NOT", "DELETED"] if done_folder else ["UNSEEN"]):
                _take(imap, uid, done_folder, run)
    except FAILURES as exc:
        run.error = f"{type(exc).__name__}: {exc}"
        log.error("mail intake from %s stopped: %s (the messages not yet moved are read "
                  "again on the next run)", mailbox, run.error)
    return run


def _connect(mailbox, config):
    timeout = config["INTAKE_IMAP_TIMEOUT"]
    if not mailbox.tls:
        return IMAPClient(mailbox.host, port=mailbox.port, ssl=False, timeout=timeout)
    context = ssl.create_default_context(cafile=config["INTAKE_IMAP_CA_FILE"] or None)
    return IMAPClient(mailbox.host, port=mailbox.port, ssl=True, ssl_context=context,
                      timeout=timeout)


def _take(imap, uid, done_folder, run):
    """One message: fetched one at a time, so that a large one is the only one in memory."""
    raw = (imap.fetch([uid], ["BODY.PEEK[]"]).get(uid) or {}).get(b"BODY[]")
    if raw is None:  # moved meanwhile by another process reading the same mailbox
        return
    try:
        outcome = intake.receive(raw, source="imap")
    except intake.TemporaryFailure as exc:
        log.warning("mail intake: message %s left in the mailbox for the next run: %s",
                    uid, exc)
        run.left += 1
        return
    except Exception:  # a fault of ours: the other messages still go in
        log.exception("mail intake: message %s left in the mailbox, it could not be taken "
                      "in", uid)
        run.left += 1
        return
    run.counts[outcome.kind] += 1
    _set_aside(imap, uid, done_folder)


def _set_aside(imap, uid, done_folder):
    if not done_folder:
        imap.add_flags([uid], [b"\\Seen"])
    elif imap.has_capability("MOVE"):
        imap.move([uid], done_folder)
    else:
        imap.copy([uid], done_folder)
        imap.add_flags([uid], [b"\\Deleted"])
        if imap.has_capability("UIDPLUS"):  # without it EXPUNGE would take every message
            imap.uid_expunge([uid])          # flagged deleted, by anyone: left to the server
