"""Who is told of what: renders templates/email/* into outbox rows.

Called from inside the lifecycle's transaction, so a mail exists only if the change
that caused it was committed. Delivery is ``mailer``'s job.
"""
import json
from functools import lru_cache
from email.utils import make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, url_for
from flask_babel import force_locale, format_date, format_timedelta, gettext as _
from flask_babel import lazy_gettext as _l
from flask_security.recoverable import generate_reset_link

from . import kept_mail, prepared, queries, reply_addresses
from .display import clock, when
from .models import OutboxAttachment, OutboxMail, User
from .outbox_models import recipient_of
from .spreadsheet import XLSX_MIMETYPE


def ticket_opened(ticket, entry, with_files=True):
    """The requester's receipt (number, deadline, link) and an alert to the department
    (``with_files=False``: the entry has no attachments, so they are not read)."""
    requester = ticket.requester
    with force_locale(_locale_of(requester)):
        subject = _("[#%(number)s] We received your ticket: %(subject)s",
                    number=ticket.number, subject=ticket.subject)
        receipt = _outbox_row(requester.email, subject, *_receipt_bodies(ticket, requester),
                              kind="ticket_opened_requester",
                              headers=_requester_headers(ticket, first=True))
    _alert_staff(queries.agents_in(ticket.department_id), ticket, "ticket_opened_staff",
                 lambda: _("New ticket for %(department)s", department=ticket.department.name),
                 message=entry.body, attachments=entry.attachments if with_files else (),
                 queued_with=[receipt])


def responded(ticket, entry, new_status=None):
    """Post Reply: the answer goes to the requester, with the link to follow the ticket."""
    requester = ticket.requester
    with force_locale(_locale_of(requester)):
        subject = _("[#%(number)s] Reply to your ticket: %(subject)s",
                    number=ticket.number, subject=ticket.subject)
        _queue_template("ticket_response_requester", requester.email, subject,
                        headers=_requester_headers(ticket), ticket=ticket, user=requester,
                        entry=entry, attachments=list(entry.attachments), sender=entry.author,
                        new_status=new_status, link=ticket_link(ticket))


def status_changed(ticket, comment=""):
    """The requester learns that the ticket was resolved, closed or reopened."""
    requester = ticket.requester
    with force_locale(_locale_of(requester)):
        subject = _("[#%(number)s] Your ticket is now %(status)s: %(subject)s",
                    number=ticket.number, status=ticket.requester_status_label,
                    subject=ticket.subject)
        _queue_template("ticket_status_requester", requester.email, subject,
                        headers=_requester_headers(ticket), ticket=ticket, user=requester,
                        comment=comment, link=ticket_link(ticket))


def survey_invited(ticket, invitation, token):
    """A closed ticket: the requester is asked to rate the service (SKM), in their language,
    with the single-use link and until when it works."""
    requester = ticket.requester
    locale = _locale_of(requester)
    with force_locale(locale):
        subject = _("[#%(number)s] How was our service? A short survey",
                    number=ticket.number)
        _queue_template("survey_invitation_requester", requester.email, subject,
                        headers=_thread_headers(ticket), ticket=ticket, user=requester,
                        link=absolute_url("survey.answer", token=token, lang=locale),
                        until=when(invitation.expires_at))


def status_link(ticket, requester, link, send=True):
    """The status check's link, to the ticket's requester (``send=False``: the same mail
    is made and dropped, for an answer that takes as long when nothing matched)."""
    with force_locale(_locale_of(requester)):
        subject = _("[#%(number)s] Your link to follow the ticket", number=ticket.number)
        context = dict(ticket=ticket, user=requester, link=link,
                       hours=current_app.config["STATUS_LINK_HOURS"])
        if not send:
            kept_mail.render("ticket_link_requester", context)
            return
        _queue_template("ticket_link_requester", requester.email, subject,
                        headers=_requester_headers(ticket), **context)


def requester_replied(ticket, entry, reopened=False, resumed=False):
    """The requester wrote: the assignee is told, or the department when nobody has it."""
    _alert_staff(_handlers(ticket), ticket, "ticket_message_staff",
                 (lambda: _("The requester replied and the ticket was reopened"))
                 if reopened else (lambda: _("The requester replied: the ticket is open "
                                             "again")) if resumed
                 else (lambda: _("The requester replied")),
                 message=entry.body, attachments=entry.attachments)


def reported_unsolved(ticket, entry):
    """"No, it isn't": the assignee is told, or the department when nobody has it."""
    _alert_staff(_handlers(ticket), ticket, "ticket_message_staff",
                 lambda: _("The requester says the problem is not solved; the ticket was "
                           "reopened"), message=entry.body)


def closed_by_requester(ticket, *, confirmed, comment=""):
    """The requester confirmed the resolution (its assignee is told) or closed the open
    ticket (whoever handles it is told, with the comment)."""
    if confirmed:
        _alert_staff([ticket.assignee] if ticket.assignee_id else [], ticket,
                     "ticket_closed_staff",
                     lambda: _("The requester confirmed the problem is solved; the ticket "
                               "is closed"))
    else:
        _alert_staff(_handlers(ticket), ticket, "ticket_closed_staff",
                     lambda: _("The requester closed the ticket"), message=comment or None)


def closed_automatically(ticket, days):
    """The requester learns that the resolution they left unanswered closed the ticket."""
    status_changed(ticket, comment=_l(
        "We closed this ticket automatically: we had no answer within %(days)d day(s) of "
        "its resolution.", days=days))


def noted(ticket, entry):
    """An internal note by someone else reaches the assignee (staff only)."""
    if ticket.assignee_id and ticket.assignee_id != entry.author_id:
        _alert_staff([ticket.assignee], ticket, "ticket_note_staff",
                     lambda: _("Internal note by %(name)s", name=str(entry.author)),
                     message=entry.body, attachments=entry.attachments)


def transferred(ticket, *, by, source, comment):
    """The agents of the new department are alerted, with the reason."""
    _alert_staff(queries.agents_in(ticket.department_id), ticket, "ticket_transferred_staff",
                 lambda: _("Transferred from %(source)s to %(target)s by %(name)s",
                           source=source, target=ticket.department.name, name=str(by)),
                 message=comment, exclude=by)


def assigned(ticket, *, to, by):
    _alert_staff([to], ticket, "ticket_assigned_staff",
                 lambda: _("Assigned to you by %(name)s", name=str(by)), exclude=by)


def overdue(ticket):
    """Past due: the assignee is told, or the department when nobody has it."""
    _alert_staff(_handlers(ticket), ticket, "ticket_overdue_staff",
                 lambda: _("Overdue: the answer was due by %(due)s",
                           due=when(ticket.due_at)))


def response_overdue(ticket):
    """The first response is late: the assignee is told, or the department when nobody
    has it."""
    _alert_staff(_handlers(ticket), ticket, "ticket_response_overdue_staff",
                 lambda: _("First response overdue: it was due by %(due)s",
                           due=when(ticket.first_response_due_at)))


def report_made(recipient, *, workbook, filename, board, made_by, made_at):
    """``flask report --mail``: the dashboard's workbook, with who asked for it and the
    period, in the recipient's language when the address is a user's."""
    user = User.get_or_none(User.email == recipient)
    with force_locale(_locale_of(user)):
        first, last = (format_date(day, "d MMM y") for day in
                       (board.period.first, board.period.last))
        subject = _("Helpdesk report %(first)s – %(last)s", first=first, last=last)
        _queue_template("report_made_staff", recipient, subject,
                        files=[(filename, XLSX_MIMETYPE, workbook)], addressee=user or recipient,
                        first=first, last=last, made_by=made_by,
                        made_at=when(made_at),
                        topic=board.topic_name or _("All help topics"),
                        department=board.department_name or _("All departments"))


def staff_welcome(user):
    """A new staff account: the link to choose a first password (not the reset mail, which
    would ask to reset a password the person never had)."""
    link, _token = generate_reset_link(user)
    with force_locale(_locale_of(user)):
        within = format_timedelta(current_app.config["SECURITY_RESET_PASSWORD_WITHIN"])
        _queue_template("staff_welcome_staff", user.email,
                        _("Your account on the Pusdatin Kesos Helpdesk"), user=user, link=link,
                        within=within)


INTAKE_SUBJECTS = {
    "closed": lambda ticket, subject: _("[#%(number)s] Your ticket is closed: %(subject)s",
                                        number=ticket.number, subject=ticket.subject),
    "files": lambda ticket, subject: _("[#%(number)s] Some of your attachments were not "
                                       "accepted", number=ticket.number),
    "unknown": lambda ticket, subject: _("Your e-mail to the helpdesk: please register first"),
    "staff": lambda ticket, subject: _("Your e-mail to the helpdesk was not added to a ticket"),
}


def intake_answer(recipient, *, user, kind, subject, message_id, ticket=None, refused=()):
    """The automatic answer to a message taken in by mail (``helpdesk.intake``): a closed
    ticket, files refused, an address with no confirmed account, a staff member. Marked
    Auto-Submitted, so that a well-behaved autoresponder does not answer it."""
    headers = {"Auto-Submitted": "auto-replied"}
    if message_id:
        headers.update({"In-Reply-To": message_id, "References": message_id})
    with force_locale(_locale_of(user)):
        links = {"link": ticket_link(ticket) if ticket else None,
                 "new_link": absolute_url("portal.new_ticket"),
                 "register_link": absolute_url("security.register"),
                 "desk_link": staff_link(ticket) if ticket and user and user.is_staff else None}
        _queue_template("intake_answer_sender", recipient,
                        INTAKE_SUBJECTS[kind](ticket, subject), headers=headers,
                        kind=f"intake_{kind}", addressee=user or recipient, reason=kind,
                        ticket=ticket, their_subject=subject, refused=list(refused), **links)


def intake_welcome(user, ticket):
    """A ticket opened by mail on a new account: the link to choose a password and follow
    the ticket online."""
    link, _token = generate_reset_link(user)
    with force_locale(_locale_of(user)):
        within = format_timedelta(current_app.config["SECURITY_RESET_PASSWORD_WITHIN"])
        _queue_template("intake_welcome_requester", user.email,
                        _("[#%(number)s] Your account on the Pusdatin Kesos Helpdesk",
                          number=ticket.number),
                        headers={"Auto-Submitted": "auto-replied"}, user=user, ticket=ticket,
                        link=link, within=within)


def _alert_staff(recipients, ticket, kind, headline, message=None, attachments=(),
                 exclude=None, queued_with=()):
    """One alert per language of the staff members told, each a Bcc of it: a department
    of forty agents gets one message (one SMTP transaction), not forty, and no agent sees
    another's address. Alone in their language, a staff member is greeted by name; several
    are greeted as the department's agents (every alert to several people goes to the
    ticket's department). The alerts are queued in one statement (with the outbox rows
    ``queued_with``)."""
    by_locale = {}
    for user in recipients:
        if exclude is None or user.id != exclude.id:
            by_locale.setdefault(_locale_of(user), []).append(user)
    files = list(attachments)
    rows = list(queued_with)
    for locale, users in by_locale.items():
        with force_locale(locale):
            text = str(headline())
            greeted = users[0] if len(users) == 1 else _(
                "agents of %(department)s", department=ticket.department.name)
            body, html = _alert_bodies(ticket, greeted, text, message, files)
        rows.append(_outbox_row(recipient_of(user.email for user in users),
                                f"[#{ticket.number}] {text}: {ticket.subject}", body, html,
                                kind=kind, headers=_thread_headers(ticket)))
    if rows:
        prepared.insert_many(OutboxMail, rows)


def _receipt_bodies(ticket, requester):
    """The new ticket's receipt, from the bodies kept for its language (``kept_mail``)."""
    read = clock()  # the zone and the language's months, looked up once for both times
    return kept_mail.bodies("ticket_opened_requester", dict(
        addressee=str(requester), number=ticket.number, subject=ticket.subject,
        topic=ticket.topic.name, due=read(ticket.due_at),
        answer_due=read(ticket.answer_due_at), link=ticket_link(ticket)),
        key=_intake_on())


def _alert_bodies(ticket, addressee, headline, message, files):
    """A staff alert, from the bodies kept for its language and what it branches on
    (``kept_mail``); with attached files, rendered whole."""
    shown = dict(addressee=str(addressee), number=ticket.number, headline=headline,
                 subject=ticket.subject, requester=str(ticket.requester),
                 requester_email=ticket.requester.email, topic=ticket.topic.name,
                 department=ticket.department.name, status_label=ticket.status_label,
                 status_lower=str(ticket.status_label).lower(), due=when(ticket.due_at),
                 message=message, link=staff_link(ticket))
    if files:
        return kept_mail.render("ticket_alert_staff", dict(
            shown, status=ticket.status, attachments=files))
    return kept_mail.bodies("ticket_alert_staff", shown, dict(status=ticket.status))


def _intake_on():
    """What the citizens' mail templates read of the settings (``_citizen_note.txt``)."""
    return bool(current_app.config.get("INTAKE_ADDRESS"))


def _handlers(ticket):
    """Who handles the ticket: its assignee, or its department's agents when nobody has it."""
    return [ticket.assignee] if ticket.assignee_id else queries.agents_in(ticket.department_id)


def staff_link(ticket):
    return absolute_url("ticket.details_view", id=ticket.id)


def queue_rendered(recipient, subject, body, html=None, kind="", headers=None, files=()):
    """Queue an already rendered message (Flask-Security's account mails); ``files`` are
    attachments: (file name, content type, bytes)."""
    row = OutboxMail.create(**_outbox_row(recipient, subject, body, html, kind, headers))
    for filename, content_type, data in files:
        OutboxAttachment.create(mail=row, filename=filename, content_type=content_type,
                                data=data)
    return row


def _outbox_row(recipient, subject, body, html=None, kind="", headers=None):
    """The outbox columns of a rendered message, with its own Message-ID."""
    headers = dict(headers or {})
    headers.setdefault("Message-ID", make_msgid(domain=mail_domain()))
    g.mail_queued = True  # the mailer sends once the request is over
    return dict(recipient=recipient, subject=subject, body_text=body or "", body_html=html,
                kind=kind, headers=json.dumps(headers))


def ticket_link(ticket):
    return absolute_url("portal.ticket", number=ticket.number)


def absolute_url(endpoint, **values):
    """A link for an e-mail: from PUBLIC_URL when configured (every URL the app builds is
    bound to it), else from the current request, else from the first request's address."""
    if current_app.config["PUBLIC_URL"] or has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("SEEN_URL_ROOT")  # the SLA watch's thread, no PUBLIC_URL
    if not base:
        raise RuntimeError("Set FLASK_PUBLIC_URL (the site's address) so that e-mails "
                           "made outside a request can link to it")
    parts = urlsplit(base)  # no request context is pushed: its teardown would close the database
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def mail_domain():
    return _domain_of(current_app.config["MAIL_DEFAULT_SENDER"])


@lru_cache(maxsize=8)
def _domain_of(sender):
    """The domain of the sender's address (parsed once: a new ticket's mails ask seven
    times)."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def _queue_template(name, recipient, subject, headers=None, kind=None, files=(), **context):
    body, html = kept_mail.render(name, context)
    return queue_rendered(recipient, subject, body, html, kind=kind or name, headers=headers,
                          files=files)


def _thread_headers(ticket, first=False):
    """Headers that make mail clients group every message of one ticket together."""
    root = f"<ticket-{ticket.number}@{mail_domain()}>"
    if first:
        return {"Message-ID": root}
    return {"In-Reply-To": root, "References": root}


def _requester_headers(ticket, first=False):
    """The thread headers, and the ticket's signed reply address when mail intake is on
    (``helpdesk.intake``): the requester answers by pressing Reply."""
    headers = _thread_headers(ticket, first)
    # the message's own id names the ticket too: a reply that has only In-Reply-To
    # (no References) still finds it
    headers.setdefault("Message-ID", make_msgid(idstring=f"ticket-{ticket.number}",
                                                domain=mail_domain()))
    address = reply_addresses.reply_address(ticket)
    if address:
        headers["Reply-To"] = address
    return headers


def _locale_of(user):
    return getattr(user, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
