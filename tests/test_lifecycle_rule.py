"""Every ticket change goes through helpdesk/lifecycle.py: fail if a write appears elsewhere."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKET_WRITE = re.compile(
    r"\b(Ticket|ThreadEntry|TicketEvent|TicketParticipant|TicketTransfer|TicketHolding|Attachment)\.(update|create|insert\w*|delete|replace)\("
    r"|\.(status|assignee|department|due_at|overdue|resolved_at|closed_at)\s*=[^=]"
    r"|\b(Ticket|ThreadEntry|TicketEvent|Attachment)\(.*\)\.save\(")
OUTBOX_WRITE = re.compile(r"\bOutboxMail\.(create|insert\w*)\(")
ALLOWED = {
    "helpdesk/lifecycle/_common.py": (TICKET_WRITE,),  # the writer
    "helpdesk/lifecycle/citizen.py": (TICKET_WRITE,),
    "helpdesk/lifecycle/desk.py": (TICKET_WRITE,),
    "helpdesk/lifecycle/sla.py": (TICKET_WRITE,),
    "helpdesk/lifecycle/closing.py": (TICKET_WRITE,),
    "helpdesk/lifecycle/clocks.py": (TICKET_WRITE,),
    "helpdesk/lifecycle/clocks_fill.py": (TICKET_WRITE,),
    "helpdesk/demo.py": (TICKET_WRITE,),  # invents history in bulk, sends nothing
    "helpdesk/migrations/0005_reports.py": (TICKET_WRITE,),  # transfers of older events
    "helpdesk/notifications.py": (OUTBOX_WRITE,),
    # no new mail: the recipients a server refused move to a row of their own
    "helpdesk/mailer.py": (OUTBOX_WRITE,),
}


def sources():
    for folder in ("app.py", "helpdesk", "portal", "admin_views"):
        path = ROOT / folder
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_ticket_state_is_written_only_by_the_lifecycle():
    offenders = []
    for path in sources():
        name = path.relative_to(ROOT).as_posix()
        allowed = ALLOWED.get(name, ())
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern in (TICKET_WRITE, OUTBOX_WRITE):
                if pattern not in allowed and pattern.search(line):
                    offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_the_rule_catches_a_write():
    assert TICKET_WRITE.search("Ticket.update(status='closed').execute()")
    assert TICKET_WRITE.search("    ticket.status = 'closed'")
    assert not TICKET_WRITE.search("if ticket.status == 'closed':")
    assert OUTBOX_WRITE.search("OutboxMail.create(recipient=x)")
