"""The tables of the helpdesk. Times are stored as naive UTC."""
import json

from flask import current_app
from flask_security import RoleMixin, UserMixin
from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    SQL,
    TextField,
)

from .db import db, utcnow
from .intake_models import InboundMail
from .statuses import TicketStatus  # noqa: F401 (imported from here)
from .outbox_models import JobRun, OutboxAttachment, OutboxMail
from .sla_models import SLA_MODELS, SlaPlan
from .summary_models import OpenTally, ReportDay, ReportDuration

STAFF_ROLES = ("agent", "supervisor", "admin")


class ListField(TextField):
    """A list of strings kept as "a,b" (Flask-Security role permissions)."""

    def db_value(self, value):
        return ",".join(value) if value else None

    def python_value(self, value):
        return [v for v in value.split(",") if v] if value else []


class Role(RoleMixin, db.Model):
    name = CharField(unique=True, max_length=80)
    description = TextField(null=True)
    permissions = ListField(null=True)

    def __str__(self):
        return self.name


class User(UserMixin, db.Model):
    email = CharField(unique=True, max_length=255)
    full_name = CharField(max_length=120, default="")
    password = CharField(null=True, max_length=255)
    active = BooleanField(default=True)
    fs_uniquifier = CharField(max_length=64, unique=True)
    confirmed_at = DateTimeField(null=True)
    locale = CharField(max_length=8, null=True)
    created_at = DateTimeField(default=utcnow)
    # Two-factor (Flask-Security): the method ("authenticator"), the TOTP secret encrypted
    # with SECURITY_TOTP_SECRETS, the time step of the last code accepted (each code works
    # once), an unused phone column Flask-Security resets, and the digests of the unused
    # recovery codes (portal/two_factor.py)
    tf_primary_method = CharField(max_length=64, null=True)
    tf_totp_secret = TextField(null=True)
    tf_last_counter = BigIntegerField(null=True)
    tf_phone_number = CharField(max_length=128, null=True)
    mf_recovery_codes = ListField(null=True)

    class Meta:
        table_name = "users"

    def __str__(self):
        return self.full_name or self.email

    @property
    def role_names(self):
        """The user's role names, read once per user object (menus ask often)."""
        if "_role_names" not in self.__dict__:
            self.__dict__["_role_names"] = {
                r.name for r in Role.select(Role.name).join(UserRoles).where(UserRoles.user == self)
            }
        return self.__dict__["_role_names"]

    def has_role(self, role):
        return (role if isinstance(role, str) else role.name) in self.role_names

    @property
    def is_staff(self):
        return bool(self.role_names & set(STAFF_ROLES))

    @property
    def has_two_factor(self):
        return bool(self.tf_primary_method and self.tf_totp_secret)

    def must_use_two_factor(self):
        """Staff must, when STAFF_REQUIRE_2FA is on; nobody else is asked to."""
        return bool(current_app.config.get("STAFF_REQUIRE_2FA")) and self.is_staff

    def check_tf_required(self, tf_setup_methods, tf_fresh):
        """Flask-Security's hook (5.8+): a staff member who must use two-factor and has
        none is led to set it up right after the password, before being signed in."""
        if not tf_setup_methods and self.must_use_two_factor():
            return True, tf_setup_methods
        return super().check_tf_required(tf_setup_methods, tf_fresh)

    def check_tf_required_setup(self):
        """Whether the setup page may offer to switch two-factor off."""
        return super().check_tf_required_setup() or self.must_use_two_factor()


class UserRoles(db.Model):
    """The link between users and roles: the ``roles`` backref Flask-Security walks."""

    user = ForeignKeyField(User, backref="roles", on_delete="CASCADE")
    role = ForeignKeyField(Role, backref="users", on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "role"), True),)

    @property
    def name(self):
        return self.role.name

    def get_permissions(self):
        return self.role.get_permissions()


class Department(db.Model):
    name = CharField(unique=True, max_length=120)
    description = TextField(default="")
    active = BooleanField(default=True)

    def __str__(self):
        return self.name


class AgentDepartment(db.Model):
    """Which departments an agent works for."""

    agent = ForeignKeyField(User, backref="department_links", on_delete="CASCADE")
    department = ForeignKeyField(Department, backref="agent_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("agent", "department"), True),)


class HelpTopic(db.Model):
    name = CharField(unique=True, max_length=120)
    description = TextField(default="")
    department = ForeignKeyField(Department, backref="topics")
    sla_hours = IntegerField(default=48)  # the promise before SLA plans (sla_plan)
    sla_plan = ForeignKeyField(SlaPlan, null=True, backref="topics", on_delete="SET NULL")
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)

    def __str__(self):
        return self.name


# the columns of the index the reports' period figures read (the tickets created in it)
REPORT_COLUMNS = ("created_at", "topic", "department", "assignee", "status", "due_at",
                  "first_response_at", "resolved_at", "response_seconds", "resolution_seconds")


# (columns, unique) of the indexes the reports' exact percentiles read
PERCENTILE_INDEXES = tuple(
    (columns, False) for seconds in ("response_seconds", "resolution_seconds")
    for columns in ((seconds, "created_at", "topic", "department", "assignee"),
                    ("topic", seconds, "created_at", "department"),
                    ("department", seconds, "created_at", "topic"),
                    ("assignee", seconds, "created_at", "topic", "department")))


class Ticket(db.Model):
    number = IntegerField(unique=True)  # random 7 digits, shown as #8881358
    subject = CharField(max_length=200)
    # no index of their own: an index below starts with each (migration 0028)
    topic = ForeignKeyField(HelpTopic, backref="tickets", index=False)
    department = ForeignKeyField(Department, backref="tickets", index=False)
    requester = ForeignKeyField(User, backref="tickets", index=False)
    assignee = ForeignKeyField(User, null=True, backref="assigned_tickets", index=False)
    status = CharField(max_length=16, default=TicketStatus.OPEN)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)  # last activity
    due_at = DateTimeField()
    overdue = BooleanField(default=False)
    first_response_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    sla_breached_at = DateTimeField(null=True)  # kept for reports when ``overdue`` clears
    # seconds from creation to first_response_at / resolved_at, kept with them by the
    # lifecycle: the reports' percentiles sort these numbers instead of computing dates
    response_seconds = FloatField(null=True)
    resolution_seconds = FloatField(null=True)
    # how long after its due time it was resolved (None: not resolved late), for the
    # reports' list of breaches, read most late first from its own index
    late_seconds = FloatField(null=True)
    # the new-ticket form's one-time key: the same form sent twice opens one ticket
    submission_key = CharField(max_length=64, null=True)
    # the two clocks (``lifecycle.clocks``): the first response is due by
    # first_response_due_at (breached_at: the watch found it late and alerted); due_at is
    # the resolution's due time, the clock having used resolution_used_seconds when it
    # stopped at paused_at (awaiting the citizen, resolved, closed); next_due_at is the
    # nearer due time of the clocks running, the queue's default order
    first_response_due_at = DateTimeField(null=True)
    first_response_breached_at = DateTimeField(null=True)
    resolution_used_seconds = FloatField(default=0, constraints=[SQL("DEFAULT 0")])
    paused_at = DateTimeField(null=True)
    next_due_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("requester", "updated_at"), False),
            (("department", "status", "due_at"), False),
            (("status", "due_at"), False),
            # the open tickets created on one day (desk home's backlog by age)
            (("status", "created_at"), False),
            (("assignee", "status"), False),
            (("updated_at",), False),  # queue sorted by last activity
            (("subject",), False),  # queue sorted by subject
            (("due_at",), False),
            # the queue's default order, nearest due time first: of every status, of one
            # status, and an agent's departments' open tickets
            (("next_due_at",), False),
            (("status", "next_due_at"), False),
            (("department", "status", "next_due_at"), False),
            (("requester", "submission_key"), True),  # NULLs (no key) never collide
            # reports (helpdesk/reports.py): the period's figures by each time column
            (("first_response_at",), False),
            (("resolved_at",), False),
            (("closed_at",), False),
            (("topic", "created_at"), False),
            (("department", "created_at"), False),
            (("status", "topic"), False),  # open load now per topic, per department
            (("status", "department"), False),
            # everything the period's figures read, so that they come from this index alone
            (REPORT_COLUMNS, False),
            # the exact percentiles' second step: the tickets of one histogram bucket, in
            # order, of every ticket and of one topic, department or assignee
            *PERCENTILE_INDEXES,
        )

    @property
    def display_number(self):
        return f"#{self.number}"

    @property
    def status_label(self):
        return TicketStatus.LABELS.get(self.status, self.status)

    @property
    def answer_due_at(self):
        """The requester's "answered by": the first response's due time until it is
        given, then the resolution's."""
        unanswered = self.first_response_at is None and self.first_response_due_at
        return self.first_response_due_at if unanswered else self.due_at

    @property
    def requester_status_label(self):
        """The status as its requester reads it ("Waiting for your reply")."""
        return TicketStatus.REQUESTER_LABELS.get(self.status) or self.status_label


# the reports' tickets still waiting for an answer or a resolution (a few thousand of a
# million): those past due count against the period's SLA
# the reports' breaches, most late first, then oldest first, read in the index's order
Ticket.add_index(Ticket.index(Ticket.late_seconds.desc(), Ticket.id, name="ticket_most_late"))
for _column in (Ticket.first_response_at, Ticket.resolved_at):
    Ticket.add_index(Ticket.index(Ticket.created_at, Ticket.due_at,
                                  name=f"ticket_created_at_without_{_column.name}")
                     .where(_column.is_null()))


class TicketParticipant(db.Model):
    """A staff member who worked on a ticket: they keep read-only sight of it after it
    leaves their departments (transfer)."""

    ticket = ForeignKeyField(Ticket, backref="participants", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="participations", on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "ticket"), True),)


class CannedResponse(db.Model):
    """A prepared answer staff can start a reply from; ``department`` None = for everyone."""

    title = CharField(unique=True, max_length=120)
    body = TextField()
    department = ForeignKeyField(Department, null=True, backref="canned_responses",
                                 on_delete="SET NULL")
    active = BooleanField(default=True)

    def __str__(self):
        return self.title


class EntryKind:
    MESSAGE = "message"  # from the requester
    RESPONSE = "response"  # public answer from staff
    NOTE = "note"  # internal, staff only
    PUBLIC = (MESSAGE, RESPONSE)


class ThreadEntry(db.Model):
    ticket = ForeignKeyField(Ticket, backref="entries", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="entries")
    kind = CharField(max_length=16)
    body = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("ticket", "created_at"), False),)


class Attachment(db.Model):
    entry = ForeignKeyField(ThreadEntry, backref="attachments", on_delete="CASCADE")
    ticket = ForeignKeyField(Ticket, backref="attachments", on_delete="CASCADE")
    original_name = CharField(max_length=255)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=127)
    size = BigIntegerField()
    sha256 = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)


class TicketEvent(db.Model):
    """Something that happened to a ticket (opened, reopened, ...): the audit trail."""

    ticket = ForeignKeyField(Ticket, backref="events", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="events")
    kind = CharField(max_length=32)
    detail = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("ticket", "created_at"), False), (("kind", "created_at"), False))

    @property
    def data(self):
        """The detail as a dict (names, comment, reason); older rows hold plain text."""
        if self.detail and self.detail.startswith("{"):
            try:
                return json.loads(self.detail)
            except ValueError:
                pass
        return {"reason": self.detail} if self.detail else {}


class TicketTransfer(db.Model):
    """A move between departments, the part of a "transferred" event reports count by
    department (the event keeps the names as they were)."""

    ticket = ForeignKeyField(Ticket, backref="transfers", on_delete="CASCADE")
    source = ForeignKeyField(Department, null=True, backref="transfers_out")
    target = ForeignKeyField(Department, null=True, backref="transfers_in")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("created_at",), False),)


class SchemaVersion(db.Model):
    """Migrations applied to this database (see helpdesk/migrations)."""

    name = CharField(primary_key=True, max_length=100)
    applied_at = DateTimeField(default=utcnow)


# these refer to Ticket, so they are read once Ticket exists; import them from here
from .audit_models import AuditEntry  # noqa: E402
from .clock_models import TicketHolding  # noqa: E402
from .link_models import TicketLink  # noqa: E402
from .survey_models import SURVEY_MODELS  # noqa: E402

ALL_MODELS = (
    Role,
    User,
    UserRoles,
    Department,
    AgentDepartment,
    *SLA_MODELS,
    HelpTopic,
    Ticket,
    TicketParticipant,
    CannedResponse,
    ThreadEntry,
    Attachment,
    TicketEvent,
    TicketTransfer,
    OutboxMail,
    OutboxAttachment,
    JobRun,
    AuditEntry,
    SchemaVersion,
    ReportDay,
    ReportDuration,
    OpenTally,
    TicketLink,
    TicketHolding,
    InboundMail,
    *SURVEY_MODELS,
)
