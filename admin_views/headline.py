"""The dashboard's headline as cards, each linking to the ticket queue with the matching
filters where the queue has them, shared by ``/admin/reports/`` and the supervisors' desk
home; the period and filters in words; and the clock of the report pages."""
from dataclasses import dataclass
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import format_date, gettext as _

from helpdesk import reports
from helpdesk.dashboard import BACKLOG_FIGURES, PERIOD_FIGURES
from helpdesk.display import when
from helpdesk.models import TicketStatus, utcnow


def clock():
    """Now, as naive UTC: the moment "open now" and "overdue now" refer to, and the day the
    presets count from. Tests replace it to freeze the reports' time."""
    return utcnow()


def local_today(zone):
    return clock().replace(tzinfo=timezone.utc).astimezone(ZoneInfo(str(zone))).date()


@dataclass(frozen=True)
class Card:
    key: str  # the figure's CSS class: figure-<key>
    label: str
    value: int
    url: str | None
    style: str = "secondary"


def queue_url(filters, **wanted):
    """The ticket queue with the filters ``wanted`` (key -> value, in this order) and the
    dashboard's topic and department."""
    pairs = list(wanted.items())
    if filters.topic:
        pairs.append(("topic", filters.topic))
    if filters.department:
        pairs.append(("department", filters.department))
    return url_for("ticket.index_view",
                   **{f"flt{n}_{key}": value for n, (key, value) in enumerate(pairs)})


def cards(board_headline, period, filters):
    """(period cards, backlog cards) of ``reports.headline``'s figures."""
    created = queue_url(filters, status="any",
                        created=f"{period.first.isoformat()} to {period.last.isoformat()}")
    in_period = [Card(key, str(label), board_headline[key],
                      created if key == "created" else None, "primary")
                 for key, label in PERIOD_FIGURES]
    backlog = board_headline["backlog"]
    is_open = queue_url(filters, status=TicketStatus.OPEN)
    now = [Card("open", _("Open now"), backlog["open"], is_open, "info")]
    # The queue has no filter by age in hours (its creation filter takes whole days), so
    # the ages are not links: a link would open a list that does not match the count
    now += [Card(key, str(label), backlog[key], None, "info")
            for key, label in BACKLOG_FIGURES]
    now.append(Card("overdue", _("Overdue now"), backlog["overdue"],
                    queue_url(filters, status=TicketStatus.OPEN, overdue="yes"),
                    "danger" if backlog["overdue"] else "secondary"))
    return in_period, now


def month_headline(zone):
    """The supervisors' desk home: this month's headline, without filters."""
    period = reports.Period.preset("this_month", local_today(zone), str(zone))
    now = clock()
    return period, now, cards(reports.headline(period, reports.NO_FILTERS, now=now), period,
                              reports.NO_FILTERS)


def period_in_words(period):
    first, last = (format_date(day, "d MMM y") for day in (period.first, period.last))
    if period.first == period.last:
        return _("%(day)s (WIB)", day=first)
    return _("%(first)s to %(last)s (WIB)", first=first, last=last)


def filters_in_words(topic_name, department_name):
    topic = _("help topic “%(name)s”", name=topic_name) if topic_name \
        else _("all help topics")
    department = _("department “%(name)s”", name=department_name) if department_name \
        else _("all departments")
    return _("%(topic)s, %(department)s", topic=topic, department=department)


def as_of(now):
    """"2 Dec 2026, 12:00 WIB" in the desk's zone, for "open now"."""
    return when(now)
