"""Account sessions: every signed-in session and remember-me cookie names the account by its
``fs_uniquifier`` (Flask-Security loads the user by it on every request), so giving the
account a new one ends them all at once. Done at sign-out, when a user signs out their
other devices, and when an administrator deactivates an account or changes its roles."""
import uuid

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
