"""Why the intake did what it did with a message, kept as codes with their parameters
(JSON in ``InboundMail.reason``) and put into words only when read: the administrator's
page in the page's language, the CLI in the CLI's. Rows written before the codes hold
English text, shown as it is."""
import json

from flask_babel import gettext as _

OUTCOME_WORDS = {
    "reply": lambda: _("reply"), "new_ticket": lambda: _("new ticket"),
    "refused": lambda: _("refused"), "ignored": lambda: _("ignored"),
    "quarantined": lambda: _("quarantined"),
}

WORDS = {
    "too_large": lambda p: _("too large: %(size)s bytes (at most %(limit)s)", **p),
    "malformed": lambda p: _("unreadable as an e-mail: %(error)s", **p),
    "no_headers": lambda p: _("unreadable as an e-mail: no headers"),
    "no_sender": lambda p: _("unreadable as an e-mail: no sender address in From"),
    "fault": lambda p: _("could not be processed: %(error)s", **p),
    "duplicate": lambda p: _("already taken in (%(outcome)s)",
                             outcome=OUTCOME_WORDS.get(p["outcome"], lambda: p["outcome"])()),
    "own_address": lambda p: _("sent from the helpdesk's own address"),
    "auto_submitted": lambda p: _("automatic message (%(header)s: %(value)s)",
                                  header="Auto-Submitted", **p),
    "bulk": lambda p: _("bulk mail (%(header)s: %(value)s)", header="Precedence", **p),
    "mailing_list": lambda p: _("mailing list"),
    "auto_reply": lambda p: _("automatic reply (%(header)s)", **p),
    "bounce": lambda p: _("undeliverable mail notice"),
    "delivery_report": lambda p: _("delivery report"),
    "deactivated": lambda p: _("account deactivated"),
    "not_requester": lambda p: _("not the requester of #%(number)s", **p),
    "staff": lambda p: _("staff answer in the desk"),
    "no_account": lambda p: _("no confirmed account"),
    "new_account": lambda p: _("new account"),
    "closed": lambda p: _("#%(number)s is closed", **p),
    # an upload check's own message (helpdesk.uploads), by its msgid and parameters
    "file": lambda p: _(p["text"], **p["params"]),
}


class Reason(dict):
    """One reason: ``{"code": ..., **parameters}``; in words in the current language."""

    def __str__(self):
        words = WORDS.get(self.get("code"))
        if words is None:
            return self.get("text", "")
        params = {k: v for k, v in self.items() if k != "code"}
        try:
            return words(params)
        except (KeyError, TypeError, ValueError):  # parameters of an older shape
            return str(self["code"])


def reason(code, **params):
    return Reason(code=code, **params)


def file_refused(message):
    """A file the upload checks refused: their lazily translated message, kept as its
    msgid and parameters so that it can be read in another language later."""
    args, params = getattr(message, "_args", None), getattr(message, "_kwargs", None)
    if args and isinstance(args[0], str) and isinstance(params, dict):
        return reason("file", text=args[0], params={k: str(v) for k, v in params.items()})
    return Reason(text=str(message))


def dumps(reasons):
    """For the database: "" when there is none."""
    return json.dumps(list(reasons), ensure_ascii=False) if reasons else ""


def loads(stored):
    """The stored reasons; an older row's English text as one reason without a code."""
    if not stored:
        return []
    if stored.startswith("["):
        try:
            return [Reason(r) for r in json.loads(stored) if isinstance(r, dict)]
        except ValueError:
            pass
    return [Reason(text=stored)]


def words(reasons):
    """The reasons in the current language, one line."""
    return "; ".join(filter(None, map(str, reasons)))
