"""The ticket queue: a Flask-Admin list of the tickets the signed-in staff member may see.

Every page is one query for the rows (requester, topic, department and assignee joined)
plus the session user, their roles and the filters' options: the same number of queries
whatever the page size. No COUNT runs (prev/next pager); the default view is the open
tickets, most urgent first (the nearer due time of either clock), served by the
(status, next_due_at) index.
"""
import re

from flask import current_app, flash, g, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_babel import (LazyString, format_number, get_locale, gettext, lazy_gettext as _l,
                         ngettext)
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps
from peewee import JOIN

from helpdesk import audit, lifecycle, open_counts, queries, search_query
from helpdesk.models import Department, HelpTopic, Ticket, User

from . import export, formatters, queue_rows, search_column, ticket_filters
from .base import KeyedFilters, StaffOnly
from .export import Assignee, Requester
from .page_urls import CheapUrls
from .ticket_filters import queue_filters
from .ticket_page import TicketPage

LIST_ARGS = ("search", "sort", "page", "page_size")


class TicketView(StaffOnly, CheapUrls, TicketPage, KeyedFilters, ModelView):
    list_template = "admin/ticket/list.html"
    can_create = can_edit = can_delete = False
    can_view_details = True
    column_display_actions = True
    simple_list_pager = True
    page_size = 25
    can_set_page_size = True
    page_size_options = (25, 50, 100)
    named_filter_urls = True

    column_list = ("number", "subject", "requester", "topic", "department", "status",
                   "assignee", "created_at", "updated_at", "next_due_at")
    column_labels = {
        "number": _l("Number"), "subject": _l("Subject"), "requester": _l("Requester"),
        "requester_name": _l("Requester name"), "topic": _l("Help topic"),
        "department": _l("Department"), "status": _l("Status"), "assignee": _l("Assignee"),
        "created_at": _l("Created"), "updated_at": _l("Last activity"), "due_at": _l("Due"),
        "next_due_at": _l("Due"), "first_response_due_at": _l("First response due"),
        "overdue": _l("Overdue"), "first_response_at": _l("First response"),
        "resolved_at": _l("Resolved"), "closed_at": _l("Closed"),
        "sla_breached_at": _l("SLA breached"),
    }
    column_descriptions = {name: _l("Western Indonesia Time (WIB)")
                           for name in ("created_at", "updated_at", "due_at", "next_due_at")}
    column_sortable_list = ("number", "subject", "status", "created_at", "updated_at",
                            "next_due_at")
    # the nearer due time of either clock, kept by the lifecycle and indexed
    column_default_sort = [("next_due_at", False), ("id", False)]
    column_filters = queue_filters()
    column_formatters = search_column.with_snippets(formatters.LIST)
    table_rows = queue_rows.table_rows

    export_types = ["csv", "xlsx"]
    column_export_list = ("number", "subject", "requester", "requester_name", "topic",
                          "department", "status", "assignee", "created_at", "updated_at",
                          "first_response_due_at", "due_at", "overdue", "first_response_at",
                          "resolved_at",
                          "closed_at", "sla_breached_at")

    def __init__(self, **kwargs):
        super().__init__(Ticket, name=_l("Tickets"), endpoint="ticket", **kwargs)

    @property
    def can_export(self):
        return queries.oversees(current_user)

    def init_search(self):
        """Searched (``get_list``), with the labelled box of ticket/_search.html in
        place of Flask-Admin's."""
        return False

    def get_list_row_actions(self):
        """The eye to the ticket's page and "Claim", built without Jinja macros."""
        return [queue_rows.DetailsLink(), queue_rows.ClaimButton(queue_rows.CLAIM)]

    def search_placeholder(self):
        return _l("Number, requester address or words of the subject and messages")

    def get_export_columns(self):
        """Readable headings; times say their zone. Flask-Admin computes this once, at
        start-up, so the headings stay lazy and are translated for each export."""
        return [(name, LazyString(_in_wib, label) if name.endswith("_at") else label)
                for name, label in super().get_export_columns()]

    def get_query(self):
        """The tickets listed, with their requester. The page's rows take the names of
        their topic, department and assignee from the directory the filters read
        (``queue_rows.page_rows``): a join of five tables took PostgreSQL longer
        to plan than to run. The export and the actions join them (``_joined``)."""
        if g.get("queue_worked_on"):
            scope = queries.tickets_worked_on(current_user)
        elif _following():
            scope = queries.tickets_visible_to(current_user, listed=True)
        else:
            scope = queries.tickets_actionable_by(current_user, listed=True)
        return _with_requester(scope)

    def _joined(self, query):
        """``query`` (``get_query``'s, or a scope joined ``_with_requester``) with the
        ticket's topic, department and assignee loaded too."""
        return _with_names(query).select(Ticket, Requester, HelpTopic, Department, Assignee)

    def get_one(self, id):
        """Only tickets the user may see (including those they only follow): anything
        else is None (→ 404 on our pages)."""
        try:
            visible = _with_requester(queries.tickets_visible_to(current_user))
            return self._joined(visible).where(Ticket.id == int(id)).first()
        except (TypeError, ValueError):
            return None

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        if sort_column not in self._sortable_columns:
            sort_column = None  # a hand-made ?sort=N: the default order, not a 500
        # "worked on: me" is a scope of its own (``queries.tickets_worked_on``) rather
        # than a condition added to the scope of tickets one may see
        worked_on = [f for f in filters or () if isinstance(
            self._filters[f[0]], ticket_filters.WorkedOnFilter)]
        g.queue_worked_on = bool(worked_on)
        try:
            count, query = super().get_list(
                page, sort_column, sort_desc, None,
                [f for f in filters or () if f not in worked_on], execute=False,
                page_size=page_size)
        finally:
            g.queue_worked_on = False
        found = None
        if search and search.strip():
            page_end = ((page or 0) + 1) * (page_size or self.page_size)
            condition, found = ticket_search(search, page_end, listed=query)
            query = query.where(condition)
            if found is not None and sort_column is None:  # by relevance, else newest
                query = query.order_by(*found.order())
        if not execute:
            return count, query  # the export joins and picks its own columns
        rows = queue_rows.page_rows(query)
        g.search_snippets = search_query.snippets(found, [row.id for row in rows])
        return count, rows

    @expose("/")
    def index_view(self):
        if not any(k in request.args for k in LIST_ARGS) and not any(
                k.startswith("flt") for k in request.args):
            return redirect(url_for(".index_view", flt0_status="open"))
        self._refresh_filters_cache()  # departments and agents added since start-up
        self._template_args["shortcut_counts"] = {
            key: format_number(count)
            for key, count in open_counts.desk_counts(current_user).items()}
        return super().index_view()

    def _refresh_filters_cache(self):
        """The filters and their options in the page's language, rebuilt when a help
        topic, department or staff member changed (or the language did)."""
        if not has_request_context():
            return super()._refresh_filters_cache()
        key = (str(get_locale()), ticket_filters.directory_options())
        if key != getattr(self, "_filters_key", None):
            super()._refresh_filters_cache()
            self._filter_groups_shown = super()._get_filter_groups()
            self._filters_key = key

    def _get_filter_groups(self):
        return self._filter_groups_shown if has_request_context() \
            else super()._get_filter_groups()

    def filter_groups_json(self):
        """The filters for Flask-Admin's script, as JSON made once per change."""
        if getattr(self, "_filters_json_key", None) != self._filters_key:
            self._filters_json = htmlsafe_json_dumps(self._filter_groups_shown,
                                                    dumps=current_app.json.dumps)
            self._filters_json_key = self._filters_key
        return self._filters_json

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """Every ticket the queue shows with its filters, search and sort, however many:
        Flask-Admin's own export would build them all in memory first."""
        if not self.can_export or export_type not in self.export_types:
            return super().export(export_type)  # refused: back to the queue
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        _, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search,
                                 args.filters, execute=False, page_size=0)
        respond = export.csv_response if export_type == "csv" else export.xlsx_response
        return respond(_with_names(query), self.get_export_columns(),
                       export.filename(str(self.name), export_type),
                       counted=export.recorder("ticket", "queue", export_type))

    @action("claim", _l("Claim"), _l("Claim the selected tickets?"))
    def action_claim(self, ids):
        self._bulk(ids, lifecycle.claim, lambda n: ngettext(
            "%(num)d ticket claimed.", "%(num)d tickets claimed.", n))

    @action("release", _l("Release"), _l("Release the selected tickets?"))
    def action_release(self, ids):
        self._bulk(ids, lifecycle.release, lambda n: ngettext(
            "%(num)d ticket released.", "%(num)d tickets released.", n))

    def _bulk(self, ids, change, done_message):
        """Apply ``change`` to each selected ticket the user can see; say what was done
        and why each refusal happened; record which tickets changed."""
        done = []
        wanted = [int(i) for i in ids if str(i).isdigit()]
        # read them all first: on SQLite a cursor still open is a read transaction, which
        # cannot become the claim's write once another connection (the mailer) has written
        for ticket in list(self._joined(self.get_query()).where(Ticket.id.in_(wanted))):
            try:
                change(ticket, by=current_user)
                done.append(ticket.id)
            except (lifecycle.NotAllowed, lifecycle.InvalidTransition) as exc:
                flash(str(exc), "warning")
        audit.record("bulk_action", by=current_user, kind="ticket", details={
            "action": change.__name__, "selected": len(wanted), "done": len(done),
            "tickets": audit.ids_if_few(done)})
        if done:
            flash(done_message(len(done)), "success")


def _with_requester(query):
    return query.select(Ticket, Requester).join_from(
        Ticket, Requester, on=(Ticket.requester == Requester.id), attr="requester")


def _with_names(query):
    """``query`` (tickets, with their requester) joined to their topic, department and
    assignee."""
    return (query.join_from(Ticket, HelpTopic, on=(Ticket.topic == HelpTopic.id), attr="topic")
            .join_from(Ticket, Department, on=(Ticket.department == Department.id),
                       attr="department")
            .join_from(Ticket, Assignee, JOIN.LEFT_OUTER,
                       on=(Ticket.assignee == Assignee.id), attr="assignee"))


def _in_wib(label):
    zone = gettext("WIB")
    return f"{label} ({zone})"


def _following():
    """The queue lists the tickets one works on; the "worked on" filter widens it to
    those one only follows since they left one's departments."""
    return any(key.endswith("_worked_on") for key in request.args)


def ticket_search(term, page_end=100, listed=None):
    """(condition, ``Found`` or None): a ticket number (``8881358`` or ``#8881358``)
    matches exactly; a term with ``@`` matches the requester's e-mail address (through
    the requester index); other words match the subject, a message, response or note
    holding them all, ranked (full-text search, ``helpdesk.search_query``: no scan of
    every ticket or user)."""
    term = term.strip()
    if re.fullmatch(r"#?\d{1,9}", term):
        return Ticket.number == int(term.lstrip("#")), None
    found = None if "@" in term else search_query.find(term, page_end=page_end,
                                                        listed=listed)
    if found is not None:
        return found.condition, found
    return Ticket.requester.in_(User.select(User.id).where(User.email ** f"%{term}%")), None


def register(admin):
    admin.add_view(TicketView())


