"""The satisfaction survey's invitations: the signed link a closed ticket's requester
gets, and what a link leads to. A link needs no password; it is signed with its own salt
(so no other token of the app can stand for it), names the invitation and its nonce, and
works once (``used_at``) for ``VALID_DAYS`` days. Reading only, except ``invite``, which
the lifecycle calls inside the closing's transaction."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from . import notifications
from .models import TicketStatus
from .survey_models import SCALE, SurveyInvitation, SurveyQuestion, SurveyResponse, SurveyScale

VALID_DAYS = 30
SALT = "skm-survey-invitation"


class Refused(Exception):
    """A link that cannot be answered; ``args[0]`` is the page's title, ``args[1]`` what
    to do, both user-facing."""

    def __init__(self, title, advice, http_status):
        super().__init__(title, advice)
        self.http_status = http_status


TAMPERED = (_l("This survey link is not valid"),
            _l("The link may have been cut or changed when it was copied. Please open it "
               "again from the e-mail we sent you."), 404)
EXPIRED = (_l("This survey link has expired"),
           _l("A survey link works for %(days)s days after the ticket was closed.",
              days=VALID_DAYS), 410)
USED = (_l("This survey has already been answered"),
        _l("Each closed ticket is rated once, and your answer was already received. "
           "Thank you."), 410)
NOT_CLOSED = (_l("This ticket is not closed"),
              _l("A ticket can be rated once it is closed. It was reopened after the "
                 "invitation was sent; you will be invited again when it closes."), 409)


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(invitation):
    return _serializer().dumps([invitation.id, invitation.nonce])


def invite(ticket, now):
    """Invite the requester of ``ticket`` (just closed): a fresh invitation, the old link
    of the ticket no longer works. Nothing when the ticket was already rated."""
    if SurveyResponse.select().where(SurveyResponse.ticket == ticket.id).exists():
        return None
    fields = {"nonce": secrets.token_hex(16), "sent_at": now,
              "expires_at": now + timedelta(days=VALID_DAYS), "used_at": None}
    (SurveyInvitation.insert(ticket=ticket.id, **fields)
     .on_conflict(conflict_target=[SurveyInvitation.ticket],
                  update={getattr(SurveyInvitation, k): v for k, v in fields.items()})
     .execute())
    invitation = SurveyInvitation.get(SurveyInvitation.ticket == ticket.id)
    notifications.survey_invited(ticket, invitation, token_for(invitation))
    return invitation


def invitation_from(token, now):
    """The invitation a link's token stands for, or ``Refused`` saying why not."""
    try:
        invitation_id, nonce = _serializer().loads(
            token, max_age=int(timedelta(days=VALID_DAYS + 1).total_seconds()))
    except SignatureExpired as error:
        raise Refused(*EXPIRED) from error
    except (BadSignature, TypeError, ValueError) as error:
        raise Refused(*TAMPERED) from error
    invitation = SurveyInvitation.get_or_none(SurveyInvitation.id == invitation_id)
    if invitation is None or not secrets.compare_digest(str(nonce), invitation.nonce):
        raise Refused(*TAMPERED)
    check_open(invitation, now)
    return invitation


def check_open(invitation, now):
    """``Refused`` unless the invitation can still be answered."""
    if invitation.used_at is not None or SurveyResponse.select().where(
            SurveyResponse.ticket == invitation.ticket_id).exists():
        raise Refused(*USED)
    if invitation.expires_at <= now:
        raise Refused(*EXPIRED)
    if invitation.ticket.status != TicketStatus.CLOSED:
        raise Refused(*NOT_CLOSED)


def pending_invitation(ticket, now):
    """The invitation of a closed ticket still waiting for its answer (for the ticket's
    page), else None."""
    if ticket.status != TicketStatus.CLOSED:
        return None
    invitation = SurveyInvitation.get_or_none(SurveyInvitation.ticket == ticket.id)
    if invitation is None:
        return None
    try:
        check_open(invitation, now)
    except Refused:
        return None
    return invitation


def questions():
    """The questions asked, in order, each with its scale (1..4) in ``choices``: those
    whose every point has its wording (a question an administrator has just added is
    asked once its scale is complete)."""
    scales = {}
    for point in SurveyScale.select().where(SurveyScale.score.in_(SCALE)).order_by(
            SurveyScale.score):
        scales.setdefault(point.question_id, []).append(point)
    asked = []
    for question in SurveyQuestion.select().order_by(SurveyQuestion.position):
        question.choices = scales.get(question.id, [])
        if len(question.choices) == len(SCALE):
            asked.append(question)
    return asked
