"""The bytes of an outgoing e-mail, written straight from the message: the same bytes as
Flask-Mail's, in a tenth of the time.

Flask-Mail (0.10.0) builds a tree of the email package's legacy classes, then writes it
under ``email.policy.SMTP``, which parses every header again, and each part's
Content-Type on every look at it: 1.5–2.3 ms a message, more than the request that queued
it. The shapes the outbox sends (a text part, an HTML alternative, attachments) are
written here as that tree would be: each part's few fixed headers, the bodies with CRLF
line ends, attachments in base64, and each header as ``email.policy.SMTP`` writes it
(as it is when it fits on its line, else folded by that very policy). Any other message
(Cc, several To, other alternatives, a charset of its own, attachment headers) is written
by Flask-Mail's own path. ``tests/test_mail_bytes.py`` holds the two to the same bytes.
"""
import random
import re
import sys
from base64 import encodebytes
from email import policy
from email.utils import encode_rfc2231, formatdate, quote
from functools import lru_cache

from flask import current_app
from flask_mail import Message, sanitize_address, sanitize_subject

LINE = 78  # email.policy.SMTP's max_line_length
UNDISCLOSED = "undisclosed-recipients:;"  # RFC 5322's empty group: the To of Bcc-only mail
_NEWLINE = re.compile(r"\r\n|\r|\n")  # what the email package's generator writes as CRLF
_WIDTH = len(repr(sys.maxsize - 1))  # the digits of the email package's boundaries
# a longer subject folded here as the policy folds it: short words of letters, digits and
# a few marks, one space apart
_WORD = r"[A-Za-z0-9.,:/#\[\]!?&%@'_-]{1,40}"
_PLAIN_WORDS = re.compile(f"{_WORD}( {_WORD})*")


class FastMessage(Message):
    """Flask-Mail's message, put into bytes without its tree where the outbox's shapes
    allow (Flask-Mail's SMTP connection and the .eml writer both call ``as_bytes``)."""

    def _message(self):
        """A message sent only to Bcc addresses names none of them: Flask-Mail (0.10.0)
        writes an empty To, which some servers refuse; an empty group is what they expect."""
        tree = super()._message()
        if self.bcc and not self.recipients:
            tree.replace_header("To", UNDISCLOSED)
        return tree

    def as_bytes(self):
        written = written_directly(self)
        return written if written is not None else self._message().as_bytes()


def written_directly(msg):
    """``msg``'s bytes as Flask-Mail writes them, or None for a shape not written here."""
    if (msg.charset or set(msg.alts) - {"html"} or msg.cc or len(msg.recipients) > 1
            or not isinstance(msg.body, str) or not isinstance(msg.subject, str)
            or not all(_plain_attachment(file) for file in msg.attachments)):
        return None
    texts = _text(msg.body, "plain")
    if msg.html is not None:
        texts = _multipart("alternative", [texts, _text(msg.html, "html")])
    if not msg.attachments and msg.html is None:
        return _headers(_text_headers("plain", msg.body), msg) + texts[1]
    first, body = _multipart("mixed", [texts, *map(_attachment, msg.attachments)])
    return _headers(first, msg) + body


def _headers(first, msg):
    """The top headers, in Flask-Mail's order, after the part's own (``first``)."""
    to = address(msg.recipients[0]) if msg.recipients else (UNDISCLOSED if msg.bcc else "")
    headers = [("Subject", sanitize_subject(msg.subject))] if msg.subject else []
    headers += [("From", address(msg.sender)), ("To", to),
                ("Date", formatdate(msg.date, localtime=True)), ("Message-ID", msg.msgId)]
    if msg.reply_to:
        headers.append(("Reply-To", address(msg.reply_to)))
    headers += (msg.extra_headers or {}).items()
    return first + b"".join(header(name, value) for name, value in headers) + b"\r\n"


def header(name, value):
    """One header line as ``email.policy.SMTP`` writes it: as it is when it fits on its
    line (its ``refold_source="long"``), a longer subject of plain words folded before
    the word that would pass the line's end, else refolded by the policy itself."""
    if isinstance(value, str) and value.isascii() and value.isprintable():
        if len(name) + len(value) + 2 <= LINE:
            return f"{name}: {value}\r\n".encode("ascii")
        if name == "Subject" and _PLAIN_WORDS.fullmatch(value):
            return _folded(name, value)
    return policy.SMTP.fold_binary(name, value)


def _folded(name, value):
    if len(value) < LINE:  # the whole value on a line of its own, as the policy puts it
        return f"{name}:\r\n {value}\r\n".encode("ascii")
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > LINE:
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


@lru_cache(maxsize=512)
def address(written):
    """Flask-Mail's form of an address, for a header or the SMTP envelope (the sender and
    a few recipients recur)."""
    return sanitize_address(written)


def _text_headers(subtype, text):
    encoding = "7bit" if text.isascii() else "8bit"
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
            f"Content-Transfer-Encoding: {encoding}\r\n").encode("ascii")


def _text(text, subtype):
    """A text part: (its headers, its body), the body in UTF-8 with CRLF line ends."""
    return _text_headers(subtype, text), _NEWLINE.sub("\r\n", text).encode("utf-8")


def _multipart(subtype, parts):
    """(headers, body) of a multipart of ``parts`` (each (headers, body)), with a new
    random boundary that none of them holds."""
    written = [first + b"\r\n" + body for first, body in parts]
    while True:
        boundary = f"{'=' * 15}{random.randrange(sys.maxsize):0{_WIDTH}d}=="
        if not any(boundary.encode("ascii") in part for part in written):
            break
    line = f"\r\n--{boundary}\r\n".encode("ascii")
    body = line[2:] + line.join(written) + f"\r\n--{boundary}--\r\n".encode("ascii")
    if subtype == "mixed":  # fits on its line
        first = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n'
    else:  # folded where email.policy.SMTP folds it
        first = f'Content-Type: multipart/{subtype};\r\n boundary="{boundary}"\r\n'
    return (first + "MIME-Version: 1.0\r\n").encode("ascii"), body


def _plain_attachment(file):
    return (isinstance(file.data, bytes) and not file.headers and file.filename
            and file.content_type.count("/") == 1
            and not current_app.extensions["mail"].ascii_attachments)


def _attachment(file):
    """An attachment, in base64 lines of 76 characters (``email.encoders.encode_base64``)."""
    if file.filename.isascii():
        disposition = f'{file.disposition}; filename="{quote(file.filename)}"'
    else:
        disposition = f"{file.disposition}; filename*={encode_rfc2231(file.filename, 'UTF8')}"
    first = (header("Content-Type", file.content_type)
             + b"MIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n"
             + header("Content-Disposition", disposition))
    return first, encodebytes(file.data).replace(b"\n", b"\r\n")
