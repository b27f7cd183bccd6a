"""Administrators' CRUD views: users, roles, departments, help topics, canned responses.

Every save runs in one transaction, and a unique-key clash that slips past the form's own
check becomes a translated message rather than a 500. Forms keep Flask-Admin's plain
``BaseForm``: the app's global CSRFProtect checks every POST (create, edit, delete, actions)
and Flask-Admin's templates add its ``csrf_token``. ``SecureForm`` cannot be used alongside
it: its session token and Flask-WTF's share the ``csrf_token`` name, so each check rejects
the other's token and no form could ever be saved.
"""
from flask import flash
from flask_admin.actions import action
from flask_admin.babel import (gettext as admin_gettext, lazy_gettext as admin_lazy,
                               ngettext as admin_ngettext)  # Flask-Admin's own catalog
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.filters import BooleanEqualFilter
from flask_admin.form import BaseForm
from flask_babel import LazyString, lazy_gettext as _l
from flask_login import current_user
from peewee import JOIN, IntegrityError, PeeweeException, fn
from wtforms.validators import DataRequired, InputRequired, StopValidation
from wtfpeewee.fields import SelectQueryField

from helpdesk import audit, display, sla_plans
from helpdesk.db import atomic
from helpdesk.models import AgentDepartment, CannedResponse, Department, HelpTopic, Role, User
from helpdesk.sla_models import SlaPlan

from .base import AdminOnly, SupervisorOrAdmin

CATEGORY = _l("Directory")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def required(message=_l("This field is required.")):
    return DataRequired(message=message)


class Unique:
    """The value is not used by another row (ignoring case for e-mail addresses)."""

    def __init__(self, column, message, ignore_case=False):
        self.column, self.message, self.ignore_case = column, message, ignore_case

    def __call__(self, form, field):
        if not field.data:
            return
        model = self.column.model
        if self.ignore_case:
            clash = fn.LOWER(self.column) == field.data.lower()
        else:
            clash = self.column == field.data
        query = model.select(model.id).where(clash)
        editing = getattr(form, "_obj", None)
        if editing is not None and editing.id is not None:
            query = query.where(model.id != editing.id)
        if query.exists():
            raise StopValidation(self.message)


def when(view, context, model, name):
    """A stored (naive UTC) time shown in the configured zone, Asia/Jakarta."""
    value = getattr(model, name)
    return display.when(value)


def department_query():
    """Options of a department select; a fresh query runs at each render."""
    return Department.select().order_by(Department.name)


class DirectoryForm(BaseForm):
    """Flask-Admin's templates show only ``str`` errors: lazy translated messages are
    turned into text once validation is over."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.errors, list):
                field.errors = [str(e) if isinstance(e, LazyString) else e
                                for e in field.errors]
        return valid


class DirectoryView(ModelView):
    """Saves in one transaction; no delete unless a view allows it."""

    form_base_class = DirectoryForm
    can_delete = False
    can_view_details = False
    page_size = 20
    duplicate_message = _l("This name is already in use.")

    def search_placeholder(self):
        return _l("Search")

    def create_model(self, form):
        return self._save_atomically(form, None)

    def update_model(self, form, model):
        return bool(self._save_atomically(form, model))

    def _save_atomically(self, form, model):
        before = None if model is None else self.audit_state(model)
        try:
            with atomic():
                saved = self.save(form, model)
                if saved:
                    self.audit_recorder(saved, before, self.audit_state(saved),
                                        by=current_user, kind=self.endpoint)
                return saved
        except IntegrityError:
            flash(self.duplicate_message, "error")
            return False

    # The audit trail (helpdesk.audit): what a save or delete changed, in its transaction
    audit_recorder = staticmethod(audit.record_directory_change)

    def audit_state(self, model):
        """The recorded fields of ``model``: its form's columns, rows by their names."""
        return {name: audit.plain(getattr(model, name)) for name in self.form_columns}

    def delete_model(self, model):
        """Deleted with its dependents, as Flask-Admin does, and recorded with it."""
        before = self.audit_state(model)
        try:
            with atomic():
                model.delete_instance(recursive=True)
                self.audit_recorder(model, before, None, by=current_user, kind=self.endpoint)
        except PeeweeException as error:
            flash(admin_gettext("Failed to delete record. %(error)s", error=str(error)), "error")
            return False
        return True

    @action("delete", admin_lazy("Delete"),
            admin_lazy("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        """Flask-Admin's bulk delete, one row at a time through ``delete_model``."""
        query = self.model.select().where(self.model.id.in_([int(i) for i in ids
                                                              if str(i).isdigit()]))
        count = sum(self.delete_model(row) for row in query)
        flash(admin_ngettext("Record was successfully deleted.",
                             "%(count)s records were successfully deleted.", count, count=count),
              "success")

    def save(self, form, model):
        """Write the form to ``model`` (a new row when None); runs inside the transaction."""
        created = model is None
        model = self.model() if created else model
        form.populate_obj(model)
        model.save(force_insert=created)
        return model


class RoleView(AdminOnly, DirectoryView):
    """Role names are fixed by the code; only their descriptions are edited here."""

    can_create = False
    column_list = ("name", "description")
    column_labels = {"name": _l("Name"), "description": _l("Description")}
    column_default_sort = "name"
    form_columns = ("description",)
    form_args = {"description": {"label": _l("Description")}}


class DepartmentView(AdminOnly, DirectoryView):
    column_list = ("name", "description", "active", "agent_count")
    column_labels = {"name": _l("Name"), "description": _l("Description"),
                     "active": _l("Active"), "agent_count": _l("Agents")}
    column_sortable_list = ("name", "active")
    column_default_sort = "name"
    column_searchable_list = (Department.name,)
    column_filters = (BooleanEqualFilter(Department.active, _l("Active")),)
    form_columns = ("name", "description", "active")
    duplicate_message = _l("A department with this name already exists.")
    form_args = {
        "name": {"label": _l("Name"), "filters": [strip], "validators": [
            required(), Unique(Department.name, duplicate_message)]},
        "description": {"label": _l("Description")},
        "active": {"label": _l("Active")},
    }

    def get_query(self):
        agents = (AgentDepartment.select(fn.COUNT(AgentDepartment.id))
                  .where(AgentDepartment.department == Department.id))
        return Department.select(Department, agents.alias("agent_count"))


def department_name(view, context, model, name):
    department = model.department  # loaded by get_query's join
    return department.name if department else _l("All departments")


class ForgetsPlans:
    """Each save or delete, once committed, makes ``sla_plans.targets_for`` read the
    plans anew: a topic's plan, a plan, a working calendar, its hours and days off."""

    def create_model(self, form):
        saved = super().create_model(form)
        sla_plans.forget()
        return saved

    def update_model(self, form, model):
        saved = super().update_model(form, model)
        sla_plans.forget()
        return saved

    def delete_model(self, model):
        deleted = super().delete_model(model)
        sla_plans.forget()
        return deleted


def plan_name(view, context, model, name):
    plan = model.sla_plan  # loaded by get_query's join
    return plan.name if plan else _l("Default plan")


def plan_query():
    """Options of the plan select: the active plans (and a topic's own, see edit_form)."""
    return SlaPlan.select().where(SlaPlan.active).order_by(SlaPlan.name)


class TopicView(ForgetsPlans, AdminOnly, DirectoryView):
    column_list = ("name", "department", "sla_plan", "active", "sort_order")
    column_labels = {"name": _l("Name"), "department": _l("Department"),
                     "sla_plan": _l("SLA plan"), "active": _l("Active"),
                     "sort_order": _l("Order")}
    # No related column is sortable or filterable: Flask-Admin would join Department again.
    column_sortable_list = ("name", "active", "sort_order")
    column_default_sort = [("sort_order", False), ("name", False)]
    column_searchable_list = (HelpTopic.name,)
    column_filters = (BooleanEqualFilter(HelpTopic.active, _l("Active")),)
    column_formatters = {"department": department_name, "sla_plan": plan_name}
    form_columns = ("name", "description", "department", "sla_plan", "active", "sort_order")
    form_overrides = {"department": SelectQueryField, "sla_plan": SelectQueryField}
    duplicate_message = _l("A help topic with this name already exists.")
    form_args = {
        "name": {"label": _l("Name"), "filters": [strip], "validators": [
            required(), Unique(HelpTopic.name, duplicate_message)]},
        "description": {"label": _l("Description")},
        "department": {"label": _l("Department"), "query": department_query(),
                       "validators": [required()]},
        "sla_plan": {"label": _l("SLA plan"), "query": plan_query(), "allow_blank": True,
                     "blank_text": _l("Default plan")},
        "active": {"label": _l("Active")},
        "sort_order": {"label": _l("Order"), "validators": [
            InputRequired(message=_l("This field is required."))]},
    }

    def get_query(self):
        return (HelpTopic.select(HelpTopic, Department, SlaPlan).join(Department)
                .join_from(HelpTopic, SlaPlan, JOIN.LEFT_OUTER))

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and obj.sla_plan_id is not None:
            form.sla_plan.query = SlaPlan.select().where(
                SlaPlan.active | (SlaPlan.id == obj.sla_plan_id)).order_by(SlaPlan.name)
        return form


class CannedView(SupervisorOrAdmin, DirectoryView):
    """Prepared answers; supervisors manage them too, and may delete them."""

    can_delete = True
    column_list = ("title", "department", "active")
    column_labels = {"title": _l("Title"), "department": _l("Department"),
                     "active": _l("Active")}
    column_sortable_list = ("title", "active")
    column_default_sort = "title"
    column_searchable_list = (CannedResponse.title, CannedResponse.body)
    column_filters = (BooleanEqualFilter(CannedResponse.active, _l("Active")),)
    column_formatters = {"department": department_name}
    form_columns = ("title", "body", "department", "active")
    form_overrides = {"department": SelectQueryField}
    duplicate_message = _l("A canned response with this title already exists.")
    form_args = {
        "title": {"label": _l("Title"), "filters": [strip], "validators": [
            required(), Unique(CannedResponse.title, duplicate_message)]},
        "body": {"label": _l("Text"), "validators": [required()]},
        "department": {"label": _l("Department"), "query": department_query(),
                       "allow_blank": True, "blank_text": _l("All departments")},
        "active": {"label": _l("Active")},
    }

    def get_query(self):
        return (CannedResponse.select(CannedResponse, Department)
                .join(Department, JOIN.LEFT_OUTER))


def register(admin):
    from .directory_users import UserView  # here: that module builds on this one

    admin.add_view(UserView(User, name=_l("Users"), category=CATEGORY, endpoint="user"))
    admin.add_view(RoleView(Role, name=_l("Roles"), category=CATEGORY, endpoint="role"))
    admin.add_view(DepartmentView(Department, name=_l("Departments"), category=CATEGORY,
                                  endpoint="department"))
    admin.add_view(TopicView(HelpTopic, name=_l("Help topics"), category=CATEGORY,
                             endpoint="topic"))
    admin.add_view(CannedView(CannedResponse, name=_l("Canned responses"), category=CATEGORY,
                              endpoint="canned"))
