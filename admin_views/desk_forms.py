"""The forms on the ticket page. Each has a prefix, so several share one page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Optional, ValidationError

from helpdesk.models import TicketStatus
from portal.forms import AttachmentsField, message_field


class _ChoiceForm(FlaskForm):
    """A form whose select is filled from the database for this ticket; a value not
    offered is refused with ``invalid`` (WTForms' own message has no translation)."""

    def _choose(self, field, options, blank, invalid):
        field.choices = [SelectChoice("", blank)] + [SelectChoice(str(k), str(v))
                                                     for k, v in options]
        field.validators = [*field.validators,
                            AnyOf([str(k) for k, _ in options], message=invalid)]


class ReplyForm(FlaskForm):
    canned = SelectField(_l("Start from a canned response"), validate_choice=False,
                         validators=[Optional()])
    message = message_field(_l("Reply to the requester"), _l("Please write the reply."))
    attachments = AttachmentsField(_l("Attachments"))
    status = SelectField(_l("Status after reply"), validate_choice=False)

    def __init__(self, canned, *args, **kwargs):
        super().__init__(*args, prefix="reply", **kwargs)
        self._canned = {str(c.id): c for c in canned}
        self.canned.choices = [SelectChoice("", _l("— none —"))] + [
            SelectChoice(key, c.title, render_kw={"data-body": c.body})
            for key, c in self._canned.items()]
        self.status.choices = [SelectChoice("", _l("unchanged"))] + [
            SelectChoice(k, v) for k, v in TicketStatus.LABELS.items()]

    def validate(self, extra_validators=None):
        """An empty reply with a canned response chosen sends that response (the page's
        script fills the box, this covers browsers without it)."""
        chosen = self._canned.get(self.canned.data or "")
        if chosen and not (self.message.data or "").strip():
            self.message.data = chosen.body
        return super().validate(extra_validators)

    def validate_canned(self, field):
        if field.data and field.data not in self._canned:
            raise ValidationError(_l("Please choose one of the listed canned responses."))

    def validate_status(self, field):
        if field.data and field.data not in TicketStatus.LABELS:
            raise ValidationError(_l("Please choose a listed status."))


class NoteForm(FlaskForm):
    message = message_field(_l("Internal note (staff only)"), _l("Please write the note."))
    attachments = AttachmentsField(_l("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="note", **kwargs)


class TransferForm(_ChoiceForm):
    department = SelectField(_l("Transfer to department"), validate_choice=False,
                             validators=[DataRequired(message=_l("Please choose a department."))])
    comment = message_field(_l("Reason for the transfer"),
                    _l("Please say why the ticket is transferred."))

    def __init__(self, departments, *args, **kwargs):
        super().__init__(*args, prefix="transfer", **kwargs)
        self._choose(self.department, [(d.id, d.name) for d in departments],
                     _l("— Choose a department —"),
                     _l("Please choose one of the listed departments."))


class StatusForm(_ChoiceForm):
    status = SelectField(_l("New status"), validate_choice=False,
                         validators=[DataRequired(message=_l("Please choose a status."))])
    comment = message_field(_l("Comment for the requester (optional)"), required_message=None)

    def __init__(self, current, *args, **kwargs):
        super().__init__(*args, prefix="status", **kwargs)
        self._choose(self.status, [(k, v) for k, v in TicketStatus.LABELS.items()
                                   if k != current], _l("— Choose a status —"),
                     _l("Please choose a listed status."))


class AssignForm(_ChoiceForm):
    agent = SelectField(_l("Assign to"), validate_choice=False,
                        validators=[DataRequired(message=_l("Please choose an agent."))])

    def __init__(self, agents, *args, **kwargs):
        super().__init__(*args, prefix="assign", **kwargs)
        self._choose(self.agent, [(a.id, a) for a in agents], _l("— Choose an agent —"),
                     _l("Please choose one of the department's agents."))
