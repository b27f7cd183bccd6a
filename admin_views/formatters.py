"""How ticket values look in the queue and in exports (times in the desk's zone)."""
from flask import url_for
from flask_babel import format_datetime, gettext as _
from markupsafe import Markup, escape

SHORT = "d MMM y, HH:mm"


def when(value):
    return format_datetime(value, SHORT) if value else ""


def sortable(value):
    """Export: "2026-11-28 21:30" in the desk's zone, which spreadsheets sort correctly."""
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def time_column(view, context, model, name):
    """One formatting per cell (a queue page has a hundred of them); the zone is in the
    column heading's tooltip and the ISO time in ``datetime``."""
    value = getattr(model, name)
    return Markup('<time datetime="{}Z">{}</time>').format(
        value.isoformat(), when(value)) if value else ""


def number_column(view, context, model, name):
    return Markup('<a href="{}" class="ticket-link">#{}</a>').format(
        url_for(".details_view", id=model.id), model.number)


def subject_column(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for(".details_view", id=model.id),
                                               model.subject)


def person_column(view, context, model, name):
    person = getattr(model, name) if getattr(model, f"{name}_id") else None
    if person is None:
        return Markup('<span class="text-muted">{}</span>').format(_("unassigned"))
    return Markup('{}<br><small class="text-muted">{}</small>').format(
        str(person), person.email) if name == "requester" else escape(str(person))


def status_column(view, context, model, name):
    return Markup('<span class="badge badge-status badge-status-{}">{}</span>').format(
        model.status, model.status_label)


def due_column(view, context, model, name):
    shown = time_column(view, context, model, "due_at")
    if model.overdue:
        return Markup('<span class="overdue">{} <span class="badge badge-danger">{}</span>'
                      '</span>').format(shown, _("Overdue"))
    return shown


def related_name(view, context, model, name):
    return escape(getattr(model, name).name)


LIST = {
    "number": number_column,
    "subject": subject_column,
    "requester": person_column,
    "assignee": person_column,
    "topic": related_name,
    "department": related_name,
    "status": status_column,
    "created_at": time_column,
    "updated_at": time_column,
    "due_at": due_column,
}

def cell(text):
    """Text a citizen typed, made safe for a spreadsheet: a leading = + - @ would make it
    a formula (CSV/formula injection), so such text starts with an apostrophe."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT = {
    "number": lambda v, c, m, n: f"#{m.number}",
    "subject": lambda v, c, m, n: cell(m.subject),
    "requester": lambda v, c, m, n: cell(m.requester.email),
    "requester_name": lambda v, c, m, n: cell(str(m.requester)),
    "assignee": lambda v, c, m, n: m.assignee.email if m.assignee_id else "",
    "topic": lambda v, c, m, n: m.topic.name,
    "department": lambda v, c, m, n: m.department.name,
    "status": lambda v, c, m, n: str(m.status_label),
    "overdue": lambda v, c, m, n: _("yes") if m.overdue else _("no"),
    **{name: (lambda v, c, m, n: sortable(getattr(m, n)))
       for name in ("created_at", "updated_at", "due_at", "first_response_at",
                    "resolved_at", "closed_at", "sla_breached_at")},
}
