"""A ticket's statuses, as staff and as its requester read them."""
from flask_babel import lazy_gettext as _l


class TicketStatus:
    OPEN = "open"
    AWAITING = "awaiting"  # the desk waits for the requester: the resolution clock is paused
    RESOLVED = "resolved"
    CLOSED = "closed"

    LABELS = {OPEN: _l("Open"), AWAITING: _l("Awaiting citizen"), RESOLVED: _l("Resolved"),
              CLOSED: _l("Closed")}
    # what the requester reads where it differs from the desk's word
    REQUESTER_LABELS = {AWAITING: _l("Waiting for your reply")}
    # the resolution clock runs only while the ticket is open
    RUNNING = (OPEN,)
