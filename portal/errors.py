"""Friendly, translated error pages.

Error pages never touch the database, so that they still render when it is the database
that failed: ``error.html`` shows no account links, and it is rendered from the Jinja
environment without Flask's context processors, because Flask-Login's loads the
signed-in user (a query) on every ``render_template``. A database that cannot be reached
answers 503 with ``Retry-After``; the broken connection is discarded at teardown
(``helpdesk.db``).
"""
import peewee
from flask import Response, current_app, request
from flask_babel import format_number, gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from helpdesk import uploads

from . import throttle
from .request_guard import ForbiddenCharacters

RETRY_AFTER_SECONDS = 30

PAGES = {
    400: (lambda: _("Request not understood"),
          lambda: _("The helpdesk could not read what your browser sent. Please go back, "
                    "reload the page and try again.")),
    403: (lambda: _("Access denied"),
          lambda: _("You do not have permission to open this page.")),
    404: (lambda: _("Page not found"),
          lambda: _("The page or ticket you are looking for does not exist, or this account "
                    "cannot see it. Please check the address, or find your ticket under "
                    "\"My tickets\". If another account opened the ticket, sign out and sign "
                    "in with that account.")),
    405: (lambda: _("This page cannot be opened this way"),
          lambda: _("This address only takes a form sent from the helpdesk's own pages. "
                    "Please go back to the previous page, reload it and use its button.")),
    429: (lambda: _("Too many requests"),
          lambda: _("You sent too many requests in a short time. Please wait a moment "
                    "and try again.")),
    500: (lambda: _("Something went wrong"),
          lambda: _("An unexpected error occurred. Nothing you already saved is lost; "
                    "please try again in a moment.")),
    503: (lambda: _("Temporarily unavailable"),
          lambda: _("The helpdesk cannot reach its database at the moment. Please try "
                    "again in a few minutes. If you were sending a form, check whether it "
                    "arrived before you send it again.")),
}


def error_page(code, title, text, headers=None):
    """The error page, rendered without the database (see the module's note)."""
    html = current_app.jinja_env.get_template("error.html").render(
        title=title, text=text, code=code)
    return Response(html, code, headers, mimetype="text/html")


def _page(code, headers=None):
    title, text = PAGES[code]
    return error_page(code, title(), text(), headers)


def _http_error(exc):
    """Every HTTP error Werkzeug or a view raises; unlisted codes get the general page
    of their class. The exception's own headers (``Allow``, ``Retry-After``) are kept."""
    code = exc.code if exc.code in PAGES else (400 if exc.code < 500 else 500)
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    title, text = PAGES[code]
    return error_page(exc.code, title(), text(), headers)


def _database_unavailable(exc):
    current_app.logger.error("Database unavailable, answered 503: %s", exc)
    return _page(503, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def _too_large(exc):
    """Werkzeug raises the same 413 for a body over ``MAX_CONTENT_LENGTH`` (files) and for
    one text field over ``MAX_FORM_MEMORY_SIZE``; the request's declared length tells
    them apart."""
    config = current_app.config
    length = request.content_length
    if length is not None and length <= config["MAX_CONTENT_LENGTH"]:
        text = _("The text you sent is too long. A message may have at most %(max)s "
                 "characters. Please go back, shorten the text (a long document can be "
                 "attached as a file) and send again.",
                 max=format_number(config["MESSAGE_MAX_LENGTH"]))
        return error_page(413, _("Text too long"), text)
    text = _("The files you sent are too large together. Each file may be at most "
             "%(size)s MB, and at most %(count)d files can be attached. Please go back, "
             "remove or shrink some files and send again.",
             size=uploads.megabytes(config["UPLOAD_MAX_FILE_SIZE"]),
             count=config["UPLOAD_MAX_FILES"])
    return error_page(413, _("Files too large"), text)


def _throttled(exc):
    seconds = throttle.seconds_to_wait()
    minutes = max(1, -(-seconds // 60))
    text = _("You tried this too often in a short time. Please wait %(minutes)d minute(s) "
             "and try again. Your account is not locked: after that, everything works as "
             "before.", minutes=minutes)
    return error_page(429, _("Too many requests"), text, {"Retry-After": str(seconds)})


def _csrf_failed(exc):
    text = _("This form has expired or was not sent from this site. Please go back, "
             "reload the page and send it again.")
    return error_page(400, _("Form expired"), text)


def _forbidden_characters(exc):
    text = _("What you sent contains control characters that cannot be part of a text "
             "(for example from text copied out of another program). Nothing was saved. "
             "Please go back, type the text again or remove those characters, and send "
             "again.")
    return error_page(400, _("Characters not allowed"), text)


def init_app(app):
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(413, _too_large)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(RateLimitExceeded, _throttled)
    app.register_error_handler(ForbiddenCharacters, _forbidden_characters)
    for error in (peewee.OperationalError, peewee.InterfaceError):
        app.register_error_handler(error, _database_unavailable)
