"""What the portal adds to Flask-Security: the citizen's name at registration, the reason a
right password did not sign in, and mail through the outbox so that a registration never
fails because the SMTP server is down."""
from flask import current_app, g, has_request_context, request
from flask_babel import format_timedelta, get_locale, lazy_gettext as _l
from flask_security import (LoginForm as SecurityLoginForm, MailUtil, RegisterFormV2,
                            hash_password, reset_password_instructions_sent)
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from helpdesk import audit, notifications


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


class LoginForm(SecurityLoginForm):
    """With generic responses (``SECURITY_RETURN_GENERIC_RESPONSES``) Flask-Security 5.9
    turns every error of the address field into "Authentication failed", even when the
    password was right and the account only waits for its confirmation or is disabled.
    Whoever typed the right password may know why: those reasons move to the form's own
    errors, which the generic answer leaves alone. Nothing is told before the password
    is proven, so no address can be probed."""

    def validate(self, **kwargs):
        if super().validate(**kwargs):
            g.password_proven = True  # not a failed sign-in, even if a code is asked next
            return True
        typed = (self.email.raw_data or [""])[0].strip()
        forged = getattr(getattr(self, "csrf_token", None), "errors", None)
        if self.user is None and typed and not forged:
            # No account has this address: Flask-Security sends no signal. What was typed
            # is kept only if it looks like an address: a password typed in the wrong box
            # must not end up in the trail.
            address = "@" in typed
            audit.record("sign_in_failed", email=typed if address else "",
                         details={"reason": "unknown_address" if address else "not_an_address"})
        if getattr(self, "user_authenticated", False) and self.ifield is not None:
            self.form_errors.extend(self.ifield.errors)
            self.ifield.errors = []
        else:
            # The one answer for the form is read with both fields, whichever was wrong
            for field in (self.email, self.password):
                field.render_kw = {**(field.render_kw or {}), "aria-invalid": "true",
                                   "aria-describedby": "fs-form-errors"}
        return False


class OutboxMailUtil(MailUtil):
    def send_mail(self, template, subject, recipient, sender, body, html, **kwargs):
        notifications.queue_rendered(
            recipient if isinstance(recipient, str) else recipient[1],
            str(subject), body, html, kind=f"account:{template}")


def _as_long_as_an_unknown_address(app, **extra):
    """Flask-Security 5.9 answers a reset for an unknown address after hashing a dummy
    password; a known one is as slow only if it hashes one too. Only the public form:
    the desk's password e-mails are not timed by strangers."""
    if has_request_context() and request.endpoint == "security.forgot_password":
        hash_password("not-a-password")


def _confirmation_deadline():
    """How long a confirmation link works, in the mail's language, for the registration
    mail (Flask-Security gives it only to a new confirmation link's mail)."""
    return {"confirm_within": format_timedelta(
        current_app.config["SECURITY_CONFIRM_EMAIL_WITHIN"])}


def init_app(app):
    app.extensions["security"].mail_context_processor(_confirmation_deadline)
    reset_password_instructions_sent.connect(_as_long_as_an_unknown_address, app)
