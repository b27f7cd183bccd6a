"""THE writer of tickets: every state change goes through a function here.

Each function runs one transaction: check, change, write the thread entry or event,
queue the e-mails. Mail is delivered after commit (see ``mailer``), so a failed send
never undoes a change. Functions take the acting user explicitly and never read the
request, so the web, the CLI and cron call them the same way.

``citizen`` holds what requesters do, ``desk`` what staff do, ``sla`` the deadline watch
of both clocks, ``clocks`` the first response's and the resolution's clocks (paused while
awaiting the citizen) and the departments' holdings,
``closing`` how a resolution is confirmed, disputed or closed by itself,
``survey`` the requester's rating of a closed ticket.
"""
from ._common import InvalidTransition, NotAllowed, fill_durations
from .citizen import AlreadyOpened, open_ticket, reply
from .closing import auto_close, confirm, report_unsolved, withdraw
from .desk import add_note, assign, claim, release, respond, set_status, transfer
from .sla import mark_overdue
from .survey import rate

__all__ = ["AlreadyOpened", "InvalidTransition", "NotAllowed", "open_ticket", "reply", "claim",
           "release", "respond", "add_note", "transfer", "assign", "set_status", "mark_overdue",
           "fill_durations", "confirm", "report_unsolved", "withdraw", "auto_close",
           "rate"]
