"""What ``receive`` answers: the Outcome of a message, or TemporaryFailure."""
from dataclasses import dataclass, field

from .reasons import words

KINDS = ("reply", "new_ticket", "refused", "quarantined", "duplicate", "ignored")


class TemporaryFailure(Exception):
    """The message could not be saved; it must be kept and offered again later."""


@dataclass
class Outcome:
    kind: str  # one of KINDS
    ticket: object = None  # the ticket it joined or opened (or was refused on)
    reasons: list = field(default_factory=list)  # why (helpdesk.intake.reasons)
    record: object = None  # the InboundMail row (None for a duplicate)

    @property
    def reason(self):
        """The reasons in words, in the current language."""
        return words(self.reasons)
