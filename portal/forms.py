"""Forms of the public portal. Every message is translated; files are checked by content."""
import re
import secrets
from functools import lru_cache
from types import MappingProxyType

from flask import current_app
from flask_babel import format_number, get_locale, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from helpdesk import uploads


class AttachmentsField(MultipleFileField):
    """Several files, each checked by ``helpdesk.uploads``; the accepted ones land in
    ``checked`` and every refused one is named in the field's errors."""

    checked = ()

    def pre_validate(self, form):
        config = current_app.config
        files = [f for f in (self.data or []) if f and f.filename]
        if len(files) > config["UPLOAD_MAX_FILES"]:
            raise ValidationError(_l("At most %(max)d files can be attached (you chose %(n)d).",
                                     max=config["UPLOAD_MAX_FILES"], n=len(files)))
        checked, errors = [], []
        for storage in files:
            try:
                checked.append(uploads.check(storage, config["UPLOAD_EXTENSIONS"],
                                             config["UPLOAD_MAX_FILE_SIZE"]))
            except uploads.UploadRejected as exc:
                errors.append(str(exc.args[0]))
        self.errors.extend(errors)
        self.checked = checked if not errors else ()


def upload_limits():
    """The upload rules, for the page's hints and its file-list script (made once per
    language and settings: the size in the locale's notation took a tenth of the
    new-ticket form's view)."""
    config = current_app.config
    return _limits(str(get_locale()), config["UPLOAD_MAX_FILES"],
                   config["UPLOAD_MAX_FILE_SIZE"], tuple(config["UPLOAD_EXTENSIONS"]))


@lru_cache(maxsize=32)
def _limits(locale, max_files, max_bytes, extensions):
    return MappingProxyType({"max_files": max_files, "max_mb": uploads.megabytes(max_bytes),
                             "max_bytes": max_bytes, "extensions": list(extensions),
                             "accept": ",".join("." + ext for ext in extensions),
                             # the rules in one value, for a key of fields kept rendered
                             "key": (locale, max_files, max_bytes, extensions)})


class MessageLength:
    """At most ``MESSAGE_MAX_LENGTH`` characters (read per request), counted as the
    textarea's ``maxlength`` counts them: a line break is one character, though browsers
    send it as CR LF. The page states the limit and renders it as ``maxlength``."""

    def __call__(self, form, field):
        limit = current_app.config["MESSAGE_MAX_LENGTH"]
        length = len((field.data or "").replace("\r\n", "\n"))
        if length > limit:
            raise ValidationError(_("This text has %(count)s characters; at most %(max)s "
                                    "are allowed.", count=format_number(length),
                                    max=format_number(limit)))


def message_field(label, required_message=_l("Please describe the problem.")):
    """A message, reply, note or comment box (the portal's and the desk's)."""
    validators = [MessageLength()]
    if required_message:
        validators.insert(0, DataRequired(message=required_message))
    return TextAreaField(label, validators=validators)


SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _well_formed_key(value):
    """The one-time key as the page sent it, or None when it is missing or not one of ours
    (an old page, a script): the ticket is then opened without the repeat check."""
    return value if isinstance(value, str) and SUBMISSION_KEY.fullmatch(value) else None


class TicketForm(FlaskForm):
    # made when the form is first shown and sent back unchanged with it (also when the form
    # comes back with errors): the same form sent twice opens one ticket
    submission_key = HiddenField(filters=[_well_formed_key])
    topic = SelectField(_l("Help topic"), validate_choice=False,
                        validators=[DataRequired(message=_l("Please choose a help topic."))])
    subject = StringField(_l("Subject"), validators=[
        DataRequired(message=_l("Please write a short subject.")),
        Length(max=200, message=_l("At most %(max)d characters.", max=200)),
    ])
    message = message_field(_l("Describe the problem in detail"))
    attachments = AttachmentsField(_l("Attachments"))

    def __init__(self, topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics, self.topics_key = _topics_shown(topics)
        self.topic.choices = [SelectChoice("", _l("— Choose a help topic —"))] + [
            SelectChoice(str(t.id), t.name, render_kw={"data-description": t.description})
            for t in topics]
        self.sent_key = self.submission_key.data  # None when missing or malformed
        if not self.sent_key:
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_topic(self, field):
        if field.data not in self.topics:
            raise ValidationError(_l("Please choose one of the listed help topics."))

    @property
    def chosen_topic(self):
        return self.topics[self.topic.data]


def _topics_shown(topics):
    """The topics by id, and what the form shows of them (the key of its kept markup)."""
    return ({str(t.id): t for t in topics},
            tuple((t.id, t.name, t.description) for t in topics))


class ReplyForm(FlaskForm):
    message = message_field(_l("Your reply"))
    attachments = AttachmentsField(_l("Attachments"))


class ConfirmForm(FlaskForm):
    """"Yes, close it" (a button: the form carries only its CSRF token)."""


class UnsolvedForm(FlaskForm):
    message = message_field(_l("What is still not solved?"),
                            required_message=_l("Please tell us what is still not solved."))


class CloseForm(FlaskForm):
    comment = message_field(_l("Comment (optional)"), required_message=None)


# the requester's answers on a ticket page: action in the URL -> its form, prefixed
ANSWER_FORMS = {"confirm": ConfirmForm, "unsolved": UnsolvedForm, "close": CloseForm}


class AnswerForms:
    """The answer forms of a ticket page, blank, by action (``answers.close``), each with
    its own field prefix and made when the page first uses it: a ticket page shows one
    or two of them, by the ticket's status."""

    def __getattr__(self, action):
        if action not in ANSWER_FORMS:
            raise AttributeError(action)
        form = Blank(ANSWER_FORMS[action], prefix=action, formdata=None)
        setattr(self, action, form)
        return form


class _TokenOnly(FlaskForm):
    """A form of its CSRF token alone."""


class _NewTicketHidden(FlaskForm):
    """The new-ticket form's hidden fields: its CSRF token and one-time key."""
    submission_key = HiddenField()


class Blank:
    """A form not sent, as a page shows it: its hidden fields are made by a form of those
    fields alone (``hidden``: the same names, prefix and token), and the form itself only
    when the page uses another of its fields. The pages keep their blank fields' markup
    (``kept_markup``), so mostly it is never made: a ticket page's reply form took 0.15
    ms to make, its token alone 0.05; the new-ticket form 0.26, its hidden fields 0.06."""

    errors = {}

    def __init__(self, form_class, *args, hidden=_TokenOnly, **kwargs):
        self._made = lambda: form_class(*args, **kwargs)
        self._hidden = hidden(prefix=kwargs.get("prefix", ""), formdata=None)
        self._form = None

    def is_submitted(self):
        return False

    def __getattr__(self, name):
        if self._form is None and name in self._hidden._fields:
            return self._hidden[name]
        if self._form is None:
            self._form = self._made()
        return getattr(self._form, name)


class BlankTicketForm(Blank):
    """The new-ticket form as first shown (``Blank``), with a new one-time key."""

    def __init__(self, topics):
        super().__init__(TicketForm, topics, hidden=_NewTicketHidden, formdata=None)
        self.topics, self.topics_key = _topics_shown(topics)
        self._hidden.submission_key.data = secrets.token_urlsafe(24)


class StatusCheckForm(FlaskForm):
    number = StringField(_l("Ticket number"), validators=[
        DataRequired(message=_l("Please enter the ticket number.")),
        Regexp(r"^\s*(Ticket)?\s*#?\s*\d{7}\s*$", flags=re.IGNORECASE,
               message=_l("A ticket number has 7 digits, such as 8881358."))])
    email = StringField(_l("Your e-mail address"), validators=[
        DataRequired(message=_l("Please enter your e-mail address.")),
        Length(max=255, message=_l("At most %(max)d characters.", max=255))])
