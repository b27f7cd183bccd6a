"""The staff gate shared by every admin view."""
from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from helpdesk import mailer, queries
from helpdesk.models import STAFF_ROLES, Ticket, TicketStatus


class StaffOnly:
    """Open to active staff with one of ``roles``; anonymous visitors are sent to sign in,
    signed-in citizens get 403."""

    roles = STAFF_ROLES

    def is_accessible(self):
        return (current_user.is_active and current_user.is_authenticated
                and any(current_user.has_role(r) for r in self.roles))

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.url))
        abort(403)


class AdminOnly(StaffOnly):
    roles = ("admin",)


class SupervisorOrAdmin(StaffOnly):
    roles = ("supervisor", "admin")


class SecureIndexView(StaffOnly, AdminIndexView):
    """The desk's home: what waits for the signed-in staff member, each linking to the
    matching queue (a few indexed counts)."""

    @expose("/")
    def index(self):
        visible = queries.tickets_actionable_by(current_user).where(
            Ticket.status == TicketStatus.OPEN)
        counts = {
            "mine": visible.where(Ticket.assignee == current_user.id).count(),
            "none": visible.where(Ticket.assignee.is_null()).count(),
            "overdue": visible.where(Ticket.overdue).count(),
        }
        failed_mail = mailer.failed_count() if current_user.has_role("admin") else None
        return self.render("admin/index.html", counts=counts, failed_mail=failed_mail)
