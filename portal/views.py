"""The public portal: home, my tickets, open a ticket, follow and answer it, download files.

Each view loads through a scoped query, validates a form, makes one lifecycle call and
redirects. Another user's ticket or file is a 404, never a 403, so numbers leak nothing.
"""
from flask import (Blueprint, abort, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import login_required

from helpdesk import display, lifecycle, queries, search_query
from helpdesk.models import Ticket

from . import ticket_page
from .kept_markup import kept
from .downloads import send_attachment
from .fields import form_attachments, form_field, form_message, widget
from .forms import BlankTicketForm, TicketForm, upload_limits

portal = Blueprint("portal", __name__)
PAGE_SIZE = 20


@portal.route("/")
def home():
    return render_template("portal/home.html", topics=queries.active_topics())


@portal.route("/start")
@login_required
def start():
    """Where sign-in leads: staff to the desk, citizens to their tickets."""
    return redirect(url_for("admin.index" if current_user.is_staff else "portal.tickets"))


@portal.route("/tickets/")
@login_required
def tickets():
    term = request.args.get("q", "").strip()
    query, found = queries.tickets_of(current_user), None
    page = max(1, _int_arg("page", 1))
    if term:  # only their tickets, and only the entries they see; the best first
        mine = Ticket.select(Ticket.id).where(Ticket.requester == current_user)
        query, found = search_query.narrowed(query, term, public_only=True, within=mine,
                                             page_end=page * PAGE_SIZE)
        if found is not None:
            query = query.order_by(*found.order())
    total = query.count()
    rows = list(query.paginate(page, PAGE_SIZE))
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("portal/tickets.html", tickets=rows, page=page, term=term,
                           pages=pages, pager=pager(page, pages), total=total,
                           snippets=search_query.snippets(found, [t.id for t in rows]))


def pager(page, pages, around=2):
    """The page numbers the pager links: the first, the last and ``around`` either side
    of the current one, with None where pages are left out (so the pager stays the same
    size however many tickets there are)."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    links, previous = [], 0
    for number in shown:
        if number - previous == 2:
            links.append(previous + 1)
        elif number - previous > 2:
            links.append(None)
        links.append(number)
        previous = number
    return links


@portal.route("/tickets/new", methods=("GET", "POST"))
@login_required
def new_ticket():
    topics = list(queries.active_topics())
    form = TicketForm(topics) if request.method == "POST" else BlankTicketForm(topics)
    if form.is_submitted() and form.validate():
        try:
            ticket = lifecycle.open_ticket(
                by=current_user, topic=form.chosen_topic, subject=form.subject.data,
                message=form.message.data, files=form.attachments.checked,
                submission_key=form.sent_key)
        except lifecycle.NotAllowed as exc:
            form.topic.errors.append(str(exc))
        except lifecycle.AlreadyOpened as exc:
            flash(_("Ticket %(number)s had already been received; it was not sent twice.",
                    number=exc.ticket.display_number), "info")
            return redirect(url_for(".ticket", number=exc.ticket.number))
        else:
            return redirect(url_for(".ticket", number=ticket.number, created=1))
    return render_template("portal/new_ticket.html", form=form, limits=upload_limits())


@portal.route("/tickets/<int:number>", methods=("GET", "POST"))
@login_required
def ticket(number):
    return ticket_page.show(_own_ticket(number), by=current_user,
                            ticket_url=ticket_page.urls_for("portal", number=number))


@portal.route("/tickets/<int:number>/<any(confirm, unsolved, close):action>",
              methods=("POST",))
@login_required
def answer(number, action):
    return ticket_page.answer(_own_ticket(number), action, by=current_user,
                              ticket_url=ticket_page.urls_for("portal", number=number))


@portal.route("/tickets/<int:number>/files/<int:attachment_id>")
@login_required
def attachment(number, attachment_id):
    found = queries.attachment_for(current_user, attachment_id)
    if found is None or found.ticket.number != number:
        abort(404)
    return send_attachment(found)


@portal.app_template_filter("status_change")
def status_change(event):
    """A status change as the requester reads it, with the helpdesk's comment."""
    sentence = {
        "resolved": _("The helpdesk marked this ticket resolved."),
        "closed": _("The helpdesk closed this ticket."),
        "reopened": {"reply": _("Your reply reopened this ticket."),
                     "not_solved": _("You said the problem is not solved; the ticket was "
                                     "reopened.")}.get(event.data.get("reason"),
                                                       _("The helpdesk reopened this ticket.")),
        "awaiting": _("The helpdesk is waiting for your reply."),
        "resumed": _("Your reply reached the helpdesk; the ticket is open again."),
        "confirmed": _("You confirmed the problem is solved; the ticket was closed."),
        "withdrawn": _("You closed this ticket."),
        "auto_closed": _("The ticket was closed automatically by the system: there was no "
                         "answer within %(days)s day(s) of its resolution.",
                         days=event.data.get("days", "?")),
    }.get(event.kind, "")
    comment = event.data.get("comment")
    return f"{sentence} {comment}" if comment else sentence


portal.add_app_template_filter(display.when, "when")
portal.add_app_template_global(display.clock, "clock")  # ``when`` for a page of many times
portal.add_app_template_filter(display.file_size, "file_size")
for helper in (form_field, form_message, form_attachments):
    portal.add_app_template_global(helper)
portal.add_app_template_global(widget, "form_widget")  # a field alone (a CSRF token)
portal.add_app_template_global(kept)


def _own_ticket(number):
    ticket = queries.own_ticket(current_user, number)
    if ticket is None:
        abort(404)
    return ticket


def _int_arg(name, default):
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default
