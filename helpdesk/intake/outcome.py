"""What ``receive`` answers: the Outcome of a message, or TemporaryFailure."""
from dataclasses import dataclass

KINDS = ("reply", "new_ticket", "refused", "quarantined", "duplicate", "ignored")


class TemporaryFailure(Exception):
    """The message could not be saved; it must be kept and offered again later."""


@dataclass
class Outcome:
    kind: str  # one of KINDS
    ticket: object = None  # the ticket it joined or opened (or was refused on)
    reason: str = ""  # for logs and the administrator, in English
    record: object = None  # the InboundMail row (None for a duplicate)
