"""The status check's links (``helpdesk/status_links.py``): the one live link of a ticket.
The signed link names the ticket and this row's nonce; a new link or a revocation
changes the nonce, so every link made before stops working."""
from peewee import CharField, DateTimeField, ForeignKeyField

from .db import db
from .models import Ticket  # (models imports this module once Ticket is defined)


class TicketLink(db.Model):
    ticket = ForeignKeyField(Ticket, unique=True, backref="links", on_delete="CASCADE")
    nonce = CharField(max_length=64, null=True)  # None: revoked, no link works
    issued_at = DateTimeField(null=True)

    class Meta:
        table_name = "ticket_link"
