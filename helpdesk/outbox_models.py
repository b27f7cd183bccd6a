"""The mail outbox (written in the transaction of the change it reports, sent by
``helpdesk.mailer``) and when each recurring job last ran."""
from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .db import db, utcnow


class OutboxMail(db.Model):
    """An e-mail waiting to be sent; written in the transaction of the change it reports."""

    recipient = CharField(max_length=255)
    subject = CharField(max_length=255)
    body_text = TextField()
    body_html = TextField(null=True)
    headers = TextField(default="{}")  # JSON: Message-ID, In-Reply-To, References
    kind = CharField(max_length=64, default="")
    created_at = DateTimeField(default=utcnow)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    last_error = TextField(null=True)
    sent_at = DateTimeField(null=True)
    failed_at = DateTimeField(null=True)  # given up: attempts used or a permanent refusal

    class Meta:
        indexes = ((("sent_at", "next_attempt_at"), False), (("sent_at", "failed_at"), False))


class OutboxAttachment(db.Model):
    """A file sent with an outbox e-mail (a report's workbook). A table added after the
    first release: ``migrations.upgrade`` creates it from this model."""

    mail = ForeignKeyField(OutboxMail, backref="files", on_delete="CASCADE")
    filename = CharField(max_length=255)
    content_type = CharField(max_length=127)
    data = BlobField()


class JobRun(db.Model):
    """When a recurring job (the SLA watch) last ran, whichever process ran it."""

    name = CharField(primary_key=True, max_length=64)
    last_run_at = DateTimeField()
