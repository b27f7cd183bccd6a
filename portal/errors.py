"""Friendly, translated error pages and the security headers of every page."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from helpdesk import uploads

PAGES = {
    403: (lambda: _("Access denied"),
          lambda: _("You do not have permission to open this page.")),
    404: (lambda: _("Page not found"),
          lambda: _("The page or ticket you are looking for does not exist, or it is not "
                    "yours to see.")),
    405: (lambda: _("Not allowed"), lambda: _("This page cannot be used that way.")),
    500: (lambda: _("Something went wrong"),
          lambda: _("An unexpected error occurred. Nothing you already saved is lost; "
                    "please try again in a moment.")),
}


def _page(code):
    title, text = PAGES[code]
    return render_template("error.html", title=title(), text=text(), code=code), code


def _too_large(exc):
    config = current_app.config
    text = _("The files you sent are too large together. Each file may be at most "
             "%(size)s MB, and at most %(count)d files can be attached. Please go back, "
             "remove or shrink some files and send again.",
             size=uploads.megabytes(config["UPLOAD_MAX_FILE_SIZE"]),
             count=config["UPLOAD_MAX_FILES"])
    return render_template("error.html", title=_("Files too large"), text=text,
                           code=413), 413


def _csrf_failed(exc):
    text = _("This form has expired or was not sent from this site. Please go back, "
             "reload the page and send it again.")
    return render_template("error.html", title=_("Form expired"), text=text, code=400), 400


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/admin"):
        headers.setdefault("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                           "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
    return response


def init_app(app):
    for code in PAGES:
        app.register_error_handler(code, lambda exc, code=code: _page(code))
    app.register_error_handler(413, _too_large)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.after_request(_security_headers)
