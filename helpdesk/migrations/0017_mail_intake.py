"""Mail intake (``helpdesk/intake``): the table of messages taken in, empty."""
from ..models import InboundMail


def up(migrator, database):
    database.create_tables([InboundMail])
