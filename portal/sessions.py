"""Sign-out ends the session for good: a session or remember-me cookie copied before it is
refused afterwards, because the account gets a new ``fs_uniquifier`` (``helpdesk.accounts``)
and both cookies name the old one. Signing out therefore signs out every device of the
account; "sign out my other devices" does the same, then signs this browser in again.

The session cookie is Flask's, signed and read by one serializer per secret key."""
from flask import flash, redirect, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, user_logged_out
from flask_security import PeeweeUserDatastore, login_required, login_user

from helpdesk import accounts, audit

from .views import portal


class UserDatastore(PeeweeUserDatastore):
    """Flask-Security's datastore; the account a session or remember-me cookie names
    (looked up by ``fs_uniquifier`` on every signed-in request) comes with its roles."""

    def find_user(self, case_insensitive=False, **kwargs):
        if list(kwargs) == ["fs_uniquifier"] and not case_insensitive:
            return accounts.session_user(str(kwargs["fs_uniquifier"]))
        return super().find_user(case_insensitive, **kwargs)


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session, whose serializer is made once per set of secret keys:
    Flask (3.1) builds a new one, with its signers' settings, to read the cookie and again
    to write it, in every request (about a tenth of a millisecond of a page of two). The
    serializer keeps no state between calls; the cookie's bytes are Flask's."""

    def __init__(self):
        self._made = (None, None)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, serializer = self._made
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._made = (keys, serializer)
        return serializer


def _end_sessions(app, user):
    if user is not None and getattr(user, "id", None):
        accounts.end_sessions(user)


@portal.route("/account/sign-out-elsewhere", methods=("POST",))
@login_required
def sign_out_elsewhere():
    user = current_user._get_current_object()
    accounts.end_sessions(user)
    audit.record("sessions_ended", by=user, target=user)
    login_user(user, authn_via=["session"])
    flash(_("You were signed out on every other device."), "success")
    return redirect(url_for("portal.tickets"))


def init_app(app):
    app.session_interface = SessionCookie()
    user_logged_out.connect(_end_sessions, app)
