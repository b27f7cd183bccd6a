"""The audit trail: who signed in (or failed to), changed a password, a second factor, an
account, the directory, exported data or acted on many tickets at once; when, from which
client address, and what changed.

``record()`` is the one writer. It runs in the caller's transaction when there is one, so
an entry exists only if the change it describes was committed. It never stores a secret:
detail keys that name one (password, token, code, secret...) are refused.

Like the rest of the domain it does not read the request: the web layer installs
``client_address`` (``ops/audit_signals.py``), which the CLI leaves empty.
"""
import json
import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from .models import AuditEntry, User, utcnow

ACTIONS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Sign-in failed"),
    "sign_out": _l("Signed out"),
    "sessions_ended": _l("Signed out on other devices"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset"),
    "email_confirmed": _l("E-mail address confirmed"),
    "two_factor_changed": _l("Two-factor sign-in set up"),
    "two_factor_disabled": _l("Two-factor sign-in turned off"),
    "recovery_codes_made": _l("Recovery codes made"),
    "recovery_code_used": _l("Recovery code used"),
    "account_created": _l("Account created"),
    "account_changed": _l("Account changed"),
    "roles_changed": _l("Roles changed"),
    "departments_changed": _l("Departments changed"),
    "account_activated": _l("Account activated"),
    "account_deactivated": _l("Account deactivated"),
    "directory_created": _l("Directory entry created"),
    "directory_changed": _l("Directory entry changed"),
    "directory_deleted": _l("Directory entry deleted"),
    "export": _l("Data exported"),
    "bulk_action": _l("Bulk action on tickets"),
}
# what an entry concerns (its target's kind), as shown
KINDS = {
    "user": _l("User"),
    "role": _l("Role"),
    "department": _l("Department"),
    "topic": _l("Help topic"),
    "canned": _l("Canned response"),
    "sla_plan": _l("SLA plan"),
    "work_calendar": _l("Working calendar"),
    "ticket": _l("Tickets"),
    "report": _l("Reports"),
    "audit_entry": _l("Audit trail"),
    "survey_question": _l("Survey question"),
    "survey_scale": _l("Survey scale wording"),
    "survey_grade": _l("Survey grade band"),
}
SECRET_KEY = re.compile(r"password|token|secret|code|otp|totp|recovery|csrf", re.I)
FEW = 20  # the ids of at most this many tickets are listed in an entry


def client_address():
    """The client's address for an entry; replaced by the web layer."""
    return ""


def label(action):
    return ACTIONS.get(action, action)


def kind_label(kind):
    return KINDS.get(kind, kind)


def record(action, *, by=None, email=None, target=None, kind="", target_id=None,
           target_label="", details=None, address=None, now=None):
    """Write one entry. ``by`` is the acting user (or None: anonymous, the CLI); ``email``
    the address typed when there is no account to name. ``target`` a model row whose kind,
    id and label are kept, or ``kind``/``target_id``/``target_label`` given directly."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    details = details or {}
    secret = [key for key in _keys(details) if SECRET_KEY.search(key)]
    if secret:
        raise ValueError(f"audit details may not hold secrets: {secret}")
    if target is not None:
        kind = kind or type(target).__name__.lower()
        target_id = target.id
        target_label = target_label or str(target)
    actor = by if isinstance(by, User) and by.id else None
    return AuditEntry.create(
        at=now or utcnow(), actor=actor,
        actor_email=(actor.email if actor else (email or "").strip())[:255],
        action=action, target_kind=kind, target_id=target_id,
        target_label=str(target_label)[:255],
        address=(client_address() if address is None else address or "")[:64],
        details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True))


def _keys(details):
    """Every key of a nested dict of details."""
    for key, value in details.items():
        yield str(key)
        if isinstance(value, dict):
            yield from _keys(value)


LONGEST = 500  # characters of a changed text kept in an entry


def plain(value):
    """A field's value as an entry keeps it: a row by its name, long text shortened."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple, set)):
        return sorted(plain(v) for v in value)
    text = str(value)
    return text if len(text) <= LONGEST else text[:LONGEST] + "…"


def changes(before, after):
    """``{field: [old, new]}`` for each field whose value differs (None: no such row)."""
    before, after = before or {}, after or {}
    return {name: [before.get(name), after.get(name)] for name in sorted({*before, *after})
            if before.get(name) != after.get(name)}


def record_directory_change(row, before, after, *, by, kind):
    """A directory row created (``before`` None), changed or deleted (``after`` None)."""
    action = ("directory_created" if before is None else
              "directory_deleted" if after is None else "directory_changed")
    changed = changes(before, after)
    if changed or action != "directory_changed":
        record(action, by=by, target=row, kind=kind, details={"changes": changed})


def record_account_change(user, before, after, *, by, kind):
    """An account created, or each kind of change made to it: its roles, its departments,
    its activation, its other fields, each an entry of its own."""
    changed = changes(before, after)
    if before is None:
        record("account_created", by=by, target=user, kind=kind, details={"changes": changed})
        return
    for field, action in (("roles", "roles_changed"), ("departments", "departments_changed")):
        if field in changed:
            record(action, by=by, target=user, kind=kind,
                   details={"changes": {field: changed.pop(field)}})
    if "active" in changed:
        changed.pop("active")
        record("account_activated" if after["active"] else "account_deactivated", by=by,
               target=user, kind=kind)
    if changed:
        record("account_changed", by=by, target=user, kind=kind, details={"changes": changed})


def ids_if_few(ids):
    """The ticket ids an entry lists: all of them when few, else none (the count says)."""
    ids = sorted(int(i) for i in ids)
    return ids if len(ids) <= FEW else None


def prune(days, now=None):
    """Delete the entries older than ``days`` days; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=int(days))
    return AuditEntry.delete().where(AuditEntry.at < cutoff).execute()
