"""What becomes of a readable message: a reply on its requester's ticket, a new ticket,
or a refusal with a polite automatic answer; machine mail is recorded and left alone.
Runs inside the intake's transaction; every ticket change is a lifecycle call."""
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext as _
from peewee import fn

from .. import lifecycle, notifications, reply_addresses
from ..models import HelpTopic, TicketStatus, User
from ..intake_models import InboundMail
from . import accounts, files, quotes
from .outcome import Outcome
from .reasons import dumps, reason


def route(incoming, row, now):
    """Decide and act; sets the row's outcome (the caller saves it)."""
    if incoming.automatic or reply_addresses.is_own_address(incoming.sender):
        return _done(row, "ignored", None, [incoming.automatic or reason("own_address")])
    user = User.select().where(fn.LOWER(User.email) == incoming.sender).first()
    if user is not None and not user.active:  # as at sign-in: nothing, no answer
        return _done(row, "refused", None, [reason("deactivated")])
    ticket = _ticket_answered(incoming)
    if ticket is not None and user is not None and user.id == ticket.requester_id:
        return _reply(incoming, row, user, ticket, now)
    why = [reason("not_requester", number=ticket.number)] if ticket is not None else []
    if user is not None and user.is_staff:
        return _refuse(incoming, row, user, "staff", why + [reason("staff")])
    if user is not None and user.confirmed_at:
        return _new_ticket(incoming, row, user, now, why)
    if user is None and current_app.config["INTAKE_UNKNOWN_SENDERS"] == "open":
        user = accounts.account_for(incoming.sender, incoming.sender_name)
        outcome = _new_ticket(incoming, row, user, now, why + [reason("new_account")])
        notifications.intake_welcome(user, outcome.ticket)
        return outcome
    return _refuse(incoming, row, user, "unknown", why + [reason("no_account")])


def _ticket_answered(incoming):
    """The signed reply address first, then our thread headers, then the subject."""
    return (reply_addresses.ticket_of_token(incoming.recipients)
            or reply_addresses.ticket_of_thread(incoming.references, notifications.mail_domain())
            or reply_addresses.ticket_of_subject(incoming.subject))


def _reply(incoming, row, user, ticket, now):
    if ticket.status == TicketStatus.CLOSED:
        return _refuse(incoming, row, user, "closed", [reason("closed", number=ticket.number)],
                       ticket=ticket)
    accepted, refused = files.checked_files(incoming.parts)
    with force_locale(_locale_of(user)):
        message = _message(incoming, accepted)
    try:
        entry = lifecycle.reply(ticket, by=user, message=message, files=accepted, now=now)
    except lifecycle.InvalidTransition:  # closed meanwhile
        return _refuse(incoming, row, user, "closed", [reason("closed", number=ticket.number)],
                       ticket=ticket)
    row.entry = entry
    _answer_refused_files(incoming, row, user, ticket, refused)
    return _done(row, "reply", ticket, refused)


def _new_ticket(incoming, row, user, now, why=()):
    topic = HelpTopic.get_or_none(HelpTopic.name == current_app.config["INTAKE_DEFAULT_TOPIC"],
                                  HelpTopic.active == True)  # noqa: E712 (SQL)
    if topic is None:
        raise LookupError("INTAKE_DEFAULT_TOPIC names no active help topic")
    accepted, refused = files.checked_files(incoming.parts)
    with force_locale(_locale_of(user)):
        subject = incoming.subject or _("(no subject)")
        message = _message(incoming, accepted)
    ticket = lifecycle.open_ticket(by=user, topic=topic, subject=subject[:200],
                                   message=message, files=accepted, now=now)
    row.entry = ticket.entries.get()
    _answer_refused_files(incoming, row, user, ticket, refused)
    return _done(row, "new_ticket", ticket, [*why, *refused])


def _message(incoming, accepted):
    """The new text of the message, within the form's length; a placeholder when the
    sender wrote nothing (only files, say)."""
    text = quotes.new_text(incoming.text)
    limit = current_app.config["MESSAGE_MAX_LENGTH"]
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text or (_("(only attachments)") if accepted else _("(no text)"))


def _refuse(incoming, row, user, answer_kind, reasons, ticket=None):
    _answer(incoming, row, user, answer_kind, ticket=ticket)
    return _done(row, "refused", ticket, reasons)


def _answer_refused_files(incoming, row, user, ticket, refused):
    if refused:
        _answer(incoming, row, user, "files", ticket=ticket, refused=refused)


def _answer(incoming, row, user, kind, **context):
    """An automatic answer to the sender, unless they had their fill this hour or the
    sender checks failed (the From address is then likely someone else's, who must not
    receive our answers: backscatter)."""
    if row.authentication_failed:
        return
    since = row.received_at - timedelta(hours=1)
    answered = (InboundMail.select()
                .where(InboundMail.sender == incoming.sender, InboundMail.answered,
                       InboundMail.received_at > since).count())
    if answered >= current_app.config["INTAKE_ANSWERS_PER_HOUR"]:
        return
    notifications.intake_answer(incoming.sender, user=user, kind=kind,
                                subject=incoming.subject, message_id=incoming.message_id,
                                **context)
    row.answered = True


def _done(row, kind, ticket, reasons=()):
    row.outcome, row.ticket, row.reason = kind, ticket, dumps(reasons)
    return Outcome(kind, ticket=ticket, reasons=list(reasons), record=row)


def _locale_of(user):
    return getattr(user, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]

