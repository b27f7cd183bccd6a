"""The audit trail (``helpdesk/audit.py``): its table, empty."""
from ..models import AuditEntry


def up(migrator, database):
    database.create_tables([AuditEntry])
