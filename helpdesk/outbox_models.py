"""The mail outbox (written in the transaction of the change it reports, sent by
``helpdesk.mailer``) and when each recurring job last ran."""
from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .db import db, utcnow


class OutboxMail(db.Model):
    """An e-mail waiting to be sent; written in the transaction of the change it reports."""

    # one address, or several (", " between them) for one message to several staff members:
    # then each is a Bcc and the message shows none of them (migration 0027 made it text)
    recipient = TextField()
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

    @property
    def recipients(self):
        return addresses_in(self.recipient)


def addresses_in(recipient):
    """The addresses of an outbox row's ``recipient``."""
    return [address.strip() for address in recipient.split(",") if address.strip()]


def recipient_of(addresses):
    return ", ".join(addresses)


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
