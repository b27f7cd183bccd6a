"""What the accounts' own flows add to the audit trail (``helpdesk.audit``), from the
signals of Flask-Security and Flask-Login: sign-in and its failures, sign-out, password
change and reset, e-mail confirmation and the second factor's changes.

Flask-Security 5.9 signals a failed password or code only for an existing account
(``user_failed_authn``); an address no account has is recorded by the sign-in form
(``portal/security_forms.py``). It sends no signal for recovery codes: their two views are
recorded after they answered with success.
"""
from flask import has_request_context, request
from flask_login import current_user, user_logged_out
from flask_security import (password_changed, password_reset, tf_disabled,
                            tf_profile_changed, user_authenticated, user_confirmed,
                            user_failed_authn)

from helpdesk import audit


def _remote_address():
    """The client's address as ProxyFix left it (``TRUSTED_PROXIES``)."""
    return (request.remote_addr or "") if has_request_context() else ""


def _acting(user):
    """The signed-in person doing it (an administrator resetting someone's second factor),
    else the account's owner."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return user


def _for_own_account(action, *kept):
    """A handler recording ``action`` on the signal's account, with the ``kept`` arguments
    of the signal (never a secret: these signals carry none)."""
    def handler(app, user, **extra):
        audit.record(action, by=_acting(user), target=user,
                     details={k: str(extra[k]) for k in kept if extra.get(k) is not None})
    return handler


def _signed_in(app, user, authn_via=None, **extra):
    if list(authn_via or []) == ["session"]:
        return  # the same browser signed in again ("sign out my other devices")
    audit.record("sign_in", by=user, target=user, details={"via": list(authn_via or [])})


def _failed(app, user, auth_type=None, tfa=False, **extra):
    audit.record("sign_in_failed", by=user, target=user,
                 details={"reason": "second_factor" if tfa else str(auth_type)})


def _signed_out(app, user, **extra):
    if user is not None and getattr(user, "id", None):
        audit.record("sign_out", by=user, target=user)


# Flask-Security 5.9's recovery-code views, which send no signal: endpoint → action
RECOVERY_VIEWS = {"security.mf_recovery_codes": "recovery_codes_made",
                  "security.mf_recovery": "recovery_code_used"}


def _recovery_codes(response):
    """New codes are shown on the page (200); a code accepted signs in (a redirect)."""
    action = RECOVERY_VIEWS.get(request.endpoint)
    success = {"recovery_codes_made": 200, "recovery_code_used": 302}.get(action)
    if request.method == "POST" and response.status_code == success:
        user = current_user._get_current_object() if current_user.is_authenticated else None
        audit.record(action, by=user, target=user)
    return response


HANDLERS = (
    (user_authenticated, _signed_in),
    (user_failed_authn, _failed),
    (user_logged_out, _signed_out),
    (password_changed, _for_own_account("password_changed")),
    (password_reset, _for_own_account("password_reset")),
    (user_confirmed, _for_own_account("email_confirmed")),
    (tf_profile_changed, _for_own_account("two_factor_changed", "method")),
    (tf_disabled, _for_own_account("two_factor_disabled")),
)


def init_app(app):
    audit.client_address = _remote_address
    for signal, handler in HANDLERS:
        signal.connect(handler, app)
    app.after_request(_recovery_codes)
