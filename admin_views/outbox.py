"""The outbox for administrators: mail waiting to be sent and mail given up on, with Retry.

Read-only: rows are written by the notifications and the mailer only. The list leaves the
message body out (it carries citizens' personal data); the details page shows it."""
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_babel import lazy_gettext as _l, ngettext
from markupsafe import Markup

from helpdesk import mailer
from helpdesk.models import OutboxMail

from .base import AdminOnly, KeyedFilters
from .formatters import time_column
from .ticket_filters import ChoiceFilter


class MailStatusFilter(ChoiceFilter):
    WAITING, ANY = "waiting", "any"

    def choices(self):
        return [(self.WAITING, _l("queued or failed")), ("queued", _l("queued")),
                ("failed", _l("failed")), ("sent", _l("sent")), (self.ANY, _l("any status"))]

    def apply(self, query, value):
        if value == self.ANY:
            return query
        return query.where({
            self.WAITING: OutboxMail.sent_at.is_null(),
            "queued": mailer.QUEUED,
            "failed": mailer.FAILED,
            "sent": OutboxMail.sent_at.is_null(False),
        }[value])


def mail_status(model):
    if model.sent_at:
        return "sent", _l("sent"), "success"
    if model.failed_at:
        return "failed", _l("failed"), "danger"
    return "queued", _l("queued"), "secondary"


def status_column(view, context, model, name):
    key, label, style = mail_status(model)
    return Markup('<span class="badge badge-{} mail-{}">{}</span>').format(style, key, label)


SHOWN = 2  # addresses of a message to several people shown in the list


def recipients_column(view, context, model, name):
    """A message to several people (each in Bcc): its first addresses and how many more;
    the details page lists them all."""
    addresses = model.recipients
    if len(addresses) <= SHOWN:
        return ", ".join(addresses)
    more = ngettext("and %(num)d more", "and %(num)d more", len(addresses) - SHOWN)
    return Markup('{} <span class="text-muted" title="{}">{}</span>').format(
        ", ".join(addresses[:SHOWN]), ", ".join(addresses), more)


def all_recipients_column(view, context, model, name):
    return Markup("<br>").join(model.recipients)


def error_column(view, context, model, name):
    return Markup('<small class="text-break">{}</small>').format(model.last_error or "")


def next_attempt_column(view, context, model, name):
    return "" if model.sent_at or model.failed_at else time_column(view, context, model, name)


TIMES = ("created_at", "next_attempt_at", "sent_at", "failed_at")


class OutboxView(AdminOnly, KeyedFilters, ModelView):
    list_template = "admin/outbox/list.html"
    can_create = can_edit = can_delete = False
    can_view_details = True
    simple_list_pager = True
    page_size = 50
    named_filter_urls = True

    column_list = ("recipient", "subject", "kind", "status", "attempts", "last_error",
                   "created_at", "next_attempt_at")
    column_details_list = ("recipient", "subject", "kind", "status", "attempts",
                           "last_error", "created_at", "next_attempt_at", "sent_at",
                           "failed_at", "body_text")
    column_labels = {
        "recipient": _l("Recipient"), "subject": _l("Subject"), "kind": _l("Kind"),
        "status": _l("Status"), "attempts": _l("Attempts"), "last_error": _l("Last error"),
        "created_at": _l("Created"), "next_attempt_at": _l("Next attempt"),
        "sent_at": _l("Sent"), "failed_at": _l("Failed"), "body_text": _l("Message"),
    }
    column_descriptions = {name: _l("Western Indonesia Time (WIB)") for name in TIMES}
    column_sortable_list = ("recipient", "attempts", "created_at", "next_attempt_at")
    column_default_sort = ("id", True)
    column_searchable_list = (OutboxMail.recipient, OutboxMail.subject)
    column_filters = (MailStatusFilter("status", _l("Status"), OutboxMail.sent_at),)
    column_formatters = {"recipient": recipients_column, "status": status_column,
                         "last_error": error_column,
                         **{name: time_column for name in TIMES},
                         "next_attempt_at": next_attempt_column}
    column_formatters_detail = {"recipient": all_recipients_column, "status": status_column,
                                **{name: time_column for name in TIMES}}

    def search_placeholder(self):
        return _l("Recipient or subject")

    def get_query(self):
        """The list's columns, without the bodies (the details page loads the whole row)."""
        bodies = (OutboxMail.body_text, OutboxMail.body_html)
        return OutboxMail.select(*[f for f in OutboxMail._meta.sorted_fields
                                   if f not in bodies])

    def get_actions_list(self):
        """"Retry all failed" ignores the selection: it is a button of its own (see the
        list template), not an entry of the "With selected" menu."""
        actions, confirmations = super().get_actions_list()
        return ([a for a in actions if a[0] != "retry_all"],
                {k: v for k, v in confirmations.items() if k != "retry_all"})

    @expose("/")
    def index_view(self):
        if not any(k.startswith("flt") or k in ("search", "sort", "page") for k in request.args):
            return redirect(url_for(".index_view", flt0_status=MailStatusFilter.WAITING))
        self._refresh_filters_cache()  # the status options, in the page's language
        return super().index_view()

    def render(self, template, **kwargs):
        kwargs.setdefault("failed_count", mailer.failed_count())
        return super().render(template, **kwargs)

    @action("retry", _l("Retry"), _l("Send the selected e-mails again now?"))
    def action_retry(self, ids):
        wanted = [int(i) for i in ids if str(i).isdigit()]
        self._retried(mailer.retry(wanted) if wanted else 0)

    @action("retry_all", _l("Retry all failed"), _l("Send every failed e-mail again now?"))
    def action_retry_all(self, ids):
        self._retried(mailer.retry())

    def _retried(self, count):
        if count:
            mailer.wake()
        flash(ngettext("%(num)d e-mail queued to be sent again.",
                       "%(num)d e-mails queued to be sent again.", count),
              "success" if count else "warning")


def register(admin):
    admin.add_view(OutboxView(OutboxMail, name=_l("Outbox"), endpoint="outbox"))
