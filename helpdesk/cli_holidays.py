"""``flask holidays import YEAR`` fills a working calendar with the year's Indonesian
public holidays (``helpdesk/public_holidays.py``); ``flask holidays list YEAR`` shows its
days off. Cuti bersama, decided by decree each year, are added by hand in the desk."""
import click
from flask.cli import with_appcontext
from flask_babel import format_date, gettext as _, lazy_gettext as _l, ngettext

from . import public_holidays
from .cli_locale import option
from .db import db
from .sla_models import CalendarDay

KINDS = {CalendarDay.HOLIDAY: _l("public holiday"), CalendarDay.CUTI_BERSAMA: _l("cuti bersama")}

calendar_option = option(
    "--calendar", "calendar_name", default=None,
    help=_l("The working calendar's name (by default the default SLA plan's)."))


@click.group("holidays", help=_l("Public holidays and days off of the working calendars."))
def holidays_group():
    pass


def _calendar(name):
    try:
        return public_holidays.calendar_named(name)
    except public_holidays.UnknownCalendar:
        raise click.UsageError(_("There is no working calendar named %(name)s.",
                                 name=name)) from None


def _line(day):
    return f"{format_date(day.day, 'EEE, d MMM y')}  {day.name} ({KINDS.get(day.kind, day.kind)})"


def year_command(name, help):
    """A command of the group taking a YEAR and --calendar."""
    def decorate(function):
        for decorator in (with_appcontext, calendar_option,
                          click.argument("year", type=click.IntRange(1950, 2100)),
                          holidays_group.command(name, help=help)):
            function = decorator(function)
        return function
    return decorate


@year_command("import", _l("Add a year's Indonesian public holidays to a working calendar; "
                           "days already there are kept."))
def import_holidays(year, calendar_name):
    with db.database.connection_context():
        calendar = _calendar(calendar_name)
        added = public_holidays.import_year(calendar, year)
        for day in added:
            click.echo(_line(day))
        click.echo(ngettext("%(num)d public holiday of %(year)s added to %(calendar)s.",
                            "%(num)d public holidays of %(year)s added to %(calendar)s.",
                            len(added), year=year, calendar=calendar.name))


@year_command("list", _l("Show a working calendar's days off in a year."))
def list_holidays(year, calendar_name):
    with db.database.connection_context():
        calendar = _calendar(calendar_name)
        days = list(public_holidays.days_of(calendar, year))
    for day in days:
        click.echo(_line(day))
    click.echo(ngettext("%(num)d day off in %(year)s in %(calendar)s.",
                        "%(num)d days off in %(year)s in %(calendar)s.",
                        len(days), year=year, calendar=calendar.name))
