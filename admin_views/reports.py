"""The supervisors' dashboard, ``/admin/reports/``: a period and filters read from the URL
(so a view can be bookmarked and shared), the figures of ``helpdesk.dashboard``."""
from flask import current_app, request
from flask_admin import BaseView, expose
from flask_babel import format_date, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from helpdesk import dashboard
from helpdesk.models import Department, HelpTopic
from helpdesk.reports import Filters, Period

from . import charts, formatters, headline
from .base import SupervisorOrAdmin
from .report_downloads import ReportDownloads

PRESET_LABELS = {
    "today": _l("Today"), "this_week": _l("This week"), "this_month": _l("This month"),
    "last_month": _l("Last month"), "this_year": _l("This year"),
    "last_12_months": _l("Last 12 months"),
}
DEFAULT_PRESET = "this_month"
BREACHES_SHOWN = 50  # the most late; all of them are in the workbook and the CSV
LONGEST_DAYS = 3 * 366  # a period longer than this is refused, to keep the page quick


class ReportForm(FlaskForm):
    """Read from the query string (GET, no CSRF: it changes nothing). ``period`` is a preset
    name, or "custom" with ``from`` and ``to``."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"), default=DEFAULT_PRESET, validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()], name="from",
                      invalid_value_message=_l("Please give a date as year-month-day."))
    end = DateField(_l("To"), validators=[Optional()], name="to",
                    invalid_value_message=_l("Please give a date as year-month-day."))
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

    def validate(self, extra_validators=None):
        """The fields, then the dates together (a missing date stops its own field's
        validators at ``Optional``, so they are checked here)."""
        valid = super().validate(extra_validators)
        if self.period.data != "custom" or self.start.errors or self.end.errors:
            return valid
        first, last = self.start.data, self.end.data
        if not first or not last:
            error = _l("Please give both dates of the period.")
        elif last < first:
            error = _l("The period cannot end before it starts.")
        elif (last - first).days >= LONGEST_DAYS:
            error = _l("Please choose a period of at most three years.")
        else:
            return valid
        self.end.errors = [*self.end.errors, error]
        return False

    def selection(self, zone):
        """(Period, Filters) of valid data; the default month when the form is invalid."""
        today = headline.local_today(zone)
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
    return form, Period.preset(DEFAULT_PRESET, headline.local_today(zone), zone), Filters()


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
        board = dashboard.build(period, filters, now=headline.clock(), breaches=BREACHES_SHOWN)
        in_period, now = headline.cards(board.headline, period, filters)
        return self.render(
            "admin/reports/index.html", form=form, board=board, tables=dashboard.TABLES,
            in_period=in_period, backlog=now, charts=charts_of(board), fmt=formatters,
            period_words=headline.period_in_words(period), as_of=headline.as_of(board.now),
            filter_words=headline.filters_in_words(board.topic_name, board.department_name),
            series_columns=dashboard.SERIES_COLUMNS, query=chosen(form)), status


def chosen(form):
    """The query string's choices, for the download links (nothing else it may carry);
    none when they are invalid, so the links download the default month shown instead."""
    if form.errors:
        return {}
    return {field.name: request.args[field.name] for field in form
            if field.name in request.args}


def charts_of(board):
    """The dashboard's three charts: created and resolved per day (or week), the open
    backlog at the end of each, the period's tickets per help topic (most first)."""
    days = [format_date(row["day"], "d MMM") for row in board.series]
    flow = charts.columns(days, {key: [row[key] for row in board.series]
                                 for key in ("created", "resolved")},
                          [("created", _("Created")), ("resolved", _("Resolved"))])
    backlog = charts.line(days, [row["backlog"] for row in board.series], "backlog",
                          _("Open backlog"))
    topics = sorted(board.tables["topics"], key=lambda row: -row["created"])
    per_topic = charts.horizontal_bars([row["name"] for row in topics],
                                       [row["created"] for row in topics])
    return {"flow": flow, "backlog": backlog, "topics": per_topic, "topic_rows": topics,
            "days": days, "series_rows": [dict(row, day=format_date(row["day"], "d MMM y"))
                                          for row in board.series]}


def register(admin):
    admin.add_view(ReportsView(name=_l("Reports"), endpoint="reports"))
