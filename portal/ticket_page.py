"""A requester's ticket page and their answers on it, the same whether they are signed in
(``portal.ticket``) or came through a status link (``status.ticket``): the page, the
reply, "Yes, close it", "No, it isn't" with a message, and closing an open ticket."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from helpdesk import lifecycle, queries, survey
from helpdesk.db import utcnow

from .forms import ANSWER_FORMS, AnswerForms, Blank, ReplyForm, upload_limits

# what each page's links are called in both blueprints
ENDPOINTS = {"page": "ticket", "answer": "answer", "file": "attachment"}
DONE = {
    "confirm": lambda n: _("Thank you for confirming: ticket %(number)s is closed.", number=n),
    "unsolved": lambda n: _("Ticket %(number)s is reopened; the helpdesk has your message.",
                            number=n),
    "close": lambda n: _("Ticket %(number)s is closed.", number=n),
}


def urls_for(blueprint, **values):
    """``url(kind, **more)`` for the links of a ticket page: its own address, its answer
    forms and its files, in ``blueprint`` (with the ticket's number, or the link's
    token, in ``values``)."""
    return lambda kind, **more: url_for(f"{blueprint}.{ENDPOINTS[kind]}", **values, **more)


def show(ticket, *, by, ticket_url, linked=False):
    """The ticket page with its reply form; a valid reply is added as ``by``."""
    form = ReplyForm() if request.method == "POST" else Blank(ReplyForm, formdata=None)
    if form.is_submitted() and form.validate():
        try:
            lifecycle.reply(ticket, by=by, message=form.message.data,
                            files=form.attachments.checked)
        except (lifecycle.NotAllowed, lifecycle.InvalidTransition) as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Your reply has been added to ticket %(number)s.",
                    number=ticket.display_number), "success")
            return redirect(ticket_url("page", _anchor="latest"))
    entries = list(queries.public_thread(ticket))
    history = queries.in_time_order(entries, queries.history(ticket, public=True))
    invitation = survey.pending_invitation(ticket, utcnow())
    return render_template("portal/ticket.html", ticket=ticket, history=history, form=form,
                           answers=AnswerForms(), ticket_url=ticket_url, linked=linked,
                           files=queries.attachments_by_entry(entries), limits=upload_limits(),
                           survey_token=invitation and survey.token_for(invitation))


def answer(ticket, action, *, by, ticket_url):
    """One of the answers (``ANSWER_FORMS``), then back to the page with what happened."""
    form = ANSWER_FORMS[action](prefix=action)
    back = redirect(ticket_url("page", _anchor="latest"))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return back
    try:
        if action == "confirm":
            lifecycle.confirm(ticket, by=by)
        elif action == "unsolved":
            lifecycle.report_unsolved(ticket, by=by, message=form.message.data)
        else:
            lifecycle.withdraw(ticket, by=by, comment=form.comment.data)
    except (lifecycle.NotAllowed, lifecycle.InvalidTransition) as exc:
        flash(str(exc), "danger")
    else:
        flash(DONE[action](ticket.display_number), "success")
    return back
