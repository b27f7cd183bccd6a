"""The staff gate shared by every admin view."""
from flask import abort, current_app, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from helpdesk import mailer, open_counts, queries
from helpdesk.models import STAFF_ROLES

from . import headline
from .page_urls import CheapUrls


class StaffOnly:
    """Open to active staff with one of ``roles``; anonymous visitors are sent to sign in,
    signed-in citizens get 403."""

    roles = STAFF_ROLES

    def is_accessible(self):
        user = current_user._get_current_object()  # asked for every menu entry of a page
        return user.is_active and user.is_authenticated and any(map(user.has_role, self.roles))

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.url))
        abort(403)


class AdminOnly(StaffOnly):
    roles = ("admin",)


class SupervisorOrAdmin(StaffOnly):
    roles = ("supervisor", "admin")


class KeyedFilters:
    """Filters named by their ``key_name`` in the URL (``flt0_status``), not by their
    position, so that links survive a change in the list of filters."""

    def get_filter_arg(self, index, flt):
        return getattr(flt, "key_name", None) or super().get_filter_arg(index, flt)


class SecureIndexView(StaffOnly, CheapUrls, AdminIndexView):
    """The desk's home: for supervisors and admins, this month's headline of the dashboard;
    for agents, what waits for them. Each figure links to the matching queue."""

    @expose("/")
    def index(self):
        failed_mail = mailer.failed_count() if current_user.has_role("admin") else None
        if queries.oversees(current_user):
            period, now, (in_period, backlog) = headline.month_headline(
                current_app.config["BABEL_DEFAULT_TIMEZONE"])
            return self.render("admin/index.html", failed_mail=failed_mail,
                               in_period=in_period, backlog=backlog,
                               period_words=headline.period_in_words(period),
                               as_of=headline.as_of(now))
        counts = open_counts.desk_counts(current_user)
        return self.render("admin/index.html", counts=counts, failed_mail=failed_mail)
