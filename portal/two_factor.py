"""Two-factor sign-in with an authenticator app, through Flask-Security's own feature
(``SECURITY_TWO_FACTOR``; its views, forms and signals, our templates in
``templates/security/``).

What the app adds: each code accepted once; recovery codes kept as keyed digests, so that
they are shown once, when made, and each works once; the desk closed to a staff member without two-factor while
``STAFF_REQUIRE_2FA`` is on (who signs in is led to the setup by Flask-Security already,
through ``User.check_tf_required``; this catches sessions begun before). An administrator's
reset after a lost phone is ``helpdesk.accounts.reset_two_factor``."""
import hashlib
import hmac

from flask import current_app, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.models import User
from flask_security import MfRecoveryCodesUtil, Totp, TwoFactorRescueForm, TwoFactorSetupForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice


class OnceOnlyTotp(Totp):
    """Each code is accepted once per account (Flask-Security 5.9 leaves replay protection
    to the app through these two methods): the time step of the last accepted code is kept,
    and a code of that step or an earlier one is refused."""

    def get_last_counter(self, user):
        return user.tf_last_counter

    def set_last_counter(self, user, tmatch):
        user.tf_last_counter = tmatch.counter
        User.update(tf_last_counter=tmatch.counter).where(User.id == user.id).execute()


class RecoveryCodes(MfRecoveryCodesUtil):
    """Flask-Security's recovery codes, stored as HMAC digests keyed with the TOTP keys (a
    copy of the database alone gives no code away, and no page can show them again).
    Flask-Security 5.9 keeps them in plain text, or encrypted and shown on request. New
    codes use the newest key; codes made with an older key still in the setting work."""

    def _encrypt_codes(self, codes):
        newest = _keys()[-1]
        return [_digest(newest, code) for code in codes]

    def get_recovery_codes(self, user):
        return []  # only the digests are kept: codes are shown when made, never again

    def check_recovery_code(self, user, code):
        return self._index(user, code) is not None

    def delete_recovery_code(self, user, code):
        datastore = current_app.extensions["security"].datastore
        return datastore.mf_delete_recovery_code(user, self._index(user, code))

    @staticmethod
    def _index(user, code):
        stored = current_app.extensions["security"].datastore.mf_get_recovery_codes(user)
        for key in _keys():
            if _digest(key, code) in stored:
                return stored.index(_digest(key, code))
        return None


def _keys():
    """The TOTP keys, oldest first (tags "1", "2" ... as SECURITY_TOTP_SECRETS names them)."""
    secrets = current_app.config["SECURITY_TOTP_SECRETS"]
    return [str(secrets[tag]).encode()
            for tag in sorted(secrets, key=lambda t: (len(str(t)), str(t)))]


def _digest(key, code):
    normal = (code or "").strip().lower().encode()
    return hmac.new(key, b"recovery:" + normal, hashlib.sha256).hexdigest()


class Choices(list):
    """Radio choices as WTForms 3.3 wants them: Flask-Security 5.9 appends tuples (the
    recovery-code option of the rescue form), deprecated since WTForms 3.3."""

    def append(self, item):
        super().append(SelectChoice(*item) if isinstance(item, tuple) else item)


class SetupForm(TwoFactorSetupForm):
    setup = RadioField(_l("What would you like to do?"), validate_choice=False, choices=Choices([
        SelectChoice("disable", _l("Turn two-factor sign-in off")),
        SelectChoice("authenticator", _l("Set up an authenticator app"))]))


class RescueForm(TwoFactorRescueForm):
    help_setup = RadioField(_l("No access to your phone?"), choices=Choices([
        SelectChoice("help", _l("Ask an administrator to reset my two-factor sign-in"))]))


def has_recovery_codes(user):
    return bool(getattr(user, "mf_recovery_codes", None))


NEEDED = _l("Please set up two-factor sign-in first: the staff desk requires it.")


def _lead_staff_to_setup():
    """With STAFF_REQUIRE_2FA, no desk page opens for a staff member without two-factor."""
    if (request.path.startswith("/admin") and current_user.is_authenticated
            and not current_user.has_two_factor and current_user.must_use_two_factor()):
        flash(NEEDED, "warning")
        return redirect(url_for("security.two_factor_setup"))
    return None


def init_app(app):
    app.before_request(_lead_staff_to_setup)
    app.jinja_env.globals["has_recovery_codes"] = has_recovery_codes
