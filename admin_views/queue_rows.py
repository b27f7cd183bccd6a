"""The queue's table rows, built in Python: one call per page where Flask-Admin's list.html
makes a Jinja macro call per cell and per row action (most of the queue page's time).

The markup is Flask-Admin 2.2.1's (``admin/model/list.html``, ``row_actions.view_row``),
and the contract stays: every column goes through the view's ``column_formatters`` (then its
type formatters), every row action through its ``render_ctx``. Row actions that know how to
build their markup without the template (``PythonRowAction``) skip Jinja altogether.
"""
from collections import namedtuple

from flask import g, request, url_for
from flask_admin.babel import gettext as admin_gettext, lazy_gettext as admin_lazy
from flask_admin.model.template import BaseListRowAction
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup, escape
from peewee import BooleanField, DateTimeField

from helpdesk.db import db
from helpdesk.models import Ticket, User

from .export import Requester
from .ticket_filters import DEPARTMENTS, STAFF, TOPICS, directory_options

ROW = "__row__"  # stands for the row's id in a URL built once per page
CLAIM, CLAIM_TICKET = _l("Claim"), _l("Claim ticket #%(number)s")
SELECT_RECORD = admin_lazy("Select record")  # Flask-Admin's words, from its catalog


def page_text(message):
    """A constant message (a lazy string) translated once per request: the queue repeats a
    few on every row, and each translation looks up the request's locale and catalog."""
    texts = g.setdefault("page_texts", {})
    if id(message) not in texts:
        texts[id(message)] = str(message)
    return texts[id(message)]


class Named:
    """A help topic or department as a row shows it: its id and name."""
    __slots__ = ("id", "name")

    def __init__(self, id, name):
        self.id, self.name = id, name

    def __str__(self):
        return self.name


class Person:
    """A requester or assignee as a row shows them (``User.__str__``: the name, else the
    e-mail address)."""
    __slots__ = ("id", "full_name", "email")

    def __init__(self, id, full_name, email):
        self.id, self.full_name, self.email = id, full_name, email

    def __str__(self):
        return self.full_name or self.email


# what the queue's cells (formatters.LIST, the row actions) read of a ticket: each column
# read costs on every row; a foreign key is read as its id (``topic_id``)
TICKET_FIELDS = ("id", "number", "subject", "status", "topic", "department", "requester",
                 "assignee", "created_at", "updated_at", "due_at", "overdue", "next_due_at",
                 "first_response_due_at", "first_response_at")
_ROW_NAMES = tuple(getattr(Ticket._meta.fields[name], "object_id_name", name)
                   for name in TICKET_FIELDS)
SHOWN = (*(Ticket._meta.fields[name] for name in TICKET_FIELDS),
         Requester.id, Requester.full_name, Requester.email)
# the columns whose driver value is not yet the Python one (times are text in SQLite, the
# flag 0 or 1); the others are read as the driver gives them, without peewee's cursor
# wrapper and a converter call per value
_CONVERTED = tuple((at, field.python_value) for at, field in enumerate(SHOWN)
                   if isinstance(field, (BooleanField, DateTimeField)))


class QueueRow(namedtuple("QueueRow", (*_ROW_NAMES, "requester", "topic", "department",
                                       "assignee"))):
    """A ticket of the page, read-only: the ``TICKET_FIELDS`` and its requester, topic,
    department and assignee (``Person``, ``Named``), as plain values: a page reads them
    some five hundred times."""
    __slots__ = ()


def page_rows(query):
    """The page's tickets of ``query`` (tickets joined to their requester) as
    ``QueueRow``s, their topic, department and assignee from the directory the queue's
    filters read (``directory_options``); an assignee who is no longer active staff is
    read with the others of the page, in one statement."""
    tickets = [_converted(values) for values in
               db.database.execute(query.select(*SHOWN)).fetchall()]
    names = {(kind, id): (name, email) for kind, id, name, email in directory_options()}
    at = _ROW_NAMES.index
    topic, department, assignee = at("topic_id"), at("department_id"), at("assignee_id")
    missing = {values[assignee] for values in tickets} - {None} - {
        id for kind, id in names if kind == STAFF}
    if missing:
        names.update(((STAFF, id), (name, email)) for id, name, email in User.select(
            User.id, User.full_name, User.email).where(User.id.in_(missing)).tuples())
    made = {}

    def named(kind, id):
        if id is None:
            return None
        if (kind, id) not in made:
            name, email = names[kind, id]
            made[kind, id] = Person(id, name, email) if kind == STAFF else Named(id, name)
        return made[kind, id]

    shown = len(_ROW_NAMES)
    return [QueueRow._make((*values[:shown], Person(*values[shown:]),
                            named(TOPICS, values[topic]), named(DEPARTMENTS, values[department]),
                            named(STAFF, values[assignee])))
            for values in tickets]


def _converted(values):
    values = list(values)
    for at, python_value in _CONVERTED:
        values[at] = python_value(values[at])
    return values


def url_with_id(endpoint, **kwargs):
    """``url_for(endpoint, id=..., **kwargs)`` as a function of the id: the URL is built
    once, the id put in per row (the same text url_for would give)."""
    built = url_for(endpoint, id=ROW, **kwargs)
    head, tail = built.split(ROW, 1)  # the id comes first in the query string
    return lambda row_id: f"{head}{row_id}{tail}"


def href_with_id(endpoint, **kwargs):
    """``url_with_id`` as HTML attribute text: escaped once, an integer id (which needs
    no escaping) put in per row."""
    url = url_with_id(endpoint, **kwargs)
    head, tail = (str(escape(part)) for part in url(ROW).split(ROW, 1))
    return lambda row_id: f"{head}{row_id}{tail}" if type(row_id) is int \
        else str(escape(url(row_id)))


class PythonRowAction(BaseListRowAction):
    """A row action whose markup comes from ``html(row_id, row)``; the URLs it needs are
    built on its first row (actions are made anew for each request)."""

    def render(self, context, row_id, row):
        return self.html(context, row_id, row)

    def html(self, context, row_id, row):
        raise NotImplementedError


class DetailsLink(PythonRowAction):
    """Flask-Admin's "view record" eye, leading back to this queue page."""

    def __init__(self):
        super().__init__(admin_gettext("View Record"))
        self._start = None

    def html(self, context, row_id, row):
        if self._start is None:
            self._start = (href_with_id(".details_view", url=context.resolve("return_url")),
                           escape(self.title or ""))
        href, title = self._start
        return Markup(f'<a class="icon" href="{href(row_id)}" title="{title}">\n'
                      '  <span class="fa fa-eye glyphicon glyphicon-eye-open"></span>\n</a>')


class ClaimButton(PythonRowAction):
    """"Claim", on the rows nobody has yet (not closed ones)."""

    def __init__(self, title):
        super().__init__(title)
        self._start = None

    def html(self, context, row_id, row):
        if row.assignee_id or row.status == "closed":
            return ""
        if self._start is None:
            self._start = (href_with_id(".claim_view"), escape(generate_csrf()),
                           escape(request.full_path), escape(page_text(CLAIM)))
        href, token, here, claim = self._start
        label = escape(page_text(CLAIM_TICKET) % {"number": row.number})
        return Markup(
            f'<form class="icon" method="post" action="{href(row_id)}">\n'
            f'  <input type="hidden" name="csrf_token" value="{token}">\n'
            f'  <input type="hidden" name="next" value="{here}">\n'
            '  <button type="submit" class="btn btn-sm btn-outline-primary claim-row" '
            f'aria-label="{label}">{claim}</button>\n</form>')


def _cell_openings(view):
    """Each list column with its cell's opening tag and whether its formatter's HTML is
    final (Flask-Admin passes a formatter's result through a choices map and the type
    formatters, none of which applies to text), made once per view."""
    if getattr(view, "_cell_openings", None) is None:
        text_formatted = any(issubclass(Markup, kind) for kind in view.column_type_formatters)
        view._cell_openings = [
            (column, f'<td class="col-{escape(column)}">',
             not text_formatted and column in view.column_formatters
             and column not in view._column_choices_map)
            for column, _label in view._list_columns]
    return view._cell_openings


def _value(view, context, row, column, final):
    """What Flask-Admin's list shows in the cell (``_get_list_value``)."""
    if final:
        value = view.column_formatters[column](view, context, row, column)
        if type(value) is Markup:
            return value
    return view._get_list_value(context, row, column, view.column_formatters,
                                view.column_type_formatters)


def _html(value):
    """``value`` as HTML text: Markup as it is, anything else escaped."""
    return str(value) if type(value) is Markup else str(escape(value))


def _cell_writers(view, context):
    """For each list column, its cell's opening tag and ``cell(row)``, its HTML text: the
    formatter's own per-page writer (``formatters.per_page``) when its HTML is final, else
    Flask-Admin's way, cell by cell."""
    def through_flask_admin(column, final):
        return lambda row: _html(_value(view, context, row, column, final))

    writers = []
    for column, opening, final in _cell_openings(view):
        for_page = getattr(view.column_formatters.get(column), "for_page", None)
        writers.append((opening, for_page(view, context, column) if final and for_page
                        else through_flask_admin(column, final)))
    return writers


def row_writer(view, context):
    """``write(row)``: the HTML of one row of the page: the checkbox (when there are bulk
    actions), the row actions, then every list column through the view's formatters.
    What every row shares (the words, the URLs, the formatters' writers) is looked up
    once."""
    checkbox = None
    if context.resolve("actions"):
        checkbox = ('<td>\n<input type="checkbox" name="rowid" class="action-checkbox"'
                    ' value="{}" title="' + str(escape(page_text(SELECT_RECORD))) + '" />\n</td>')
    actions = list(context.resolve("list_row_actions")) if view.column_display_actions \
        else None
    cells = _cell_writers(view, context)
    pk_of = view.get_pk_value

    def write(row):
        pk = pk_of(row)
        parts = []
        if checkbox is not None:
            parts.append(checkbox.format(escape(pk)))
        if actions is not None:
            parts.append('<td class="list-buttons-column">')
            parts.extend(_html(action.render_ctx(context, pk, row)) for action in actions)
            parts.append("</td>")
        parts.extend(f"{opening}{cell(row)}</td>" for opening, cell in cells)
        return "\n".join(parts)
    return write


@pass_context
def table_rows(view, context, rows):
    """``admin_view.table_rows(data)`` in the template: every row of the page, or the
    view's message when there is none."""
    if not rows:
        return Markup('<tr>\n<td colspan="999">\n<div class="text-center">\n'
                      f'{escape(view.get_empty_list_message())}\n</div>\n</td>\n</tr>')
    write = row_writer(view, context)
    return Markup("\n".join([f"<tr>\n{write(row)}\n</tr>" for row in rows]))
