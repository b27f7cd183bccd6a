"""The public satisfaction index (IKM) as PermenPANRB 14/2017 defines it, from the survey's
responses: per element the average score NRR (Nilai Rata-Rata); IKM = Σ (NRR × 1/n) for
the n elements (1/9 for the nine of the regulation); the converted score IKM × 25
(25..100); and its grade by the bands in ``SurveyGrade``.

Every figure comes from SQL aggregates: SUM and COUNT of the scores per element and per
(help topic, department, agent) cell, and the respondents per cell; the whole index and
its breakdowns add up those few hundred rows at most, never the responses themselves.
The average is kept as the exact fraction SUM/COUNT, so the index is
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


# what the index is broken down by: the key of a (topic, department, agent) cell
GROUPS = {"all": lambda topic, department, agent: 0,
          "topic": lambda topic, department, agent: topic,
          "department": lambda topic, department, agent: department,
          "agent": lambda topic, department, agent: agent}
BREAKDOWNS = ("topic", "department", "agent")


@dataclass
class _Cells:
    """Two SQL aggregates of the responses, per (help topic, department, agent) cell: the
    answers and total score per element, and the respondents with the cell's names. The
    index of any grouping adds up these cells (a few hundred rows at most)."""

    sums: list  # (topic, department, agent, question, answers, total)
    groups: list  # (topic, topic name, department, department name, agent, agent's name,
    #               agent's e-mail, respondents)

    @classmethod
    def read(cls, where):
        cell = (SurveyResponse.topic, SurveyResponse.department, SurveyResponse.agent)
        sums = (SurveyAnswer.select(*cell, SurveyAnswer.question, fn.COUNT(SurveyAnswer.id),
                                    fn.SUM(SurveyAnswer.score))
                .join(SurveyResponse).where(where)
                .group_by(*cell, SurveyAnswer.question).tuples())
        named = (SurveyResponse.topic, HelpTopic.name, SurveyResponse.department,
                 Department.name, SurveyResponse.agent, User.full_name, User.email)
        groups = (SurveyResponse.select(*named, fn.COUNT(SurveyResponse.id))
                  .join(HelpTopic, on=SurveyResponse.topic == HelpTopic.id)
                  .switch(SurveyResponse)
                  .join(Department, on=SurveyResponse.department == Department.id)
                  .switch(SurveyResponse)
                  .join(User, JOIN.LEFT_OUTER, on=SurveyResponse.agent == User.id)
                  .where(where).group_by(*named).tuples())
        return cls(list(sums), list(groups))

    def indexes(self, by, questions, grades):
        """{group key: Index} for one of GROUPS."""
        pick = GROUPS[by]
        per, counts = {}, {}
        for topic, department, agent, question, answers, total in self.sums:
            found = per.setdefault(pick(topic, department, agent), {}).setdefault(
                question, [0, 0])
            found[0] += int(answers)
            found[1] += int(total)
        for topic, _t, department, _d, agent, _n, _e, respondents in self.groups:
            key = pick(topic, department, agent)
            counts[key] = counts.get(key, 0) + int(respondents)
        return {key: Index(counts.get(key, 0),
                           [Element(q, *found[q.id]) for q in questions if q.id in found],
                           grades)
                for key, found in per.items()}

    def names(self, by):
        """{group key: name} for "topic", "department" or "agent"."""
        names = {}
        for topic, topic_name, department, department_name, agent, full_name, email, _n \
                in self.groups:
            names[GROUPS[by](topic, department, agent)] = {
                "topic": topic_name, "department": department_name,
                "agent": full_name or email}[by]
        return names


def index(period, filters=None):
    """The IKM of the period's responses (and filters: help topic, department)."""
    return panel(period, filters, comments=False).index


def breakdown(period, filters, by):
    """[(name, Index)] per help topic, department or agent (who had the ticket when it
    closed), best converted score first."""
    return panel(period, filters, comments=False).by[by]


def _breakdown(cells, by, questions, grades):
    found, names = cells.indexes(by, questions, grades), cells.names(by)
    rows = [(names.get(key) or "?", found[key]) for key in found if key is not None]
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


def panel(period, filters, comments=True):
    """The index of the period and filters, its breakdowns, and (``comments``) the
    latest comments: five statements, however many responses."""
    questions, grades = _reference()
    cells = _Cells.read(_responses(period, filters))
    whole = cells.indexes("all", questions, grades).get(0) or Index(0, [], grades)
    return Panel(whole, {by: _breakdown(cells, by, questions, grades) for by in BREAKDOWNS},
                 recent_comments(period, filters) if comments else [])
