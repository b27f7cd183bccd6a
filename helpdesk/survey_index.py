"""The public satisfaction index (IKM) as PermenPANRB 14/2017 defines it, from the survey's
responses: per element the average score NRR (Nilai Rata-Rata); IKM = Σ (NRR × 1/n) for
the n elements (1/9 for the nine of the regulation); the converted score IKM × 25
(25..100); and its grade by the bands in ``SurveyGrade``.

Every figure comes from SQL aggregates, per element (SUM and COUNT, GROUP BY the
question, and by help topic, department or agent for the breakdowns): only those few
rows reach Python. The average is kept as the exact fraction SUM/COUNT, so the index is
the same on SQLite and PostgreSQL and a converted score on a band's edge is graded as
the regulation reads it (rounded half up to two decimals, as the bands are written).
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from peewee import JOIN, fn

from .models import Department, HelpTopic, Ticket, User
from .survey_models import SurveyAnswer, SurveyGrade, SurveyQuestion, SurveyResponse

CONVERSION = 25
CENTS = Decimal("0.01")
RECENT_COMMENTS = 10


def rounded(value, places=CENTS):
    """A Fraction (or number) as a Decimal rounded half up, as an SKM report writes it."""
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        places, rounding=ROUND_HALF_UP)


@dataclass
class Element:
    question: SurveyQuestion
    answers: int
    total: int

    @property
    def nrr(self):
        """The element's average score (exact)."""
        return Fraction(self.total, self.answers)


@dataclass
class Index:
    respondents: int = 0
    elements: list = field(default_factory=list)  # [Element] in question order
    grades: list = field(default_factory=list)

    @property
    def weight(self):
        """1/n: each element's weight (1/9 for the regulation's nine)."""
        return Fraction(1, len(self.elements)) if self.elements else None

    @property
    def ikm(self):
        if not self.elements:
            return None
        return sum(e.nrr for e in self.elements) * self.weight

    @property
    def converted(self):
        """IKM × 25, rounded half up to two decimals (the value graded)."""
        return None if self.ikm is None else rounded(self.ikm * CONVERSION)

    @property
    def grade(self):
        return grade_of(self.converted, self.grades)


def grade_of(converted, grades):
    """The band holding a converted score (both edges included), or None."""
    if converted is None:
        return None
    converted = rounded(converted)
    for band in grades:
        if Decimal(band.lowest) <= converted <= Decimal(band.highest):
            return band
    return None


def _responses(period, filters):
    """The responses of the period (by when they were given) and filters."""
    where = period.holds(SurveyResponse.created_at)
    return where & filters.condition(SurveyResponse) if filters is not None else where


def element_sums(where, key=None):
    """{group key: {question id: (answers, total score)}} of the responses matching
    ``where``, grouped by ``key`` (a SurveyResponse column; None: all under 0)."""
    columns = [SurveyAnswer.question, fn.COUNT(SurveyAnswer.id), fn.SUM(SurveyAnswer.score)]
    group = [SurveyAnswer.question]
    if key is not None:
        columns.insert(0, key)
        group.insert(0, key)
    query = (SurveyAnswer.select(*columns).join(SurveyResponse).where(where)
             .group_by(*group).tuples())
    found = {}
    for row in query:
        group_key, (question, answers, total) = (row[0], row[1:]) if key is not None \
            else (0, row)
        found.setdefault(group_key, {})[question] = (int(answers), int(total))
    return found


def respondents(where, key=None):
    """{group key: number of responses}."""
    if key is None:
        return {0: SurveyResponse.select().where(where).count()}
    query = (SurveyResponse.select(key, fn.COUNT(SurveyResponse.id)).where(where)
             .group_by(key).tuples())
    return {k: int(n) for k, n in query}


def _indexes(where, key, questions, grades):
    sums, counts = element_sums(where, key), respondents(where, key)
    return {group: Index(counts.get(group, 0),
                         [Element(q, *per[q.id]) for q in questions if q.id in per],
                         grades)
            for group, per in sums.items()}


def index(period, filters=None):
    """The IKM of the period's responses (and filters: help topic, department)."""
    questions, grades = _reference()
    found = _indexes(_responses(period, filters), None, questions, grades)
    return found.get(0) or Index(0, [], grades)


BREAKDOWNS = {"topic": (SurveyResponse.topic, HelpTopic),
              "department": (SurveyResponse.department, Department),
              "agent": (SurveyResponse.agent, User)}


def breakdown(period, filters, by):
    """[(name, Index)] per help topic, department or agent (who had the ticket when it
    closed), best converted score first."""
    key, model = BREAKDOWNS[by]
    questions, grades = _reference()
    found = _indexes(_responses(period, filters), key, questions, grades)
    names = {row.id: str(row) for row in model.select().where(model.id.in_(list(found)))}
    rows = [(names.get(group, "?"), found[group]) for group in found if group is not None]
    return sorted(rows, key=lambda row: (-(row[1].converted or 0), row[0]))


def recent_comments(period, filters, limit=RECENT_COMMENTS):
    """The latest non-empty comments: [(created_at, ticket number, comment)]."""
    query = (SurveyResponse.select(SurveyResponse.created_at, Ticket.number,
                                   SurveyResponse.comment)
             .join(Ticket, JOIN.INNER, on=SurveyResponse.ticket == Ticket.id)
             .where(_responses(period, filters) & (SurveyResponse.comment != ""))
             .order_by(SurveyResponse.created_at.desc(), SurveyResponse.id.desc())
             .limit(limit).tuples())
    return list(query)


def _reference():
    return (list(SurveyQuestion.select().order_by(SurveyQuestion.position)),
            list(SurveyGrade.select().order_by(SurveyGrade.lowest.desc())))


@dataclass
class Panel:
    """The dashboard's SKM panel and workbook sheet: the index, its breakdowns, comments."""

    index: Index
    by: dict  # "topic" | "department" | "agent" -> [(name, Index)]
    comments: list


def panel(period, filters):
    return Panel(index(period, filters),
                 {by: breakdown(period, filters, by) for by in BREAKDOWNS},
                 recent_comments(period, filters))
