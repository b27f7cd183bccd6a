"""The ticket's history as staff read it: thread entries and events in time order, each
event told in a sentence ("Transferred from A to B by X: reason")."""
from flask_babel import gettext as _

from helpdesk import queries
from helpdesk.models import TicketStatus

from .formatters import lateness


def timeline(ticket, entries):
    """[("entry", entry) | ("event", event, sentence)] in time order."""
    return [item if item[0] == "entry" else (*item, describe(item[1]))
            for item in queries.in_time_order(entries, queries.history(ticket))]


def describe(event):
    """One translated sentence for an event; unknown kinds are shown by name."""
    detail = event.data
    actor = str(event.actor) if event.actor_id else _("the system")
    text = {
        "opened": lambda: _("Opened by %(name)s", name=actor),
        "claimed": lambda: (_("Claimed by %(name)s when replying", name=actor)
                            if detail.get("via") == "reply"
                            else _("Claimed by %(name)s", name=actor)),
        "released": lambda: _("Released by %(name)s", name=actor),
        "assigned": lambda: _("Assigned to %(agent)s by %(name)s",
                              agent=detail.get("name", "?"), name=actor),
        "transferred": lambda: _("Transferred from %(source)s to %(target)s by %(name)s",
                                 source=detail.get("source", "?"),
                                 target=detail.get("target", "?"), name=actor),
        "reopened": lambda: {
            "reply": _("Reopened by the requester's reply"),
            "transfer": _("Reopened by the transfer (%(name)s)", name=actor),
            "not_solved": _("Reopened by the requester: the problem is not solved"),
        }.get(detail.get("reason"), _("Reopened by %(name)s", name=actor)),
        "confirmed": lambda: _("Closed by the requester, who confirmed the problem is solved"),
        "withdrawn": lambda: _("Closed by the requester"),
        "auto_closed": lambda: _("Closed automatically by the system: no answer within "
                                 "%(days)s day(s) of the resolution",
                                 days=detail.get("days", "?")),
        TicketStatus.RESOLVED: lambda: _("Resolved by %(name)s", name=actor),
        TicketStatus.CLOSED: lambda: _("Closed by %(name)s", name=actor),
        "overdue": lambda: _("Overdue: not resolved in time (%(late)s late)",
                             late=late()) if "late" in detail
        else _("Overdue: the answer was not given in time"),
        "response_overdue": lambda: _("First response overdue (%(late)s late)", late=late()),
        "awaiting": lambda: _("Set to await the citizen by %(name)s", name=actor),
        "resumed": lambda: (_("The requester replied: open again")
                            if detail.get("reason") == "reply"
                            else _("Open again (%(name)s)", name=actor)),
        "rated": lambda: _("%(name)s answered the satisfaction survey", name=actor),
    }.get(event.kind)
    def late():
        return lateness(detail.get("late", 0))
    sentence = text() if text else event.kind
    comment = detail.get("comment")
    return f"{sentence}: {comment}" if comment else sentence
