"""Account sessions: every signed-in session and remember-me cookie names the account by its
``fs_uniquifier`` (Flask-Security loads the user by it on every request), so giving the
account a new one ends them all at once. Done at sign-out, when a user signs out their
other devices, and when an administrator deactivates an account or changes its roles or
resets its two-factor sign-in."""
import uuid

from flask import current_app
from flask_security import tf_disabled

from .models import Role, User, UserRoles


def new_session_key():
    return uuid.uuid4().hex


def end_sessions(user):
    """Every session and remember-me cookie of ``user`` is refused from now on."""
    user.fs_uniquifier = new_session_key()
    User.update(fs_uniquifier=user.fs_uniquifier).where(User.id == user.id).execute()


def with_roles(user):
    """``user`` with its roles read in one query, where ``user.roles`` (Flask-Security walks
    it on every request) would cost one query for the links and one per role, and
    ``user.role_names`` another."""
    links = list(UserRoles.select(UserRoles, Role).join(Role)
                 .where(UserRoles.user == user.id))
    user.__dict__["roles"] = links  # this object only; the backref query stays for others
    user.__dict__["_role_names"] = {link.role.name for link in links}
    return user


def role_names(user):
    return {name for (name,) in Role.select(Role.name).join(UserRoles)
            .where(UserRoles.user == user).tuples()}


def reset_two_factor(user):
    """A lost phone: the account's two-factor sign-in and recovery codes are removed and
    its sessions end; the owner signs in with the password and may set it up again.
    Flask-Security's ``tf_disable`` would also clear the *current* session's two-factor
    state (the administrator's), so its two steps are taken here, signal included."""
    datastore = current_app.extensions["security"].datastore
    datastore.tf_reset(user)
    datastore.mf_set_recovery_codes(user, None)
    end_sessions(user)
    tf_disabled.send(current_app._get_current_object(),
                     _async_wrapper=current_app.ensure_sync, user=user)
