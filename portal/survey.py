"""The satisfaction survey's pages: the link from the invitation (no password), the
answers, the thanks. A link that cannot be answered gets a page that says why."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from helpdesk import lifecycle, survey
from helpdesk.db import utcnow
from helpdesk.survey_models import SCALE

survey_pages = Blueprint("survey", __name__, url_prefix="/survey")
COMMENT_MAX = 2000


class SurveyForm(FlaskForm):
    """The comment and the CSRF token; the answers are radio groups read by ``answers``."""

    comment = TextAreaField(_l("Anything else you want to tell us? (optional)"),
                            validators=[Length(max=COMMENT_MAX, message=_l(
                                "At most %(max)d characters, please.", max=COMMENT_MAX))])


def answers(questions, form):
    """({question id: score}, {question id: error}) from the posted radio groups."""
    chosen, errors = {}, {}
    for question in questions:
        value = form.get(f"q{question.id}", "")
        if value.isdigit() and int(value) in SCALE:
            chosen[question.id] = int(value)
        else:
            errors[question.id] = _("Please choose one answer.")
    return chosen, errors


@survey_pages.route("/<token>", methods=("GET", "POST"))
def answer(token):
    try:
        invitation = survey.invitation_from(token, utcnow())
    except survey.Refused as refused:
        return _refused(refused)
    questions = survey.questions()
    form = SurveyForm()
    chosen, errors = {}, {}
    if request.method == "POST":
        chosen, errors = answers(questions, request.form)
        if form.validate_on_submit() and not errors:
            try:
                lifecycle.rate(invitation, by=invitation.ticket.requester, answers=chosen,
                               comment=form.comment.data)
            except survey.Refused as refused:
                return _refused(refused)
            return redirect(url_for(".thanks"))
    return render_template("portal/survey.html", ticket=invitation.ticket, form=form,
                           questions=questions, chosen=chosen, errors=errors,
                           comment_max=COMMENT_MAX), 400 if errors or form.errors else 200


@survey_pages.route("/thanks")
def thanks():
    return render_template("portal/survey_thanks.html")


def _refused(refused):
    title, advice = refused.args
    return render_template("portal/survey_refused.html", title=str(title),
                           advice=str(advice)), refused.http_status
