"""How ticket values look in the queue (times in the desk's zone) and the reports' figures
(durations in hours and minutes, shares in percent); exports: export.py."""
from flask import url_for
from flask_babel import format_number, format_percent, gettext as _
from markupsafe import Markup, escape

from helpdesk.display import when


NONE = "\u2014"  # an em dash: no value (no ticket answered yet, no share known)


def _minutes(seconds):
    """Whole minutes, to the nearest (a report is never rounded to whole hours)."""
    return int(round(seconds / 60))


def duration(seconds):
    """"3 h 12 min" ("3 j 12 mnt" in Indonesian); "45 min" under an hour; a dash for None."""
    if seconds is None:
        return NONE
    hours, minutes = divmod(_minutes(seconds), 60)
    if not hours:
        return _("%(minutes)s min", minutes=minutes)
    return _("%(hours)s h %(minutes)s min", hours=format_number(hours), minutes=minutes)


def lateness(seconds):
    """How late, in days, hours and minutes: "3 d 2 h 0 min" ("3 hari 2 j 0 mnt")."""
    days, rest = divmod(_minutes(seconds), 24 * 60)
    if not days:
        return duration(rest * 60)
    hours, minutes = divmod(rest, 60)
    return _("%(days)s d %(hours)s h %(minutes)s min", days=format_number(days), hours=hours,
             minutes=minutes)


def share(value):
    """A share (0..1) as a percentage with one decimal in the locale's format: "83,3%"."""
    return NONE if value is None else format_percent(value, "#,##0.0%")


def time_column(view, context, model, name):
    """One formatting per cell (a queue page has a hundred of them), with the zone's name;
    the ISO time in ``datetime``."""
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
