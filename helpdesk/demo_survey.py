"""Demo survey answers (``flask demo-data``): invitations for the latest closed tickets,
about two in three of them answered a few hours to days after closing, mostly content
with a few unhappy citizens, some with a comment."""
import secrets
from datetime import timedelta

from .models import Ticket, TicketStatus
from .survey import VALID_DAYS
from .survey_models import SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse

LATEST = 3000  # the closed tickets invited
ANSWERED = 0.65
COMMENTS = [
    "Terima kasih, petugas sangat membantu dan cepat menanggapi.",
    "Masalah selesai, tetapi jawabannya agak lama.",
    "Penjelasannya jelas. Semoga layanan seperti ini dipertahankan.",
    "Saya harus bertanya dua kali sebelum dijawab.",
    "Mohon informasi persyaratan dicantumkan di halaman depan.",
    "Pelayanan ramah dan sopan.",
]


def add_responses(rng, now):
    """Invitations and answers for the latest closed tickets without an invitation yet."""
    questions = [q.id for q in SurveyQuestion.select().order_by(SurveyQuestion.position)]
    invited = SurveyInvitation.select(SurveyInvitation.ticket)
    closed = (Ticket.select(Ticket.id, Ticket.topic, Ticket.department, Ticket.assignee,
                            Ticket.closed_at)
              .where(Ticket.status == TicketStatus.CLOSED, Ticket.id.not_in(invited))
              .order_by(Ticket.closed_at.desc()).limit(LATEST).tuples())
    invitations, responses = [], []
    for ticket, topic, department, agent, closed_at in closed:
        answered_at = closed_at + timedelta(hours=rng.uniform(1, 96))
        answered = rng.random() < ANSWERED and answered_at < now
        if answered:
            responses.append((ticket, topic, department, agent, answered_at))
        invitations.append({"ticket": ticket, "nonce": secrets.token_hex(16),
                            "sent_at": closed_at,
                            "expires_at": closed_at + timedelta(days=VALID_DAYS),
                            "used_at": answered_at if answered else None})
    for start in range(0, len(invitations), 500):
        SurveyInvitation.insert_many(invitations[start:start + 500]).execute()
    for ticket, topic, department, agent, answered in responses:
        mood = rng.choice((4, 4, 3, 3, 3, 2))  # most are content
        response = SurveyResponse.create(
            ticket=ticket, topic=topic, department=department, agent=agent,
            comment=rng.choice(COMMENTS) if rng.random() < 0.3 else "", created_at=answered)
        SurveyAnswer.insert_many([
            {"response": response, "question": question,
             "score": max(1, min(4, mood + rng.choice((-1, 0, 0, 0, 1))))}
            for question in questions]).execute()
    return len(responses)
