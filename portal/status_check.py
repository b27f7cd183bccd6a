"""The status check without a password ("Cek Status Tiket"): the form that asks for a
ticket number and an e-mail address, and the pages a status link opens
(``helpdesk.status_links``). The form's answer is the same page whether or not the two
match; a link opens its one ticket as its requester sees it, and nothing else."""
from flask import Blueprint, abort, render_template

from helpdesk import queries, status_links

from . import ticket_page
from .downloads import send_attachment
from .forms import StatusCheckForm

status = Blueprint("status", __name__, url_prefix="/status")


@status.route("/", methods=("GET", "POST"))
def check():
    form = StatusCheckForm()
    if form.validate_on_submit():
        status_links.request_link(form.number.data, form.email.data)
        return render_template("portal/status_sent.html")
    return render_template("portal/status_check.html", form=form)


@status.route("/<token>", methods=("GET", "POST"))
def ticket(token):
    found = status_links.ticket_for(token)
    return ticket_page.show(found, by=found.requester, linked=True,
                            ticket_url=ticket_page.urls_for("status", token=token))


@status.route("/<token>/<any(confirm, unsolved, close):action>", methods=("POST",))
def answer(token, action):
    found = status_links.ticket_for(token)
    return ticket_page.answer(found, action, by=found.requester,
                              ticket_url=ticket_page.urls_for("status", token=token))


@status.route("/<token>/files/<int:attachment_id>")
def attachment(token, attachment_id):
    found = queries.public_attachment(status_links.ticket_for(token), attachment_id)
    if found is None:
        abort(404)
    return send_attachment(found)


@status.errorhandler(status_links.LinkRefused)
def refused(exc):
    return render_template("portal/status_refused.html", reason=str(exc)), 403


@status.after_request
def private(response):
    """The link is the key: no other site learns it from a Referer, and no cache keeps
    the pages."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
