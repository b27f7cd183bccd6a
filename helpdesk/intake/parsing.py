"""An incoming message read into what the intake needs: who, about what, the text, the
files, the loop signs and the authentication results. Never trusts the message: a part
it cannot read is a defect, and a message too damaged to read raises ``Malformed``."""
import email
import hashlib
import html as entities
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr

import nh3

from .reasons import reason

BULK_PRECEDENCE = {"bulk", "list", "junk"}
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.I)
AUTH_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.I)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


class Malformed(ValueError):
    """The message cannot be read as an e-mail; ``reason`` says why, for the administrator."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.reason = reason(code, **params)


@dataclass
class Part:
    """A file carried by the message (an attachment or an inline image)."""

    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class Incoming:
    message_id: str
    sender: str  # the From address, lower case
    sender_name: str
    subject: str
    text: str  # the body as plain text (HTML converted), quotes not yet cut
    recipients: list  # every address it was sent to (To, Cc, Delivered-To, X-Original-To)
    references: list  # Message-IDs of In-Reply-To and References
    automatic: object = None  # why no automatic answer may go back (a Reason), if so
    authentication: dict = field(default_factory=dict)  # {"spf": "pass", ...}
    parts: list = field(default_factory=list)

    @property
    def authentication_failed(self):
        return "fail" in self.authentication.values()

    @property
    def authentication_text(self):
        return " ".join(f"{k}={v}" for k, v in sorted(self.authentication.items()))


def key_of(raw, message_id, sender):
    """The dedup key: the digest of the sender and the Message-ID (so that a stranger
    reusing someone's Message-ID cannot have their message skipped), or of the whole
    message without one."""
    if not message_id:
        return hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(f"{sender}\n{message_id}".encode()).hexdigest()


def headers_of(raw):
    """Only the headers (for a message too large to read whole): (Message-ID, From,
    Subject), as far as they can be read."""
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw[:256 * 1024])
        return (_message_id(headers.get("Message-ID", "")),
                parseaddr(str(headers.get("From", "")))[1].lower(),
                _one_line(str(headers.get("Subject", ""))))
    except Exception:
        return "", "", ""


def parse(raw, authserv_id=""):
    """Read ``raw`` into an Incoming; raises Malformed."""
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        return _incoming(message, authserv_id)
    except Malformed:
        raise
    except Exception as exc:  # the email package raises many kinds on damaged input
        raise Malformed("malformed", error=f"{type(exc).__name__}: {exc}"[:1000]) from exc


def _incoming(message, authserv_id):
    if not message.keys():
        raise Malformed("no_headers")
    name, sender = parseaddr(str(message.get("From", "")))
    if "@" not in sender:
        raise Malformed("no_sender")
    text, parts = _body_and_parts(message)
    return Incoming(
        message_id=_message_id(str(message.get("Message-ID", ""))),
        sender=sender.lower(), sender_name=name, subject=_one_line(str(message.get("Subject", ""))),
        text=text, recipients=_recipients(message), references=_references(message),
        automatic=_automatic(message, sender), parts=parts,
        authentication=_authentication(message, authserv_id))


def _message_id(value):
    found = MESSAGE_ID.search(value or "")
    return found.group(0)[:255] if found else ""


def _one_line(value):
    return " ".join(value.split())[:200]


def _recipients(message):
    values = [str(v) for h in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
              for v in message.get_all(h, [])]
    return [address.lower() for _, address in getaddresses(values) if "@" in address]


def _references(message):
    values = " ".join(str(v) for h in ("In-Reply-To", "References")
                      for v in message.get_all(h, []))
    return MESSAGE_ID.findall(values)


def _automatic(message, sender):
    """Why the message must get no automatic answer: sent by a machine, a list, a bounce."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return reason("auto_submitted", value=auto[:100])
    if str(message.get("Precedence", "")).strip().lower() in BULK_PRECEDENCE:
        return reason("bulk", value=str(message.get("Precedence"))[:100])
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return reason("mailing_list")
    for header in ("X-Autoreply", "X-Autorespond"):
        if message.get(header):
            return reason("auto_reply", header=header)
    if str(message.get("Return-Path", "")).strip() == "<>" or BOUNCE_SENDERS.match(sender):
        return reason("bounce")
    if message.get_content_type() == "multipart/report":
        return reason("delivery_report")
    return None


def _authentication(message, authserv_id):
    """The SPF/DKIM/DMARC verdicts of Authentication-Results headers (only those our own
    server added, when its ``authserv_id`` is configured); the worst verdict wins."""
    results = {}
    for header in message.get_all("Authentication-Results", []):
        value = str(header)
        if authserv_id and value.split(";", 1)[0].strip().lower() != authserv_id.lower():
            continue
        for method, verdict in AUTH_RESULT.findall(value):
            method, verdict = method.lower(), verdict.lower()
            if results.get(method) != "fail":
                results[method] = verdict
    return results


def _body_and_parts(message):
    """The text (plain preferred, else HTML converted) and every file part."""
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        content = _text_of(body)
        text = html_to_text(content) if body.get_content_type() == "text/html" else content
    parts = []
    for part in message.walk():
        if part is body or part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        filename = part.get_filename()
        inline_image = part.get_content_type() in IMAGE_EXTENSIONS
        if not filename and not inline_image and part.get_content_maintype() == "text":
            continue  # an alternative of the body
        data = part.get_payload(decode=True) or b""
        if not filename:
            kind = IMAGE_EXTENSIONS.get(part.get_content_type())
            filename = f"image-{len(parts) + 1}.{kind}" if kind else f"file-{len(parts) + 1}"
        parts.append(Part(filename=filename, content_type=part.get_content_type(), data=data,
                          inline=part.get_content_disposition() != "attachment"))
    return text, parts


def _text_of(part):
    """A text part's content; one with an unknown or lying charset is read as UTF-8 with
    the undecodable bytes replaced, rather than losing the message."""
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError):
        return (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")


BLOCKS = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote)\s*/?\s*>", re.I)


def html_to_text(html):
    """The text of an HTML body: line breaks kept, every tag and script dropped (nh3
    cleans it with no tag allowed), entities decoded."""
    marked = BLOCKS.sub("\n", html)
    cleaned = nh3.clean(marked, tags=set(), clean_content_tags={"script", "style", "head", "title"})
    lines = [" ".join(line.split()) for line in entities.unescape(cleaned).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
