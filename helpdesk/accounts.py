"""Account sessions: every signed-in session and remember-me cookie names the account by its
``fs_uniquifier`` (Flask-Security loads the user by it on every request), so giving the
account a new one ends them all at once. Done at sign-out, when a user signs out their
other devices, and when an administrator deactivates an account or changes its roles or
resets its two-factor sign-in."""
import uuid

from flask import current_app
from flask_security import tf_disabled
from peewee import JOIN

from . import prepared
from .models import Role, User, UserRoles


def new_session_key():
    return uuid.uuid4().hex


def end_sessions(user):
    """Every session and remember-me cookie of ``user`` is refused from now on."""
    user.fs_uniquifier = new_session_key()
    User.update(fs_uniquifier=user.fs_uniquifier).where(User.id == user.id).execute()


_SESSION_SQL = {}  # kind of database -> the statement of session_user


def session_user(key):
    """The account whose ``fs_uniquifier`` is ``key`` (None if there is none), with its
    roles, in one statement. Flask-Security looks the account up on every signed-in
    request; peewee building that statement and the roles' one took longer than the
    database answering them, so the SQL is built once per kind of database."""
    database = User._meta.database
    kind = type(getattr(database, "obj", database))
    if kind not in _SESSION_SQL:
        _SESSION_SQL[kind] = (
            User.select(User, UserRoles.id, Role)
            .join(UserRoles, JOIN.LEFT_OUTER).join(Role, JOIN.LEFT_OUTER)
            .where(User.fs_uniquifier == "").sql()[0])
    rows = prepared.execute(_SESSION_SQL[kind], (key,)).fetchall()
    if not rows:
        return None
    user_fields, role_fields = User._meta.sorted_fields, Role._meta.sorted_fields
    user = _loaded(User, user_fields, rows[0])
    links = [_loaded(UserRoles, (), (), id=row[len(user_fields)], user=user,
                     role=_loaded(Role, role_fields, row[len(user_fields) + 1:]))
             for row in rows if row[len(user_fields)] is not None]
    user.__dict__["roles"] = links  # this object only; the backref query stays for others
    user.__dict__["_role_names"] = {link.role.name for link in links}
    return user


def _loaded(model, fields, row, **related):
    """A model instance as peewee makes one from a row it read."""
    instance = model(__no_default__=1, **related,
                     **{field.name: field.python_value(value) for field, value in zip(fields, row)})
    instance._dirty.clear()
    return instance


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
