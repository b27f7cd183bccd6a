"""How long each department held a ticket (``lifecycle.clocks``): a row per holding, from
the moment the department got the ticket (opened, transferred in, reopened) to the moment
it left (transferred out, resolved or closed); ``ended_at`` is None while it holds it."""
from peewee import DateTimeField, FloatField, ForeignKeyField

from .db import db
from .models import Department, Ticket  # (models imports this module once Ticket is defined)


class TicketHolding(db.Model):
    ticket = ForeignKeyField(Ticket, backref="holdings", on_delete="CASCADE",
                             index=False)  # indexed with started_at below
    department = ForeignKeyField(Department, backref="holdings")
    started_at = DateTimeField()
    ended_at = DateTimeField(null=True)
    working_seconds = FloatField(null=True)  # in the ticket's plan's working hours
    calendar_seconds = FloatField(null=True)  # around the clock

    class Meta:
        table_name = "ticket_holding"
        indexes = ((("ticket", "started_at"), False),
                   (("department", "started_at"), False),
                   (("ended_at",), False))  # the reports' holdings ended in a period
