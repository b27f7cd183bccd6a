"""The audit trail for administrators: read-only, newest first, filtered by action, actor,
days and client address, searched by the actor's address, exported as CSV or XLSX (the
export is itself recorded). Entries are written by ``helpdesk.audit`` only."""
import json
from zoneinfo import ZoneInfo

from flask_admin import expose
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.filters import BasePeeweeFilter
from flask_babel import get_timezone, lazy_gettext as _l
from markupsafe import Markup

from helpdesk import audit
from helpdesk.models import AuditEntry
from helpdesk.spreadsheet import safe_text

from . import export
from .base import AdminOnly, KeyedFilters
from .formatters import time_column
from .ticket_filters import ChoiceFilter, CreatedBetweenFilter

TEXT = ("actor_email", "target_kind", "target_label", "address", "details")


class ActionFilter(ChoiceFilter):
    def choices(self):
        return [(code, label) for code, label in audit.ACTIONS.items()]

    def apply(self, query, value):
        return query.where(AuditEntry.action == value)


class ExactFilter(BasePeeweeFilter):
    """The column equals the value typed (spaces around it ignored)."""

    def __init__(self, key, name, column):
        super().__init__(column, name)
        self.key_name = key

    def apply(self, query, value):
        return query.where(self.column == value.strip())

    def operation(self):
        return _l("is")


def action_column(view, context, entry, name):
    return audit.label(entry.action)


def target_column(view, context, entry, name):
    if not entry.target_kind:
        return ""
    number = f" #{entry.target_id}" if entry.target_id is not None else ""
    return f"{audit.kind_label(entry.target_kind)}{number} {entry.target_label}".strip()


def details_column(view, context, entry, name):
    details = json.loads(entry.details or "{}")
    if not details:
        return ""
    return Markup('<code class="text-break small">{}</code>').format(
        json.dumps(details, ensure_ascii=False, sort_keys=True))


def audit_rows(query, names):
    """Each entry's cells for an export: the time in WIB, the action's label, text that
    cannot become a formula (a failed sign-in keeps whatever address was typed)."""
    local = export.in_zone(ZoneInfo(str(get_timezone())))
    fields = [getattr(AuditEntry, name) for name in names]
    for row in export.stream(query.select(*fields)):
        cells = dict(zip(names, row))
        cells["at"] = local(cells["at"])
        cells["action"] = str(audit.label(cells["action"]))
        cells["target_kind"] = str(audit.kind_label(cells["target_kind"]))
        for name in TEXT:
            cells[name] = safe_text(cells[name] or "")
        yield [cells[name] for name in names]


class AuditView(AdminOnly, KeyedFilters, ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = False
    simple_list_pager = True
    page_size = 50
    named_filter_urls = True
    export_types = ["csv", "xlsx"]
    can_export = True

    column_list = ("at", "actor_email", "action", "target", "address", "details")
    column_export_list = ("at", "actor_email", "action", "target_kind", "target_id",
                          "target_label", "address", "details")
    column_labels = {"at": _l("Time (WIB)"), "actor_email": _l("By"), "action": _l("Action"),
                     "target": _l("Concerning"), "target_kind": _l("Kind"),
                     "target_id": _l("ID"), "target_label": _l("Name"),
                     "address": _l("Client address"), "details": _l("Details")}
    column_sortable_list = ("at",)
    column_default_sort = [("at", True), ("id", True)]
    column_searchable_list = (AuditEntry.actor_email,)
    column_filters = (
        ActionFilter("action", _l("Action"), AuditEntry.action),
        ExactFilter("actor", _l("By"), AuditEntry.actor_email),
        CreatedBetweenFilter("days", _l("Time"), AuditEntry.at),
        ExactFilter("address", _l("Client address"), AuditEntry.address),
    )
    column_formatters = {"at": time_column, "action": action_column,
                         "target": target_column, "details": details_column}

    def search_placeholder(self):
        return _l("E-mail address")

    @expose("/")
    def index_view(self):
        self._refresh_filters_cache()  # the actions' labels, in the page's language
        return super().index_view()

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """The entries the list shows, however many, streamed; the export is recorded."""
        if export_type not in self.export_types:
            return super().export(export_type)  # refused: back to the list
        args = self._get_list_extra_args()
        _, query = self.get_list(0, None, False, args.search, args.filters, execute=False,
                                 page_size=0)
        respond = export.csv_response if export_type == "csv" else export.xlsx_response
        return respond(query, self.get_export_columns(),
                       export.filename(str(self.name), export_type),
                       counted=export.recorder("audit_entry", "audit", export_type),
                       make_rows=audit_rows)


def register(admin):
    admin.add_view(AuditView(AuditEntry, name=_l("Audit trail"), endpoint="audit"))
