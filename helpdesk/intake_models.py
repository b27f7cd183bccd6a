"""What the mail intake keeps of every message it took in (``helpdesk.intake``): the
raw message in INTAKE_FOLDER, and a row saying what became of it."""
from peewee import (BigIntegerField, BooleanField, CharField, DateTimeField, DeferredForeignKey,
                    TextField)

from .db import db, utcnow


class InboundMail(db.Model):
    """One message received by mail (IMAP or the pipe). ``key`` (a digest of its
    Message-ID, or of the message when it has none) is unique: the same message taken
    in twice is processed once. ``outcome`` is what became of it: reply, new_ticket,
    refused, ignored or quarantined (kept with a ``reason`` for an administrator)."""

    key = CharField(max_length=64, unique=True)
    message_id = CharField(max_length=255, default="")
    source = CharField(max_length=16)
    received_at = DateTimeField(default=utcnow)
    sender = CharField(max_length=255, default="")
    subject = CharField(max_length=255, default="")
    outcome = CharField(max_length=16)
    reason = TextField(default="")
    # the ticket and the thread entry it became (deferred: helpdesk.models imports this
    # module before it defines them; peewee resolves them when they are defined)
    ticket = DeferredForeignKey("Ticket", null=True, on_delete="SET NULL")
    entry = DeferredForeignKey("ThreadEntry", null=True, on_delete="SET NULL")
    stored_name = CharField(max_length=64, default="")  # the raw message in INTAKE_FOLDER
    size = BigIntegerField(default=0)
    authentication = TextField(default="")  # "spf=pass dkim=fail dmarc=none"
    authentication_failed = BooleanField(default=False)
    answered = BooleanField(default=False)  # an automatic answer went back to the sender

    class Meta:
        table_name = "inbound_mail"
        indexes = ((("outcome", "received_at"), False), (("sender", "received_at"), False))
