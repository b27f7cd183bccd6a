"""What the portal adds to Flask-Security: the citizen's name at registration, and mail
through the outbox so that a registration never fails because the SMTP server is down."""
from flask import has_request_context
from flask_babel import get_locale, lazy_gettext as _l
from flask_security import MailUtil, RegisterFormV2
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from helpdesk import notifications


class RequiredOnTheWeb(DataRequired):
    """Required from people registering; optional for Flask-Security's ``users create``
    command, which validates with this same form outside any request."""

    def __call__(self, form, field):
        if has_request_context():
            super().__call__(form, field)


class RegisterForm(RegisterFormV2):
    full_name = StringField(
        _l("Full name"),
        validators=[RequiredOnTheWeb(message=_l("Please enter your full name.")),
                    Length(max=120, message=_l("At most %(max)d characters.", max=120))],
    )

    def to_dict(self, only_user):
        data = super().to_dict(only_user)
        data["full_name"] = (data.get("full_name") or "").strip()
        data["locale"] = str(get_locale())
        return data


class OutboxMailUtil(MailUtil):
    def send_mail(self, template, subject, recipient, sender, body, html, **kwargs):
        notifications.queue_rendered(
            recipient if isinstance(recipient, str) else recipient[1],
            str(subject), body, html, kind=f"account:{template}")
