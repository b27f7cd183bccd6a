"""Accounts opened by mail (INTAKE_UNKNOWN_SENDERS = "open"): a citizen who writes from an
address with no account gets one, without a password, and is mailed a link to choose it.
Choosing it proves the address is theirs, so the account is then confirmed."""
from flask import current_app
from flask_security import password_reset

from ..models import utcnow


def account_for(address, name=""):
    """A new citizen account for ``address`` (no password, not confirmed yet)."""
    datastore = current_app.extensions["security"].datastore
    return datastore.create_user(email=address, full_name=(name or address.split("@")[0])[:120],
                                 password=None,
                                 locale=current_app.config["BABEL_DEFAULT_LOCALE"])


def _confirm_on_reset(app, user, **extra):
    """A password chosen through the link mailed to the address confirms the address."""
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        user.save(only=[type(user).confirmed_at])


def init_app(app):
    password_reset.connect(_confirm_on_reset, app)
