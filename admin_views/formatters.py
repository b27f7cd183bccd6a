"""How ticket values look in the queue (times in the desk's zone) and the reports' figures
(durations in hours and minutes, shares in percent); exports: export.py."""
from decimal import Decimal

from flask import g
from flask_babel import format_decimal, format_number, format_percent, gettext as _, lazy_gettext as _l
from markupsafe import Markup, escape

from helpdesk import clock_risk
from helpdesk.display import clock
from helpdesk.models import TicketStatus, utcnow
from helpdesk.survey_index import rounded

from .queue_rows import page_text, url_with_id


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


# The queue's cells: a page has some 250 of them, so they are joined with f-strings and
# escape() (Markup.format costs several times more), the ticket's URL is built once and
# their constant words translated once.
UNASSIGNED, OVERDUE = _l("unassigned"), _l("Overdue")
# what the queue says of a clock that needs attention (``clock_risk``): (text, badge)
RISKS = {(clock_risk.FIRST_RESPONSE, clock_risk.LATE): (_l("Response late"), "danger"),
         (clock_risk.FIRST_RESPONSE, clock_risk.AT_RISK): (_l("Response due soon"), "warning"),
         (clock_risk.RESOLUTION, clock_risk.LATE): (OVERDUE, "danger"),
         (clock_risk.RESOLUTION, clock_risk.AT_RISK): (_l("Resolution due soon"), "warning")}
PAUSED = _l("Paused")


def time_column(view, context, model, name):
    """The time with the zone's name; the ISO time in ``datetime``."""
    value = getattr(model, name)
    if not value:
        return ""
    if "page_clock" not in g:  # one locale and zone for the whole page
        g.page_clock = clock()
    return Markup(f'<time datetime="{value.isoformat()}Z">{escape(g.page_clock(value))}</time>')


def _details_url(ticket_id):
    """``url_for(".details_view", id=ticket_id)``, its text built once per request."""
    if "ticket_details_url" not in g:
        g.ticket_details_url = url_with_id(".details_view")
    return g.ticket_details_url(ticket_id)


def number_column(view, context, model, name):
    return Markup(f'<a href="{escape(_details_url(model.id))}" class="ticket-link">'
                  f'#{escape(model.number)}</a>')


def subject_column(view, context, model, name):
    return Markup(f'<a href="{escape(_details_url(model.id))}">{escape(model.subject)}</a>')


def person_column(view, context, model, name):
    person = getattr(model, name) if getattr(model, f"{name}_id") else None
    if person is None:
        return Markup(f'<span class="text-muted">{escape(page_text(UNASSIGNED))}</span>')
    if name == "requester":
        return Markup(f'{escape(str(person))}<br><small class="text-muted">'
                      f'{escape(person.email)}</small>')
    return escape(str(person))


def status_column(view, context, model, name):
    return Markup(f'<span class="badge badge-status badge-status-{escape(model.status)}">'
                  f'{escape(_status_label(model.status))}</span>')


def _status_label(status):
    label = TicketStatus.LABELS.get(status)
    return status if label is None else page_text(label)


def due_column(view, context, model, name):
    """The nearer due time of the running clocks, with a badge for each clock late or due
    within the next working hours (``clock_risk``); "Paused" while awaiting the citizen."""
    shown = time_column(view, context, model, name)
    if model.status == TicketStatus.AWAITING:
        return Markup(f'{shown} <span class="badge badge-secondary clock-paused">'
                      f'{escape(page_text(PAUSED))}</span>')
    if "page_now" not in g:
        g.page_now = utcnow()
    badges = [RISKS[risk] for risk in clock_risk.risks(model, g.page_now)]
    if not badges:
        return shown
    late = any(kind == "danger" for _, kind in badges)
    return Markup(f'<span class="{"overdue" if late else "at-risk"}">{shown}' + "".join(
        f' <span class="badge badge-{kind}">{escape(page_text(text))}</span>'
        for text, kind in badges) + "</span>")


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
    "next_due_at": due_column,
}


def score(value, places=2):
    """A survey figure (an exact fraction or a decimal) rounded half up to ``places``
    decimals in the locale's format: "3,52"; a dash for None."""
    if value is None:
        return NONE
    return format_decimal(rounded(value, Decimal(1).scaleb(-places)),
                          "#,##0." + "0" * places)
