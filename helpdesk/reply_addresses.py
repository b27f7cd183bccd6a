"""Which ticket a message answers: the signed reply address of our mails first, then the
thread headers of the mails we sent, then ``[#number]`` in the subject as a last hint.

Our mails to a requester carry ``Reply-To: helpdesk+<number>.<signature>@domain``
(INTAKE_ADDRESS with plus-addressing). The signature is an HMAC of the ticket number
under the app's secret key for this one purpose, so a reply address cannot be made up
for a ticket; it holds as long as the ticket (a closed ticket refuses replies).
"""
import hashlib
import hmac
import re
from email.utils import parseaddr

from flask import current_app

from .models import Ticket

SUBJECT_NUMBER = re.compile(r"\[#(\d{7})\]")
SIGNATURE_LENGTH = 20


def intake_address():
    """The helpdesk's own address for mail in ("" when mail intake is not set up)."""
    return parseaddr(current_app.config.get("INTAKE_ADDRESS") or "")[1].lower()


def reply_address(ticket):
    """The Reply-To of the ticket's mails to its requester, or None without INTAKE_ADDRESS."""
    address = intake_address()
    if not address:
        return None
    local, _, domain = address.partition("@")
    return f"{local}+{ticket.number}.{_signature(ticket.number)}@{domain}"


def _signature(number):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"intake-reply:{number}".encode(), hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_LENGTH]


def ticket_of_token(recipients):
    """The ticket named by a correctly signed reply address among ``recipients``."""
    own = intake_address()
    if not own:
        return None
    local, _, domain = own.partition("@")
    pattern = re.compile(rf"^{re.escape(local)}\+(\d{{7}})\.([0-9a-f]{{{SIGNATURE_LENGTH}}})"
                         rf"@{re.escape(domain)}$")
    for address in recipients:
        found = pattern.match(address.lower())
        if found and hmac.compare_digest(found.group(2), _signature(int(found.group(1)))):
            return Ticket.get_or_none(Ticket.number == int(found.group(1)))
    return None


def ticket_of_thread(references, domain):
    """The ticket of a message of ours that is referenced: its thread's root
    ``<ticket-N@domain>`` or a mail to the requester ``<….ticket-N@domain>`` (see
    notifications)."""
    pattern = re.compile(rf"^<(?:[^<>@]*\.)?ticket-(\d+)@{re.escape(domain)}>$", re.I)
    for reference in references:
        found = pattern.match(reference)
        if found:
            return Ticket.get_or_none(Ticket.number == int(found.group(1)))
    return None


def ticket_of_subject(subject):
    found = SUBJECT_NUMBER.search(subject or "")
    return Ticket.get_or_none(Ticket.number == int(found.group(1))) if found else None


def is_own_address(address):
    """Our own addresses (the intake's, with or without a +tag, and the sender's)."""
    address = address.lower()
    ours = {intake_address(), parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].lower()}
    local, _, domain = address.partition("@")
    return address in ours or f"{local.partition('+')[0]}@{domain}" in ours
