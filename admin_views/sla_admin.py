"""Administrators edit what the desk promises: SLA plans (a first-response and a resolution
target, each in working time or around the clock) and working calendars, with their weekly
hours and their days off (public holidays, cuti bersama) as rows of the calendar's form.
Every save makes ``sla_plans.targets_for`` read the plans anew."""
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import flash
from flask_admin.contrib.peewee.form import save_inline
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from peewee import fn
from wtforms import fields
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, StopValidation, ValidationError
from wtfpeewee.fields import SelectQueryField

from helpdesk import display
from helpdesk.sla_models import CalendarDay, SlaPlan, WorkCalendar, WorkHours
from helpdesk.working_time import WIB, WIT, WITA

from .base import AdminOnly
from .directory import DirectoryView, ForgetsPlans, Unique, required, strip

CATEGORY = _l("Service levels")
KINDS = {CalendarDay.HOLIDAY: _l("Public holiday"), CalendarDay.CUTI_BERSAMA: _l("Cuti bersama")}


def hours_required():
    return [InputRequired(message=_l("This field is required.")),
            NumberRange(min=0.01, max=8760,
                        message=_l("Enter a number of hours above 0 and at most 8760."))]


def target(view, context, model, name):
    hours = display.decimal(getattr(model, f"{name}_hours"))
    if getattr(model, f"{name}_working"):
        return _("%(hours)s working hours", hours=hours)
    return _("%(hours)s hours around the clock", hours=hours)


def calendar_query():
    return WorkCalendar.select().order_by(WorkCalendar.name)


class OneDefault:
    """A plan stays the default until another is made the default."""

    def __call__(self, form, field):
        editing = getattr(form, "_obj", None)
        if not field.data and editing is not None and editing.is_default:
            raise StopValidation(_l("Make another plan the default instead."))


class SlaPlanView(ForgetsPlans, AdminOnly, DirectoryView):
    can_delete = True
    column_list = ("name", "first_response", "resolution", "calendar", "active", "is_default")
    column_labels = {"name": _l("Name"), "first_response": _l("First response"),
                     "resolution": _l("Resolution"), "calendar": _l("Working calendar"),
                     "active": _l("Active"), "is_default": _l("Default plan")}
    column_sortable_list = ("name", "active", "is_default")
    column_default_sort = "name"
    column_formatters = {"first_response": target, "resolution": target,
                         "calendar": lambda v, c, model, n: model.calendar.name}
    form_columns = ("name", "first_response_hours", "first_response_working",
                    "resolution_hours", "resolution_working", "calendar", "active",
                    "is_default")
    form_overrides = {"calendar": SelectQueryField}
    duplicate_message = _l("An SLA plan with this name already exists.")
    form_args = {
        "name": {"label": _l("Name"), "filters": [strip], "validators": [
            required(), Unique(SlaPlan.name, duplicate_message)]},
        "first_response_hours": {"label": _l("First response within (hours)"),
                                 "validators": hours_required()},
        "first_response_working": {"label": _l("First response counted in working hours")},
        "resolution_hours": {"label": _l("Resolution within (hours)"),
                             "validators": hours_required()},
        "resolution_working": {"label": _l("Resolution counted in working hours")},
        "calendar": {"label": _l("Working calendar"), "query": calendar_query(),
                     "validators": [required()]},
        "active": {"label": _l("Active")},
        "is_default": {"label": _l("Default plan (for help topics that choose none)"),
                       "validators": [OneDefault()]},
    }

    def get_query(self):
        return SlaPlan.select(SlaPlan, WorkCalendar).join(WorkCalendar)

    def save(self, form, model):
        saved = super().save(form, model)
        if saved.is_default:
            SlaPlan.update(is_default=False).where(SlaPlan.id != saved.id).execute()
        return saved

    def delete_model(self, model):
        if model.is_default:
            flash(_("The default plan cannot be deleted; make another plan the default "
                    "first."), "error")
            return False
        return super().delete_model(model)


# -- working calendars -------------------------------------------------------------------

ZONES = _l("An IANA time zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT).")


def known_zone(form, field):
    try:
        ZoneInfo(field.data or "")
    except (ZoneInfoNotFoundError, ValueError):
        raise StopValidation(_l("Unknown time zone: use for example %(wib)s, %(wita)s or "
                                "%(wit)s.", wib=WIB, wita=WITA, wit=WIT)) from None


def weekdays():
    names = get_locale().days["format"]["wide"]
    return [SelectChoice(day, names[day].capitalize()) for day in range(7)]


def kinds():
    return [SelectChoice(kind, str(label)) for kind, label in KINDS.items()]


class Unreadable:
    """The field's own message when the value cannot be read, instead of the "required"
    that wtf-peewee's check of a missing value would put in its place."""

    message = None

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.message)) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class TimeOfDay(Unreadable, fields.TimeField):
    message = _l("Enter a time such as 08:00.")


class RowId(fields.HiddenField):
    """A row's id, empty for a new row. Flask-Admin 2.2 means to give the primary key of
    an inline row no validator, but with peewee 4 its converter does not see the key
    (no PrimaryKeyField any more) and wtf-peewee requires a value."""

    def __init__(self, *args, validators=None, **kwargs):
        super().__init__(*args, **kwargs)


class Day(Unreadable, fields.DateField):
    message = _l("Enter a date such as 2027-03-10.")


def end_after_start(form, field):
    if form.start.data and field.data and field.data <= form.start.data:
        raise ValidationError(_l("The end must be after the start."))


HOURS_ROW = {
    "form_excluded_columns": ["calendar"],
    "form_args": {
        "weekday": {"label": _l("Day"), "choices": weekdays, "coerce": int},
        "start": {"label": _l("From"), "validators": [
            InputRequired(message=_l("This field is required."))]},
        "end": {"label": _l("Until"), "validators": [
            InputRequired(message=_l("This field is required.")), end_after_start]},
    },
    "form_label": _l("Working hours"),
}
DAY_ROW = {
    "form_excluded_columns": ["calendar"],
    "form_args": {
        "day": {"label": _l("Date"), "validators": [
            InputRequired(message=_l("This field is required."))]},
        "name": {"label": _l("Name"), "filters": [strip], "validators": [required()]},
        "kind": {"label": _l("Kind"), "choices": kinds},
    },
    "form_label": _l("Days off"),
}


def days_off(view, context, model, name):
    return model.days_off


def weekly_hours(view, context, model, name):
    minutes = sum(h.end.hour * 60 + h.end.minute - h.start.hour * 60 - h.start.minute
                  for h in model.week)
    return _("%(hours)s hours a week", hours=display.decimal(minutes / 60))


class WorkCalendarView(ForgetsPlans, AdminOnly, DirectoryView):
    can_delete = True
    column_list = ("name", "zone", "weekly_hours", "days_off")
    column_labels = {"name": _l("Name"), "zone": _l("Time zone"),
                     "weekly_hours": _l("Working hours"), "days_off": _l("Days off")}
    column_sortable_list = ("name", "zone")
    column_default_sort = "name"
    column_formatters = {"weekly_hours": weekly_hours, "days_off": days_off}
    form_columns = ("name", "zone")
    # the rows' fields: Flask-Admin 2.2 reads the overrides of inline rows from the view
    form_overrides = {"id": RowId, "weekday": fields.SelectField, "start": TimeOfDay, "end": TimeOfDay,
                      "day": Day, "kind": fields.SelectField}
    inline_models = [(WorkHours, HOURS_ROW), (CalendarDay, DAY_ROW)]
    duplicate_message = _l("A working calendar with this name already exists.")
    form_args = {
        "name": {"label": _l("Name"), "filters": [strip], "validators": [
            required(), Unique(WorkCalendar.name, duplicate_message)]},
        "zone": {"label": _l("Time zone"), "filters": [strip], "description": ZONES,
                 "validators": [known_zone]},
    }

    def get_query(self):
        count = (CalendarDay.select(fn.COUNT(CalendarDay.id))
                 .where(CalendarDay.calendar == WorkCalendar.id))
        return WorkCalendar.select(WorkCalendar, count.alias("days_off"))

    def get_list(self, *args, **kwargs):
        """The page's calendars with their hours, read in one more query."""
        count, calendars = super().get_list(*args, **kwargs)
        if isinstance(calendars, list):
            week = {}
            for hours in WorkHours.select().where(
                    WorkHours.calendar.in_([c.id for c in calendars])):
                week.setdefault(hours.calendar_id, []).append(hours)
            for calendar in calendars:
                calendar.week = week.get(calendar.id, [])
        return count, calendars

    def validate_form(self, form):
        valid = super().validate_form(form)
        if not hasattr(form, "days"):  # the delete form
            return valid
        valid = self._days_differ(form) and valid
        for rows in (form.hours, form.days):  # shown only as text (see DirectoryForm)
            for row in rows.entries:
                for field in row.form:
                    field.errors = [str(error) for error in field.errors]
        return valid

    @staticmethod
    def _days_differ(form):
        seen, valid = set(), True
        for row in form.days.entries:
            if form.days.should_delete(row) or row.form.day.data is None:
                continue
            if row.form.day.data in seen:
                row.form.day.errors = [_("This date is already a day off.")]
                valid = False
            seen.add(row.form.day.data)
        return valid

    def save(self, form, model):
        saved = super().save(form, model)
        save_inline(form, saved)  # the hours and days rows, once the calendar has its id
        return saved

    def delete_model(self, model):
        if SlaPlan.select().where(SlaPlan.calendar == model).exists():
            flash(_("This working calendar is used by an SLA plan; choose another calendar "
                    "for the plan first."), "error")
            return False
        return super().delete_model(model)


def register(admin):
    admin.add_view(SlaPlanView(SlaPlan, name=_l("SLA plans"), category=CATEGORY,
                               endpoint="sla_plan"))
    admin.add_view(WorkCalendarView(WorkCalendar, name=_l("Working calendars"),
                                    category=CATEGORY, endpoint="work_calendar"))
