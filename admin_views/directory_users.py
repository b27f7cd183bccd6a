"""The users of the directory: staff accounts with their roles and departments.

No password is ever typed or shown here: a new account gets Flask-Security's reset e-mail
to choose one, and the "Send password reset e-mail" action sends it again."""
from collections import defaultdict
from types import SimpleNamespace

from flask import current_app, flash
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, BooleanEqualFilter
from flask_admin.form import Select2Widget
from flask_admin.helpers import get_form_data
from flask_admin.model.template import TemplateLinkRowAction
from flask_babel import lazy_gettext as _l, ngettext
from flask_login import current_user
from flask_security.recoverable import send_reset_password_instructions
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from helpdesk import accounts, audit, notifications
from helpdesk.db import atomic
from helpdesk.models import AgentDepartment, Department, Role, User, UserRoles, utcnow

from .base import AdminOnly
from .directory import DirectoryView, Unique, required, strip, when

ROLE_LABELS = {"agent": _l("Agent"), "supervisor": _l("Supervisor"),
               "admin": _l("Administrator")}
LOCALES = {"id": "Bahasa Indonesia", "en": "English"}
USER_COLUMNS = ("email", "full_name", "locale", "active")


class ValidEmail:
    """Checked and normalized by Flask-Security's mail util, as sign-in will see it."""

    def __call__(self, form, field):
        try:
            field.data = current_app.extensions["security"]._mail_util.validate(field.data)
        except ValueError:
            raise StopValidation(_l("Please enter a valid e-mail address.")) from None


class RoleFilter(BasePeeweeFilter):
    """Users holding a role: a condition on User.id, so Flask-Admin adds no join."""

    def apply(self, query, value):
        holders = UserRoles.select(UserRoles.user).join(Role).where(Role.name == value)
        return query.where(User.id.in_(holders))

    def operation(self):
        return _l("is")


def role_choices():
    return [SelectChoice(r.name, str(ROLE_LABELS.get(r.name, r.name)))
            for r in Role.select(Role.name).order_by(Role.name)]


def department_choices(form, field):
    """Active departments, and the ones the user already belongs to."""
    current = getattr(form._obj, "departments", None) or []
    query = Department.select(Department.id, Department.name).order_by(Department.name)
    return [SelectChoice(d.id, d.name) for d in
            query.where(Department.active | Department.id.in_(current))]


def replace_links(user_field, other_field, user, others):
    """Make ``others`` the only rows linked to ``user`` in a link table."""
    table = user_field.model
    table.delete().where(user_field == user).execute()
    if others:
        table.insert_many([(user.id, other) for other in others],
                          fields=[user_field, other_field]).execute()


def listed(attribute):
    def format_(view, context, user, name):
        return ", ".join(str(v) for v in getattr(user, attribute, ()))
    return format_


class UserView(AdminOnly, DirectoryView):
    list_template = "admin/directory/user_list.html"
    column_list = ("email", "full_name", "roles", "departments", "active", "tf_primary_method",
                   "confirmed_at", "created_at")
    column_labels = {"email": _l("E-mail"), "full_name": _l("Full name"),
                     "roles": _l("Roles"), "departments": _l("Departments"),
                     "active": _l("Active"), "tf_primary_method": _l("Two-factor"),
                     "confirmed_at": _l("Confirmed at"),
                     "created_at": _l("Created at")}
    column_sortable_list = ("email", "full_name", "active", "confirmed_at", "created_at")
    column_default_sort = "email"
    column_searchable_list = (User.email, User.full_name)
    column_filters = (
        BooleanEqualFilter(User.active, _l("Active")),
        RoleFilter(User.id, _l("Role"), options=list(ROLE_LABELS.items())),
    )
    column_formatters = {"roles": listed("listed_roles"),
                         "departments": listed("listed_departments"),
                         "tf_primary_method": lambda v, c, user, n: (
                             _l("On") if user.tf_primary_method else ""),
                         "confirmed_at": when, "created_at": when}
    column_extra_row_actions = [
        TemplateLinkRowAction("directory_actions.send_reset", _l("Send password reset e-mail"))]
    form_columns = USER_COLUMNS
    form_overrides = {"locale": SelectField}
    duplicate_message = _l("Another account already uses this e-mail address.")
    form_args = {
        "email": {"label": _l("E-mail"), "filters": [strip], "validators": [
            required(), ValidEmail(), Unique(User.email, duplicate_message, ignore_case=True)],
            "description": _l("A new user receives an e-mail to choose a password.")},
        "full_name": {"label": _l("Full name"), "filters": [strip], "validators": [required()]},
        "locale": {"label": _l("Language"), "default": "id",
                   "choices": [SelectChoice(k, v) for k, v in LOCALES.items()]},
        "active": {"label": _l("Active")},
    }
    form_extra_fields = {
        "roles": SelectMultipleField(_l("Roles"), choices=role_choices,
                                     widget=Select2Widget(multiple=True)),
        "departments": SelectMultipleField(_l("Departments"), coerce=int,
                                           choices=department_choices,
                                           widget=Select2Widget(multiple=True)),
    }

    def get_list(self, *args, **kwargs):
        count, users = super().get_list(*args, **kwargs)
        if isinstance(users, list) and users:
            self._attach_links(users)
        return count, users

    @staticmethod
    def _attach_links(users):
        """Roles and departments of a page of users, in two queries."""
        ids = [u.id for u in users]
        roles, departments = defaultdict(list), defaultdict(list)
        for user_id, name in (UserRoles.select(UserRoles.user, Role.name).join(Role)
                              .where(UserRoles.user.in_(ids)).order_by(Role.name).tuples()):
            roles[user_id].append(ROLE_LABELS.get(name, name))
        for user_id, name in (AgentDepartment.select(AgentDepartment.agent, Department.name)
                              .join(Department).where(AgentDepartment.agent.in_(ids))
                              .order_by(Department.name).tuples()):
            departments[user_id].append(name)
        for user in users:
            user.listed_roles, user.listed_departments = roles[user.id], departments[user.id]

    audit_recorder = staticmethod(audit.record_account_change)

    def audit_state(self, user):
        """The account's columns, role names and department names, as recorded."""
        return {**super().audit_state(user), "roles": sorted(accounts.role_names(user)),
                "departments": sorted(d.name for d in Department.select(Department.name)
                                      .join(AgentDepartment).where(AgentDepartment.agent == user))}

    def edit_form(self, obj=None):
        """The form reads the user's columns, role names and department ids (the ``roles``
        backref would otherwise be fed to the field as a query)."""
        shown = SimpleNamespace(
            id=obj.id, **{name: getattr(obj, name) for name in USER_COLUMNS},
            roles=[r.name for r in Role.select(Role.name).join(UserRoles)
                   .where(UserRoles.user == obj)],
            departments=[d for (d,) in AgentDepartment.select(AgentDepartment.department)
                         .where(AgentDepartment.agent == obj).tuples()])
        return self._edit_form_class(get_form_data(), obj=shown)

    def create_model(self, form):
        user = super().create_model(form)
        if user and user.active:
            flash(_l("An e-mail was sent to %(email)s to choose a password.", email=user.email),
                  "success")
        elif user:
            flash(_l("The account is inactive, so no e-mail was sent. Activate it, then send "
                     "a password reset e-mail."), "warning")
        return user

    def update_model(self, form, model):
        if model.id == current_user.id and not (form.active.data
                                                and "admin" in (form.roles.data or [])):
            flash(_l("You cannot deactivate your own account or remove your own admin role."),
                  "error")
            return False
        saved = super().update_model(form, model)
        model.__dict__.pop("_role_names", None)  # User.role_names caches per object
        return saved

    def save(self, form, user):
        """The account, then its role and department links replaced; runs in one
        transaction with the password e-mail of a new account."""
        data = {name: getattr(form, name).data for name in USER_COLUMNS}
        created = user is None
        if created:
            datastore = current_app.extensions["security"].datastore
            user = datastore.create_user(password=None, confirmed_at=utcnow(), **data)
        else:
            if (data["active"] != user.active
                    or accounts.role_names(user) != set(form.roles.data or [])):
                user.fs_uniquifier = accounts.new_session_key()  # its sessions end
            for name, value in data.items():
                setattr(user, name, value)
            user.save()
        roles = [r.id for r in Role.select(Role.id).where(Role.name.in_(form.roles.data or []))]
        replace_links(UserRoles.user, UserRoles.role, user, roles)
        replace_links(AgentDepartment.agent, AgentDepartment.department, user,
                      form.departments.data or [])
        if created and user.active:
            notifications.staff_welcome(user)
        return user

    @action("reset_password", _l("Send password reset e-mail"),
            _l("Send a password reset e-mail to the selected users?"))
    def action_reset_password(self, ids):
        wanted = [int(i) for i in ids if str(i).isdigit()]
        with atomic():
            users = list(User.select().where(User.id.in_(wanted), User.active))
            for user in users:
                send_reset_password_instructions(user)
        flash(ngettext("A password reset e-mail was sent to %(num)d user.",
                       "A password reset e-mail was sent to %(num)d users.", len(users)),
              "success")

    @action("reset_two_factor", _l("Reset two-factor sign-in"),
            _l("Reset the two-factor sign-in of the selected users (lost phone)? They are "
               "signed out everywhere and sign in with their password alone until they "
               "set it up again."))
    def action_reset_two_factor(self, ids):
        wanted = [int(i) for i in ids if str(i).isdigit()]
        with atomic():
            users = list(User.select().where(User.id.in_(wanted),
                                             User.tf_primary_method.is_null(False)))
            for user in users:
                accounts.reset_two_factor(user)
        flash(ngettext("The two-factor sign-in of %(num)d user was reset.",
                       "The two-factor sign-in of %(num)d users was reset.", len(users)),
              "success")
