"""Who is told of what: renders templates/email/* into outbox rows.

Called from inside the lifecycle's transaction, so a mail exists only if the change
that caused it was committed. Delivery is ``mailer``'s job.
"""
import json
from email.utils import make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, render_template, url_for
from flask_babel import force_locale, gettext as _

from .models import OutboxMail


def ticket_opened(ticket):
    """The requester's receipt: the number, the deadline and the link to follow it."""
    requester = ticket.requester
    with force_locale(_locale_of(requester)):
        subject = _("[#%(number)s] Ticket received: %(subject)s",
                    number=ticket.number, subject=ticket.subject)
        _queue_template("ticket_opened_requester", requester.email, subject,
                        headers=_thread_headers(ticket, first=True),
                        ticket=ticket, user=requester, link=ticket_link(ticket))


def queue_rendered(recipient, subject, body, html=None, kind="", headers=None):
    """Queue an already rendered message (Flask-Security's account mails)."""
    headers = dict(headers or {})
    headers.setdefault("Message-ID", make_msgid(domain=mail_domain()))
    g.mail_queued = True  # the mailer sends once the request is over
    return OutboxMail.create(recipient=recipient, subject=subject, body_text=body or "",
                             body_html=html, kind=kind, headers=json.dumps(headers))


def ticket_link(ticket):
    return absolute_url("portal.ticket", number=ticket.number)


def absolute_url(endpoint, **values):
    """A link for an e-mail: PUBLIC_URL when configured, else the current request's host."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if base:  # no request context is pushed: its teardown would close the database
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                           url_scheme=parts.scheme)
        return adapter.build(endpoint, values, force_external=True)
    if not has_request_context():
        raise RuntimeError("PUBLIC_URL must be set to build e-mail links outside a request")
    return url_for(endpoint, _external=True, **values)


def mail_domain():
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"


def _queue_template(name, recipient, subject, headers=None, **context):
    body = render_template(f"email/{name}.txt", **context)
    html = render_template(f"email/{name}.html", **context)
    return queue_rendered(recipient, subject, body, html, kind=name, headers=headers)


def _thread_headers(ticket, first=False):
    """Headers that make mail clients group every message of one ticket together."""
    root = f"<ticket-{ticket.number}@{mail_domain()}>"
    if first:
        return {"Message-ID": root}
    return {"In-Reply-To": root, "References": root}


def _locale_of(user):
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
