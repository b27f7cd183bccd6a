"""Administrators edit the satisfaction survey (SKM): its questions (service elements),
the wording of each element's four-point scale and the grade bands, in Indonesian and
English, so a changed regulation needs no code change. Questions and scale points are
not deleted: the responses refer to them."""
from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired, NumberRange, ValidationError
from wtfpeewee.fields import SelectQueryField

from helpdesk.survey_models import SCALE, SurveyGrade, SurveyQuestion, SurveyScale

from .base import AdminOnly
from .directory import DirectoryView, Unique, required, strip

CATEGORY = _l("Survey (SKM)")
TEXT = {"filters": [strip], "validators": [required()]}


class QuestionView(AdminOnly, DirectoryView):
    column_list = ("position", "tag", "element_id", "element_en")
    column_labels = {"position": _l("Order"), "tag": _l("Tag"),
                     "element_id": _l("Element (Indonesian)"),
                     "element_en": _l("Element (English)"),
                     "question_id": _l("Question (Indonesian)"),
                     "question_en": _l("Question (English)")}
    column_default_sort = "position"
    form_columns = ("position", "tag", "element_id", "element_en", "question_id",
                    "question_en")
    duplicate_message = _l("Another question has this order.")
    form_args = {
        "position": {"label": _l("Order"), "validators": [
            InputRequired(message=_l("This field is required.")),
            NumberRange(1, 99, message=_l("Enter a number from %(min)s to %(max)s.")),
            Unique(SurveyQuestion.position, duplicate_message)]},
        "tag": {"label": _l("Tag"), **TEXT},
        "element_id": {"label": _l("Element (Indonesian)"), **TEXT},
        "element_en": {"label": _l("Element (English)"), **TEXT},
        "question_id": {"label": _l("Question (Indonesian)"), **TEXT},
        "question_en": {"label": _l("Question (English)"), **TEXT},
    }


def question_name(view, context, model, name):
    return str(model.question)


class OnePointPerScore:
    """A question has one wording per score."""

    def __call__(self, form, field):
        question = form.question.data
        if question is None or field.data is None:
            return
        query = SurveyScale.select().where(SurveyScale.question == question,
                                           SurveyScale.score == field.data)
        editing = getattr(form, "_obj", None)
        if editing is not None and editing.id is not None:
            query = query.where(SurveyScale.id != editing.id)
        if query.exists():
            raise ValidationError(_l("This question already has a wording for this score."))


class ScaleView(AdminOnly, DirectoryView):
    page_size = 50  # the nine elements' four points on one page
    column_list = ("question", "score", "label_id", "label_en")
    column_labels = {"question": _l("Question"), "score": _l("Score"),
                     "label_id": _l("Wording (Indonesian)"),
                     "label_en": _l("Wording (English)")}
    column_sortable_list = ("score",)
    column_default_sort = [("question", False), ("score", False)]
    column_formatters = {"question": question_name}
    form_columns = ("question", "score", "label_id", "label_en")
    form_overrides = {"question": SelectQueryField}
    duplicate_message = _l("This question already has a wording for this score.")
    form_args = {
        "question": {"label": _l("Question"), "validators": [required()],
                     "query": SurveyQuestion.select().order_by(SurveyQuestion.position)},
        "score": {"label": _l("Score"), "validators": [
            InputRequired(message=_l("This field is required.")),
            NumberRange(min(SCALE), max(SCALE),
                        message=_l("Enter a number from %(min)s to %(max)s.")),
            OnePointPerScore()]},
        "label_id": {"label": _l("Wording (Indonesian)"), **TEXT},
        "label_en": {"label": _l("Wording (English)"), **TEXT},
    }

    def get_query(self):
        return (SurveyScale.select(SurveyScale, SurveyQuestion).join(SurveyQuestion)
                .order_by(SurveyQuestion.position, SurveyScale.score))


class BandsInOrder:
    """A band runs from its lowest to its highest score, within 25..100."""

    def __call__(self, form, field):
        low, high = form.lowest.data, field.data
        if low is not None and high is not None and not 25 <= low <= high <= 100:
            raise ValidationError(_l("A band runs from 25 to 100, its lowest score not "
                                     "above its highest."))


class GradeView(AdminOnly, DirectoryView):
    can_delete = True
    column_list = ("letter", "lowest", "highest", "label_id", "label_en")
    column_labels = {"letter": _l("Grade"), "lowest": _l("From"), "highest": _l("To"),
                     "label_id": _l("Service quality (Indonesian)"),
                     "label_en": _l("Service quality (English)")}
    column_default_sort = [("lowest", True)]
    form_columns = ("letter", "lowest", "highest", "label_id", "label_en")
    duplicate_message = _l("This grade already exists.")
    form_args = {
        "letter": {"label": _l("Grade"), "filters": [strip], "validators": [
            required(), Unique(SurveyGrade.letter, duplicate_message)]},
        "lowest": {"label": _l("From"), "places": 2, "validators": [
            InputRequired(message=_l("This field is required."))]},
        "highest": {"label": _l("To"), "places": 2, "validators": [
            InputRequired(message=_l("This field is required.")), BandsInOrder()]},
        "label_id": {"label": _l("Service quality (Indonesian)"), **TEXT},
        "label_en": {"label": _l("Service quality (English)"), **TEXT},
    }


def register(admin):
    admin.add_view(QuestionView(SurveyQuestion, name=_l("Questions"), category=CATEGORY,
                                endpoint="survey_question"))
    admin.add_view(ScaleView(SurveyScale, name=_l("Scale wording"), category=CATEGORY,
                             endpoint="survey_scale"))
    admin.add_view(GradeView(SurveyGrade, name=_l("Grade bands"), category=CATEGORY,
                             endpoint="survey_grade"))
