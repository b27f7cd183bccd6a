"""Mail intake: replies and new tickets by e-mail, from the IMAP poller or the MTA pipe.

``receive(raw, source=...)`` takes one message as received and returns an ``Outcome``.
It never raises for a bad message (a damaged or oversized one is quarantined, kept with
its reason for an administrator) and is safe to call twice with the same message (its
Message-ID is processed once). It raises ``TemporaryFailure`` only when the message could
not be saved (the database or the disk is unavailable): the caller must keep the message
and try again later (the pipe exits 75, the poller leaves it in the mailbox).
"""
from .outcome import KINDS, Outcome, TemporaryFailure
from .pipeline import receive, reprocess

__all__ = ["KINDS", "Outcome", "TemporaryFailure", "receive", "reprocess"]
