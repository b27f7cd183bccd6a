"""How ticket values look in the queue (times in the desk's zone) and the reports' figures
(durations in hours and minutes, shares in percent); exports: export.py."""
from decimal import Decimal
from operator import attrgetter

from flask import g
from flask_babel import format_decimal, format_number, format_percent, gettext as _, lazy_gettext as _l
from markupsafe import Markup, escape

from helpdesk import clock_risk
from helpdesk.display import clock
from helpdesk.models import TicketStatus, utcnow
from helpdesk.survey_index import rounded

from .queue_rows import href_with_id, page_text


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
# escape() (Markup.format costs several times more), and what is the same on every row
# (the ticket's URL, the constant words, the clock) is looked up once per page.
UNASSIGNED, OVERDUE = _l("unassigned"), _l("Overdue")
# what the queue says of a clock that needs attention (``clock_risk``): (text, badge)
RISKS = {(clock_risk.FIRST_RESPONSE, clock_risk.LATE): (_l("Response late"), "danger"),
         (clock_risk.FIRST_RESPONSE, clock_risk.AT_RISK): (_l("Response due soon"), "warning"),
         (clock_risk.RESOLUTION, clock_risk.LATE): (OVERDUE, "danger"),
         (clock_risk.RESOLUTION, clock_risk.AT_RISK): (_l("Resolution due soon"), "warning")}
PAUSED = _l("Paused")


def per_page(cells):
    """A Flask-Admin column formatter made of ``cells(view, context, name)``, which looks
    up what every row of a page shares and returns ``cell(row)``: the cell's HTML text.
    The queue's rows (``queue_rows.table_rows``) call ``cells`` once per column and page,
    Flask-Admin's way once per request and column, then per cell (an empty cell as "").
    ``cells`` must not depend on ``context``."""
    def formatter(view, context, model, name):
        writers = g.setdefault("page_cell_writers", {})
        if (cells, name) not in writers:
            writers[cells, name] = cells(view, context, name)
        text = writers[cells, name](model)
        return Markup(text) if text else ""
    formatter.for_page = cells
    return formatter


def _page_clock():
    """``display.clock(html=True)``, one locale and zone for the whole page."""
    if "page_clock" not in g:
        g.page_clock = clock(html=True)
    return g.page_clock


def _page_now():
    """The time the page's clocks are measured against, the same for every row."""
    if "page_now" not in g:
        g.page_now = utcnow()
    return g.page_now


@per_page
def time_column(view, context, name):
    """The time with the zone's name; the ISO time in ``datetime``."""
    read, value_of = _page_clock(), attrgetter(name)

    def cell(row):
        value = value_of(row)
        if not value:
            return ""
        return f'<time datetime="{value.isoformat()}Z">{read(value)}</time>'
    return cell


def _details_hrefs():
    """``url_for(".details_view", id=...)`` as a function of the id, in HTML, built once
    per request."""
    if "ticket_details_href" not in g:
        g.ticket_details_href = href_with_id(".details_view")
    return g.ticket_details_href


@per_page
def number_column(view, context, name):
    details = _details_hrefs()
    return lambda row: (f'<a href="{details(row.id)}" class="ticket-link">'
                        f'#{escape(row.number)}</a>')


@per_page
def subject_column(view, context, name):
    details = _details_hrefs()
    return lambda row: f'<a href="{details(row.id)}">{escape(row.subject)}</a>'


@per_page
def person_column(view, context, name):
    nobody = f'<span class="text-muted">{escape(page_text(UNASSIGNED))}</span>'
    person_of, id_of = attrgetter(name), attrgetter(f"{name}_id")

    def cell(row):
        person = person_of(row) if id_of(row) else None
        if person is None:
            return nobody
        if name == "requester":
            return (f'{escape(str(person))}<br><small class="text-muted">'
                    f'{escape(person.email)}</small>')
        return str(escape(str(person)))
    return cell


@per_page
def status_column(view, context, name):
    badges = {}  # status -> its cell

    def cell(row):
        status = row.status
        if status not in badges:
            label = TicketStatus.LABELS.get(status)
            badges[status] = (f'<span class="badge badge-status badge-status-{escape(status)}">'
                              f'{escape(status if label is None else page_text(label))}</span>')
        return badges[status]
    return cell


@per_page
def due_column(view, context, name):
    """The nearer due time of the running clocks, with a badge for each clock late or due
    within the next working hours (``clock_risk``); "Paused" while awaiting the citizen."""
    shown_of, now = time_column.for_page(view, context, name), _page_now()
    paused = (' <span class="badge badge-secondary clock-paused">'
              f'{escape(page_text(PAUSED))}</span>')
    badges = {risk: (f' <span class="badge badge-{kind}">{escape(page_text(text))}</span>',
                     kind == "danger") for risk, (text, kind) in RISKS.items()}

    def cell(row):
        shown = shown_of(row)
        if row.status == TicketStatus.AWAITING:
            return shown + paused
        found = [badges[risk] for risk in clock_risk.risks(row, now)]
        if not found:
            return shown
        late = any(danger for _, danger in found)
        return (f'<span class="{"overdue" if late else "at-risk"}">{shown}'
                + "".join(badge for badge, _ in found) + "</span>")
    return cell


@per_page
def related_name(view, context, name):
    related, shown = attrgetter(name), {}  # id -> its name, escaped

    def cell(row):
        item = related(row)
        if item.id not in shown:
            shown[item.id] = str(escape(item.name))
        return shown[item.id]
    return cell


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
