"""The supervisors' dashboard, ``/admin/reports/``: a period and filters read from the URL
(so a view can be bookmarked and shared), the figures of ``helpdesk.dashboard``."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_admin import BaseView, expose
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from helpdesk import dashboard
from helpdesk.models import Department, HelpTopic, utcnow
from helpdesk.reports import Filters, Period

from .base import SupervisorOrAdmin
from .report_downloads import ReportDownloads

PRESET_LABELS = {
    "today": _l("Today"), "this_week": _l("This week"), "this_month": _l("This month"),
    "last_month": _l("Last month"), "this_year": _l("This year"),
    "last_12_months": _l("Last 12 months"),
}
DEFAULT_PRESET = "this_month"
LONGEST_DAYS = 3 * 366  # a period longer than this is refused, to keep the page quick


def local_today(zone):
    return datetime.now(ZoneInfo(zone)).date()


class ReportForm(FlaskForm):
    """Read from the query string (GET, no CSRF: it changes nothing). ``period`` is a preset
    name, or "custom" with ``from`` and ``to``."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"), default=DEFAULT_PRESET, validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()], name="from")
    end = DateField(_l("To"), validators=[Optional()], name="to")
    topic = SelectField(_l("Help topic"), default="", validate_choice=False)
    department = SelectField(_l("Department"), default="", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.period.choices = [SelectChoice(k, v) for k, v in PRESET_LABELS.items()] + [
            SelectChoice("custom", _l("Dates below"))]
        self.topic.choices = [SelectChoice("", _l("All help topics"))] + [
            SelectChoice(str(t.id), t.name) for t in HelpTopic.select().order_by(HelpTopic.name)]
        self.department.choices = [SelectChoice("", _l("All departments"))] + [
            SelectChoice(str(d.id), d.name)
            for d in Department.select().order_by(Department.name)]

    def validate_period(self, field):
        if field.data not in PRESET_LABELS and field.data != "custom":
            raise ValidationError(_l("Please choose one of the periods offered."))

    def validate_topic(self, field):
        if field.data and field.data not in {c.value for c in self.topic.choices}:
            raise ValidationError(_l("Please choose one of the help topics offered."))

    def validate_department(self, field):
        if field.data and field.data not in {c.value for c in self.department.choices}:
            raise ValidationError(_l("Please choose one of the departments offered."))

    def validate_end(self, field):
        if self.period.data != "custom":
            return
        if not self.start.data or not field.data:
            raise ValidationError(_l("Please give both dates of the period."))
        if field.data < self.start.data:
            raise ValidationError(_l("The period cannot end before it starts."))
        if (field.data - self.start.data).days >= LONGEST_DAYS:
            raise ValidationError(_l("Please choose a period of at most three years."))

    def selection(self, zone):
        """(Period, Filters) of valid data; the default month when the form is invalid."""
        today = local_today(zone)
        if self.period.data == "custom":
            period = Period(self.start.data, self.end.data, zone)
        else:
            period = Period.preset(self.period.data or DEFAULT_PRESET, today, zone)
        return period, Filters(topic=int(self.topic.data) if self.topic.data else None,
                               department=int(self.department.data)
                               if self.department.data else None)


def read_selection(zone):
    """The form from the query string, and (Period, Filters): this month with no filter
    when the query string is empty or invalid (the form then carries the errors)."""
    form = ReportForm(formdata=request.args if request.args else None)
    if request.args and form.validate():
        return form, *form.selection(zone)
    return form, Period.preset(DEFAULT_PRESET, local_today(zone), zone), Filters()


class ReportsView(SupervisorOrAdmin, ReportDownloads, BaseView):
    """The dashboard page; downloads are added by the mixins listed in the bases."""

    def _zone(self):
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]

    def selection(self):
        return read_selection(self._zone())

    @expose("/")
    def index(self):
        form, period, filters = self.selection()
        status = 400 if form.errors else 200
        board = dashboard.build(period, filters, now=utcnow())
        return self.render("admin/reports/index.html", form=form, board=board,
                           tables=dashboard.TABLES), status


def register(admin):
    admin.add_view(ReportsView(name=_l("Reports"), endpoint="reports"))
