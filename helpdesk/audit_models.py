"""The audit trail's table (``helpdesk.audit``)."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .db import db, utcnow
from .models import User  # (models imports this module once User is defined)


class AuditEntry(db.Model):
    """Who did what to the accounts, the directory and the exports (``helpdesk.audit``).
    The actor's address is kept as it was, so an entry outlives the account."""

    at = DateTimeField(default=utcnow)
    actor = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="SET NULL",
                            index=False)  # indexed with ``at`` below
    actor_email = CharField(max_length=255, default="")  # or the address typed at sign-in
    action = CharField(max_length=40)
    target_kind = CharField(max_length=40, default="")
    target_id = IntegerField(null=True)
    target_label = CharField(max_length=255, default="")
    address = CharField(max_length=64, default="")  # the client's, after ProxyFix
    details = TextField(default="{}")  # JSON: what changed, old → new; never a secret

    class Meta:
        table_name = "audit_entry"
        indexes = ((("at",), False), (("action", "at"), False), (("actor", "at"), False),
                   (("actor_email", "at"), False))
