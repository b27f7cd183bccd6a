"""The status check without a password: a link that opens one ticket for STATUS_LINK_HOURS,
e-mailed to the ticket's requester when they give its number and their address.

The link is signed (its own salt: no other token of the app is one) and names the ticket
and a nonce kept in ``TicketLink``: a ticket has one live link, so asking again, or
``revoke``, makes every earlier link stop working. It expires STATUS_LINK_HOURS after it
was made (the time kept beside the nonce). Whoever holds it acts as the requester on that
ticket only: reads the public thread and its files, replies, confirms or disputes.
"""
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from peewee import fn

from . import notifications
from .db import atomic
from .models import HelpTopic, Ticket, TicketLink, User, utcnow

SALT = "helpdesk-ticket-status-link"


class LinkRefused(Exception):
    """The link does not open a ticket; the message says why, for its holder."""


def request_link(number, email, now=None):
    """The status check: when ``number`` is a ticket whose requester's address is
    ``email``, its new link is e-mailed to them; otherwise the same e-mail is made and
    dropped, so that both take about as long (a deactivated account gets nothing).
    Returns nothing that tells them apart."""
    now = now or utcnow()
    digits = re.sub(r"\D", "", number or "")
    address = (email or "").strip().lower()
    with atomic():
        ticket = (Ticket.select(Ticket, User).join(User, on=(Ticket.requester == User.id))
                  .where(Ticket.number == int(digits[:9] or 0),
                         fn.LOWER(User.email) == address, User.active).first())
        if ticket is None:  # a stand-in, never saved nor sent
            stand_in = Ticket(number=int(digits[:9] or 0), subject="")
            notifications.status_link(stand_in, User(email=address), _url(0, "-"),
                                      send=False)
            return
        notifications.status_link(ticket, ticket.requester, _url(ticket.id, _renew(ticket, now)))


def ticket_for(token, now=None):
    """The ticket a link opens (with its help topic), or LinkRefused. A deactivated
    account's links stop working with it."""
    now = now or utcnow()
    try:
        ticket_id, nonce = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        raise LinkRefused(_l("This link is not valid. Please check that you copied the "
                             "whole link from the e-mail, or ask for a new one."))
    link = (TicketLink.select(TicketLink, Ticket, User).join(Ticket)
            .join(User, on=(Ticket.requester == User.id))
            .where(TicketLink.ticket == ticket_id).first())
    if (link is None or link.nonce is None or not isinstance(nonce, str)
            or not hmac.compare_digest(link.nonce, nonce) or not link.ticket.requester.active):
        raise LinkRefused(_l("This link no longer works: a newer link was sent for this "
                             "ticket, or it was withdrawn. Please ask for a new one."))
    if link.issued_at + timedelta(hours=current_app.config["STATUS_LINK_HOURS"]) <= now:
        raise LinkRefused(_l("This link has expired. Please ask for a new one."))
    return Ticket.select(Ticket, HelpTopic).join(HelpTopic).where(Ticket.id == ticket_id).get()


def revoke(ticket):
    """Make every link of the ticket stop working; returns whether one was live."""
    return bool(TicketLink.update(nonce=None).where(TicketLink.ticket == ticket.id,
                                                     TicketLink.nonce.is_null(False))
                .execute())


def _renew(ticket, now):
    nonce = secrets.token_urlsafe(24)
    (TicketLink.insert(ticket=ticket.id, nonce=nonce, issued_at=now)
     .on_conflict(conflict_target=[TicketLink.ticket],
                  update={TicketLink.nonce: nonce, TicketLink.issued_at: now})
     .execute())
    return nonce


def _url(ticket_id, nonce):
    return notifications.absolute_url("status.ticket",
                                      token=_serializer().dumps([ticket_id, nonce]))


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)
