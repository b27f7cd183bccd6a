"""The requester rates the service of a closed ticket (the SKM survey)."""
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from .. import survey
from ..models import TicketStatus, utcnow
from ..survey_models import SCALE, SurveyAnswer, SurveyInvitation, SurveyResponse
from ._common import InvalidTransition, event, locked, transaction


def rate(invitation, *, by, answers, comment="", now=None):
    """Record the answers ({question id: score 1..4}, one for every question) of the
    invitation's ticket, once: the invitation is used up in the same transaction, and the
    database's unique ticket column refuses a second response. Refused (``survey.Refused``)
    when the link was used, expired, or the ticket is no longer closed."""
    now = now or utcnow()
    asked = {q.id for q in survey.questions()}
    if set(answers) != asked or any(score not in SCALE for score in answers.values()):
        raise InvalidTransition(_l("Please answer every question on the scale offered."))
    try:
        with transaction():
            ticket = locked(invitation.ticket)
            if ticket.status != TicketStatus.CLOSED:
                raise survey.Refused(*survey.NOT_CLOSED)
            used = (SurveyInvitation.update(used_at=now)
                    .where(SurveyInvitation.id == invitation.id,
                           SurveyInvitation.nonce == invitation.nonce,
                           SurveyInvitation.used_at.is_null(),
                           SurveyInvitation.expires_at > now).execute())
            if not used:
                survey.check_open(SurveyInvitation.get_by_id(invitation.id), now)
                raise survey.Refused(*survey.TAMPERED)  # a newer invitation replaced it
            response = SurveyResponse.create(
                ticket=ticket, topic=ticket.topic_id, department=ticket.department_id,
                agent=ticket.assignee_id, comment=(comment or "").strip(), created_at=now)
            SurveyAnswer.insert_many([
                {"response": response, "question": question, "score": score}
                for question, score in sorted(answers.items())]).execute()
            event(ticket, by, "rated", now)
    except IntegrityError as error:  # a response written meanwhile by another request
        raise survey.Refused(*survey.USED) from error
    return response
