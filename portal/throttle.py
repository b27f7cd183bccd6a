"""Throttling (Flask-Limiter): how often one account and one client address may sign in,
register, ask for mail, open tickets, reply and act on the desk.

Every limit is a setting (``THROTTLE_*`` in ``helpdesk.settings``); the counts live in
memory, or in Redis for several app servers (``RATELIMIT_STORAGE_URI``). A refused request
gets the translated 429 page with ``Retry-After``.

Sign-in counts only failed attempts, in three buckets: per client address, per account
from clients it does not know, and per account *and* known device. A device becomes known
when someone signs in to the account from it: it keeps a signed cookie naming the account
(OWASP's "device cookies"). So an attacker who guesses at a password from anywhere fills
only the unknown-devices bucket, and the owner, at a browser that signed in before, keeps
signing in; from a new browser the owner waits at most the window of the account limit.
Addresses are kept in the counters only as keyed hashes.

The two-factor code (or a recovery code) after the password is counted like the password:
failed attempts only, per account and per client address, the app's code and the recovery
codes in one bucket; a right password before it is not a failure.
"""
import hashlib
import hmac
import secrets
import time

from flask import current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_security import (current_user, tf_code_confirmed, tf_profile_changed,
                            user_authenticated)
from itsdangerous import BadSignature, URLSafeSerializer

from helpdesk.models import User

from .throttle_memory import storage_uri

DEVICE_COOKIE = "helpdesk_device"
DEVICES_KEPT = 5  # accounts one browser remembers signing in to
# where a sign-in completes: the password, or the code that follows it
DEVICE_ENDPOINTS = ("security.login", "security.two_factor_token_validation",
                    "security.mf_recovery")

# endpoint → (setting per account, setting per client address); POSTs only
ANONYMOUS_FORMS = {
    "security.register": ("THROTTLE_MAIL_ACCOUNT", "THROTTLE_REGISTER_ADDRESS"),
    "security.forgot_password": ("THROTTLE_MAIL_ACCOUNT", "THROTTLE_MAIL_ADDRESS"),
    "security.send_confirmation": ("THROTTLE_MAIL_ACCOUNT", "THROTTLE_MAIL_ADDRESS"),
    "status.check": ("THROTTLE_MAIL_ACCOUNT", "THROTTLE_MAIL_ADDRESS"),  # mails a link
}
SIGNED_IN_FORMS = {
    "portal.new_ticket": ("THROTTLE_TICKET_ACCOUNT", "THROTTLE_TICKET_ADDRESS"),
    "portal.ticket": ("THROTTLE_REPLY_ACCOUNT", "THROTTLE_REPLY_ADDRESS"),
    "portal.answer": ("THROTTLE_REPLY_ACCOUNT", "THROTTLE_REPLY_ADDRESS"),
    "security.change_password": ("THROTTLE_SIGN_IN_ACCOUNT", "THROTTLE_SIGN_IN_ADDRESS"),
}
TOKEN_FORMS = {"security.reset_password": "THROTTLE_MAIL_ADDRESS",  # the new password
               "status.ticket": "THROTTLE_REPLY_ADDRESS",  # a status link's reply
               "status.answer": "THROTTLE_REPLY_ADDRESS"}
# where a two-factor or recovery code is checked: one bucket for all of them
CODE_FORMS = ("security.two_factor_token_validation", "security.two_factor_setup_validate",
              "security.mf_recovery")
LIMITED = ["POST"]  # the methods every limit below counts
# Flask-Limiter's settings for limits on every request, whatever its method
EVERY_REQUEST = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def _not_limited():
    return request.method not in LIMITED


def _setting(name):
    return lambda: current_app.config[name]


def _address():
    return "addr:" + get_remote_address()


def _submitted_email():
    data = request.get_json(silent=True) if request.is_json else request.form
    value = data.get("email") if hasattr(data, "get") else None
    return value.strip().lower() if isinstance(value, str) else ""


def account_hash(email):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"throttle:" + email.encode(), hashlib.sha256).hexdigest()[:32]


def _named_account():
    return "acct:" + account_hash(_submitted_email())


def _no_email():
    return not _submitted_email()


def _signed_in_account():
    return f"user:{current_user.id}"


def _anonymous():
    return not current_user.is_authenticated


def _signed_in(app, user, **extra):
    g.signed_in_user = user  # Flask-Security's user_authenticated signal


def _failed(response):
    """A sign-in that did not sign anyone in, nor proved the password before a code."""
    return "signed_in_user" not in g and not g.get("password_proven")


def _code_accepted(app, **extra):
    g.code_accepted = True  # Flask-Security's tf_code_confirmed and tf_profile_changed


def _code_failed(response):
    return "signed_in_user" not in g and "code_accepted" not in g


def _code_account():
    """The account whose code is asked: signed in (changing its setup) or between the
    password and the code (Flask-Security keeps it in the session)."""
    if current_user.is_authenticated:
        return f"code:{current_user.id}"
    uniquifier = session.get("tf_user_id") or ""
    found = User.select(User.id).where(User.fs_uniquifier == uniquifier).first()
    return f"code:{found.id if found else 'none'}"


def _not_asking_for_help():
    """The rescue form mails the administrators only for "help"."""
    return request.form.get("help_setup") != "help"


# Known devices -------------------------------------------------------------------------

def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="helpdesk-device")


def _devices():
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        devices = _serializer().loads(raw)
    except BadSignature:
        return []
    return [d for d in devices if isinstance(d, list) and len(d) == 2]


def _device_nonce():
    """This browser's nonce for the account being signed in to, if it signed in before."""
    account = account_hash(_submitted_email())
    return next((nonce for acct, nonce in _devices() if acct == account), None)


def _known_device():
    return _device_nonce() is not None


def _account_on_device():
    return f"dev:{account_hash(_submitted_email())}:{_device_nonce()}"


def _unknown_device_or_no_email():
    return _no_email() or not _known_device()


def remember_device(response):
    """After a successful sign-in, this browser becomes a known device of the account."""
    user = g.get("signed_in_user")
    if user is None or request.endpoint not in DEVICE_ENDPOINTS or _known_device():
        return response
    account = account_hash(user.email.strip().lower())
    devices = [d for d in _devices() if d[0] != account]
    devices = ([[account, secrets.token_urlsafe(12)]] + devices)[:DEVICES_KEPT]
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE, _serializer().dumps(devices),
        max_age=int(config["THROTTLE_DEVICE_DAYS"]) * 86400,
        secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


# Wiring --------------------------------------------------------------------------------

def init_app(app, admin):
    """Call after every blueprint and the desk are registered."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter = Limiter(key_func=get_remote_address, app=app, headers_enabled=False,
                      strategy="moving-window",
                      storage_uri=storage_uri(app.config["RATELIMIT_STORAGE_URI"]))
    app.extensions["throttle"] = limiter
    if not any(app.config.get(name) for name in EVERY_REQUEST):
        # Nothing limits another method: spare each such request (the pages) Flask-Limiter
        # resolving the desk's limits, some tenth of a short page's time, to drop them,
        # and then its check itself (its exemptions and context, before the filter).
        limiter.request_filter(_not_limited)
        _check_limited_methods_only(app, limiter)
    views = app.view_functions

    sign_in = limiter.limit(_setting("THROTTLE_SIGN_IN_ADDRESS"), key_func=_address,
                            methods=LIMITED, deduct_when=_failed)(views["security.login"])
    sign_in = limiter.limit(_setting("THROTTLE_SIGN_IN_ACCOUNT"), key_func=_named_account,
                            methods=LIMITED, deduct_when=_failed,
                            exempt_when=lambda: _no_email() or _known_device())(sign_in)
    views["security.login"] = limiter.limit(
        _setting("THROTTLE_SIGN_IN_DEVICE"), key_func=_account_on_device, methods=LIMITED,
        deduct_when=_failed, exempt_when=_unknown_device_or_no_email)(sign_in)

    for endpoint, (per_account, per_address) in ANONYMOUS_FORMS.items():
        view = limiter.limit(_setting(per_address), key_func=_address,
                             methods=LIMITED)(views[endpoint])
        views[endpoint] = limiter.limit(_setting(per_account), key_func=_named_account,
                                        methods=LIMITED, exempt_when=_no_email)(view)
    for endpoint, (per_account, per_address) in SIGNED_IN_FORMS.items():
        view = limiter.limit(_setting(per_address), key_func=_address,
                             methods=LIMITED)(views[endpoint])
        views[endpoint] = limiter.limit(_setting(per_account), key_func=_signed_in_account,
                                        methods=LIMITED, exempt_when=_anonymous)(view)
    for endpoint, per_address in TOKEN_FORMS.items():
        if endpoint in views:
            views[endpoint] = limiter.limit(_setting(per_address), key_func=_address,
                                            methods=LIMITED)(views[endpoint])
    _limit_codes(limiter, views)
    for view in admin._views:
        limiter.limit(_setting("THROTTLE_DESK_ADDRESS"), key_func=_address,
                      methods=LIMITED)(view.blueprint)
        limiter.limit(_setting("THROTTLE_DESK_ACCOUNT"), key_func=_signed_in_account,
                      methods=LIMITED, exempt_when=_anonymous)(view.blueprint)
    user_authenticated.connect(_signed_in, app)
    tf_code_confirmed.connect(_code_accepted, app)
    tf_profile_changed.connect(_code_accepted, app)
    app.after_request(remember_device)
    return limiter


def _check_limited_methods_only(app, limiter):
    """Flask-Limiter's check before each request, run for the LIMITED methods only."""
    check = limiter._check_request_limit  # what Flask-Limiter registered (4.1)
    hooks = app.before_request_funcs.setdefault(None, [])
    if check not in hooks:
        return

    def _check_request_limit():
        if request.method in LIMITED:
            return check()
    hooks[hooks.index(check)] = _check_request_limit


def _limit_codes(limiter, views):
    for scope, setting, key in (("code-address", "THROTTLE_CODE_ADDRESS", _address),
                                ("code-account", "THROTTLE_CODE_ACCOUNT", _code_account)):
        shared = limiter.shared_limit(_setting(setting), scope, key_func=key,
                                      methods=LIMITED, deduct_when=_code_failed)
        for endpoint in CODE_FORMS:
            views[endpoint] = shared(views[endpoint])
    rescue = limiter.limit(_setting("THROTTLE_MAIL_ADDRESS"), key_func=_address,
                           methods=LIMITED, exempt_when=_not_asking_for_help)
    views["security.two_factor_rescue"] = limiter.limit(
        _setting("THROTTLE_MAIL_ACCOUNT"), key_func=_code_account, methods=LIMITED,
        exempt_when=_not_asking_for_help)(rescue(views["security.two_factor_rescue"]))


def seconds_to_wait():
    """How long the client refused now must wait before the limit it met lets it in."""
    breached = current_app.extensions["throttle"].current_limit
    if breached is None:
        return 60
    return max(1, int(breached.reset_at - time.time()))

