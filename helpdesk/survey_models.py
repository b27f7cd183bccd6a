"""The satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017): its
questions (the service elements), the wording of each element's four-point scale, the
grade bands of the converted index, and per closed ticket one invitation and at most one
response. The wording lives here, in the database, so administrators can follow a changed
regulation without a code change; ``survey_seed`` writes the official default."""
from flask_babel import get_locale
from peewee import (CharField, DateTimeField, DecimalField, ForeignKeyField, IntegerField,
                    TextField)

from .db import db, utcnow
from .models import Department, HelpTopic, Ticket, User

SCALE = (1, 2, 3, 4)  # the official four-point scale


def _in_locale(english, indonesian):
    """The English text when the page or mail is in English, else the Indonesian one."""
    locale = get_locale()
    return english if locale is not None and locale.language == "en" and english \
        else indonesian


class SurveyQuestion(db.Model):
    """One service element (unsur), asked in ``position`` order."""

    position = IntegerField(unique=True)
    tag = CharField(max_length=8)  # U1 .. U9 in an SKM report
    element_id = CharField(max_length=120)  # "Persyaratan"
    element_en = CharField(max_length=120)
    question_id = TextField()
    question_en = TextField()

    class Meta:
        table_name = "survey_question"

    def __str__(self):
        return f"{self.tag} {self.element}"

    @property
    def element(self):
        return _in_locale(self.element_en, self.element_id)

    @property
    def question(self):
        return _in_locale(self.question_en, self.question_id)


class SurveyScale(db.Model):
    """The wording of one point of one element's scale ("Sangat sesuai" = 4)."""

    question = ForeignKeyField(SurveyQuestion, backref="scale", on_delete="CASCADE")
    score = IntegerField()
    label_id = CharField(max_length=120)
    label_en = CharField(max_length=120)

    class Meta:
        table_name = "survey_scale"
        indexes = ((("question", "score"), True),)

    @property
    def label(self):
        return _in_locale(self.label_en, self.label_id)


class SurveyGrade(db.Model):
    """A band of the converted score (25..100): from ``lowest`` to ``highest``, both
    included, on values rounded to two decimals."""

    letter = CharField(max_length=2, unique=True)
    lowest = DecimalField(max_digits=5, decimal_places=2)
    highest = DecimalField(max_digits=5, decimal_places=2)
    label_id = CharField(max_length=60)  # mutu kinerja: "Sangat Baik"
    label_en = CharField(max_length=60)

    class Meta:
        table_name = "survey_grade"

    def __str__(self):
        return f"{self.letter} ({self.label})"

    @property
    def label(self):
        return _in_locale(self.label_en, self.label_id)


class SurveyInvitation(db.Model):
    """The invitation of a closed ticket's requester. The link carries a signed token with
    ``nonce``; it is refused once ``used_at`` is set, after ``expires_at``, or when the
    nonce changed (a new invitation after the ticket closed again)."""

    ticket = ForeignKeyField(Ticket, unique=True, backref="survey_invitations",
                             on_delete="CASCADE")
    nonce = CharField(max_length=32)
    sent_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = "survey_invitation"


class SurveyResponse(db.Model):
    """One answer to the survey per ticket (the unique ticket column settles a double
    submission), with what the reports break it down by, as they were at closing."""

    ticket = ForeignKeyField(Ticket, unique=True, backref="survey_responses",
                             on_delete="CASCADE")
    topic = ForeignKeyField(HelpTopic, backref="survey_responses")
    department = ForeignKeyField(Department, backref="survey_responses")
    agent = ForeignKeyField(User, null=True, backref="survey_responses")
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "survey_response"


class SurveyAnswer(db.Model):
    """The score (1..4) a response gave one element."""

    response = ForeignKeyField(SurveyResponse, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(SurveyQuestion, backref="answers")
    score = IntegerField()

    class Meta:
        table_name = "survey_answer"
        indexes = ((("response", "question"), True),)


SURVEY_MODELS = (SurveyQuestion, SurveyScale, SurveyGrade, SurveyInvitation, SurveyResponse,
                 SurveyAnswer)
