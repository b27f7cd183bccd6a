"""Mail taken in (``helpdesk.intake``) for administrators: every message and what became
of it, the quarantined ones first, each downloadable as received.

Read-only: rows are written by the intake only. The list shows who wrote and about what;
the message itself is downloaded as the .eml it came as (it is never shown as HTML)."""
import operator
from functools import reduce

from flask import abort, flash, request, send_file
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_babel import lazy_gettext as _l, ngettext
from markupsafe import Markup

from helpdesk import intake
from helpdesk.intake import files, reasons
from helpdesk.intake_models import InboundMail

from .base import AdminOnly, KeyedFilters
from .formatters import time_column
from .ticket_filters import ChoiceFilter

OUTCOMES = {
    "quarantined": _l("quarantined"), "refused": _l("refused"), "ignored": _l("ignored"),
    "reply": _l("reply"), "new_ticket": _l("new ticket"),
}


# the reasons an administrator looks for, each with the codes it covers
REASONS = {
    "too_large": (_l("too large"), ("too_large",)),
    "unreadable": (_l("unreadable as an e-mail"), ("malformed", "no_headers", "no_sender")),
    "fault": (_l("could not be processed"), ("fault",)),
    "automatic": (_l("automatic message"), ("auto_submitted", "bulk", "mailing_list",
                                             "auto_reply", "bounce", "delivery_report",
                                             "own_address")),
    "account": (_l("no confirmed or active account"), ("no_account", "deactivated",
                                                       "new_account")),
    "not_requester": (_l("not the requester of the ticket"), ("not_requester", "staff")),
    "closed": (_l("ticket closed"), ("closed",)),
    "file": (_l("file refused"), ("file",)),
}


class ReasonFilter(ChoiceFilter):
    def choices(self):
        return [(key, label) for key, (label, _codes) in REASONS.items()]

    def apply(self, query, value):
        if value not in REASONS:
            return query
        return query.where(reduce(operator.or_, (
            InboundMail.reason.contains(f'"code": "{code}"') for code in REASONS[value][1])))


class OutcomeFilter(ChoiceFilter):
    def choices(self):
        return list(OUTCOMES.items())

    def apply(self, query, value):
        return query.where(InboundMail.outcome == value) if value in OUTCOMES else query


def outcome_column(view, context, model, name):
    style = {"quarantined": "danger", "refused": "warning", "ignored": "secondary"}.get(
        model.outcome, "success")
    return Markup('<span class="badge badge-{} intake-{}">{}</span>').format(
        style, model.outcome, OUTCOMES.get(model.outcome, model.outcome))


def reason_column(view, context, model, name):
    """The reasons in the page's language (older rows: their English text)."""
    return reasons.words(reasons.loads(model.reason))


def raw_column(view, context, model, name):
    if not model.stored_name:
        return ""
    return Markup('<a href="{}">{}</a>').format(
        view.get_url(".raw_view", id=model.id), _l("Download (.eml)"))


def authentication_column(view, context, model, name):
    if model.authentication_failed:
        return Markup('<span class="badge badge-danger">{}</span> {}').format(
            _l("failed"), model.authentication)
    return model.authentication


class InboundMailView(AdminOnly, KeyedFilters, ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = True
    simple_list_pager = True
    page_size = 50
    named_filter_urls = True

    column_list = ("received_at", "outcome", "sender", "subject", "reason", "size", "raw")
    column_details_list = ("received_at", "source", "outcome", "reason", "sender", "subject",
                           "message_id", "ticket", "authentication", "size", "raw")
    column_labels = {
        "received_at": _l("Received"), "outcome": _l("Outcome"), "sender": _l("Sender"),
        "subject": _l("Subject"), "reason": _l("Reason"), "size": _l("Size (bytes)"),
        "raw": _l("Message as received"), "source": _l("Received by"),
        "message_id": _l("Message-ID"), "ticket": _l("Ticket"),
        "authentication": _l("Sender checks"),
    }
    column_descriptions = {"received_at": _l("Western Indonesia Time (WIB)")}
    column_sortable_list = ("received_at", "sender", "size")
    column_default_sort = ("id", True)
    column_searchable_list = (InboundMail.sender, InboundMail.subject)
    column_filters = (OutcomeFilter("outcome", _l("Outcome"), InboundMail.outcome),
                      ReasonFilter("reason", _l("Reason"), InboundMail.reason))
    column_formatters = {"received_at": time_column, "outcome": outcome_column,
                         "reason": reason_column, "raw": raw_column}
    column_formatters_detail = {**column_formatters,
                                "authentication": authentication_column,
                                "ticket": lambda v, c, m, n: m.ticket and m.ticket.display_number}

    def search_placeholder(self):
        return _l("Sender or subject")

    @expose("/")
    def index_view(self):
        self._refresh_filters_cache()  # the filters' labels, in the page's language
        return super().index_view()

    @expose("/raw/")
    def raw_view(self):
        """The message as received, as a download (never rendered in the browser)."""
        row = InboundMail.get_or_none(InboundMail.id == request.args.get("id", type=int))
        if row is None or not row.stored_name:
            abort(404)
        path = files.raw_path(row.stored_name)
        if not path.exists():
            abort(404)
        return send_file(path, mimetype="message/rfc822", as_attachment=True,
                         download_name=f"mail-{row.id}.eml")

    @action("reprocess", _l("Process again"),
            _l("Take the selected quarantined messages in again?"))
    def action_reprocess(self, ids):
        """Quarantined messages only; each is processed as if it had just arrived."""
        rows = InboundMail.select().where(InboundMail.id.in_([int(i) for i in ids
                                                              if str(i).isdigit()]),
                                          InboundMail.outcome == "quarantined")
        kept = 0
        for row in rows:
            try:
                kept += intake.reprocess(row).kind == "quarantined"
            except intake.TemporaryFailure:
                kept += 1
        done = len(rows) - kept
        flash(ngettext("%(num)d message processed, %(kept)d still in quarantine.",
                       "%(num)d messages processed, %(kept)d still in quarantine.",
                       done, kept=kept), "success" if done else "warning")


def register(admin):
    admin.add_view(InboundMailView(InboundMail, name=_l("Mail received"),
                                   endpoint="inbound_mail"))
