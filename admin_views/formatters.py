"""How ticket values look in the queue (times in the desk's zone); exports: export.py."""
from flask import url_for
from flask_babel import format_datetime, gettext as _
from markupsafe import Markup, escape

SHORT = "d MMM y, HH:mm"


def when(value):
    return format_datetime(value, SHORT) if value else ""


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
