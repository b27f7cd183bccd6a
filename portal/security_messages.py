"""Flask-Security's messages that said too little: an expired or broken link printed the raw
setting ("5 days") or the word "token", a refused sign-in did not say what to do, and the
translated length message printed a control character (the library's msgid lacks the
``s`` of ``%(length)s``). Ours say what happened and what to do next; they are in our own
catalog (``messages``), since Flask-Security looks a message up in its domain and keeps
our lazy string when it has no entry for it."""
from flask_babel import LazyString, lazy_gettext as _l

CONFIRM_MENU = _l("Please ask for a new link under \"Confirm account\" below the sign-in "
                  "form; it is sent to your e-mail at once.")
RESET_MENU = _l("Please ask for a new link under \"Forgot password?\" below the sign-in form; "
                "it is sent to your e-mail at once.")
BROKEN = {"CONFIRMATION_EXPIRED": CONFIRM_MENU, "INVALID_CONFIRMATION_TOKEN": CONFIRM_MENU,
          "CONFIRMATION_REQUIRED": CONFIRM_MENU, "PASSWORD_RESET_EXPIRED": RESET_MENU,
          "INVALID_RESET_PASSWORD_TOKEN": RESET_MENU}
# what happened; %(next)s is the step above
HAPPENED = {
    "CONFIRMATION_EXPIRED": _l("This confirmation link is no longer valid. %(next)s"),
    "INVALID_CONFIRMATION_TOKEN": _l(
        "This confirmation link cannot be used: it may have been copied incompletely. Open "
        "the link from the latest e-mail again. %(next)s"),
    "CONFIRMATION_REQUIRED": _l(
        "Your e-mail address is not confirmed yet: please open the link in the e-mail we "
        "sent you when you registered. No e-mail? %(next)s"),
    "PASSWORD_RESET_EXPIRED": _l("This link to set a password is no longer valid. %(next)s"),
    "INVALID_RESET_PASSWORD_TOKEN": _l(
        "This link to set a password cannot be used: it may have been copied incompletely. "
        "Open the link from the latest e-mail again. %(next)s"),
}
CONFIRM_SUBJECT = _l("Confirm your e-mail address")
LENGTH = _l("Please enter at most %(length)s characters.")


def _with_next_step(key):
    return LazyString(lambda: str(HAPPENED[key]) % {"next": BROKEN[key]})


def init_app(app):
    """Before ``Security(app)``; a deployment's own ``SECURITY_MSG_*`` settings win."""
    for key in HAPPENED:
        app.config.setdefault(f"SECURITY_MSG_{key}", (_with_next_step(key), "error"))
    app.config.setdefault("SECURITY_MSG_INVALID_INPUT_LENGTH", (LENGTH, "error"))
    # subjects that say what the mail is for ("Welcome" did not)
    app.config.setdefault("SECURITY_EMAIL_SUBJECT_REGISTER", CONFIRM_SUBJECT)
    app.config.setdefault("SECURITY_EMAIL_SUBJECT_CONFIRM", CONFIRM_SUBJECT)
