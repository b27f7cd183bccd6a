"""A year's Indonesian public holidays into a working calendar, from the ``holidays``
package (names in Indonesian). Days already there are left as they are, so a date or name
an administrator corrected, and the cuti bersama added by hand, survive a new import."""
from datetime import date

from . import sla_plans
from .db import atomic
from .sla_models import CalendarDay, SlaPlan, WorkCalendar


class UnknownCalendar(LookupError):
    pass


def calendar_named(name=None):
    """The working calendar called ``name``, or the default plan's; UnknownCalendar if
    there is no such calendar."""
    if name is not None:
        found = WorkCalendar.get_or_none(WorkCalendar.name == name)
    else:
        found = (WorkCalendar.select().join(SlaPlan).where(SlaPlan.is_default)
                 .order_by(SlaPlan.id).first())
    if found is None:
        raise UnknownCalendar(name)
    return found


def import_year(calendar, year):
    """Add the year's public holidays the calendar lacks; returns the CalendarDay rows
    added, by date."""
    import holidays  # here: a tenth of a second to import, which every start would pay

    official = holidays.Indonesia(years=year, language="id")
    with atomic():
        known = {day.day for day in days_of(calendar, year)}
        added = [CalendarDay(calendar=calendar, day=day, name=name[:200],
                             kind=CalendarDay.HOLIDAY)
                 for day, name in sorted(official.items()) if day not in known]
        if added:
            CalendarDay.bulk_create(added)
    sla_plans.forget()
    return added


def days_of(calendar, year):
    """The calendar's days off in ``year``, by date."""
    return (CalendarDay.select()
            .where(CalendarDay.calendar == calendar,
                   CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
            .order_by(CalendarDay.day))
