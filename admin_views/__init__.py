"""The staff desk (Flask-Admin): the ticket queue and ticket page, and the directory
(users, roles, departments, help topics, canned responses) and the outbox for
administrators."""
from flask import request
from flask_admin import Admin
from flask_admin.babel import CustomDomain
from flask_admin.theme import Bootstrap4Theme
from flask_babel import get_locale, lazy_gettext as _l

from helpdesk.settings import PROJECT_ROOT
from ops import headers

from . import (audit_log, desk_menu, directory, inbound, outbox, reports, sla_admin,
               survey_admin, tickets)
from .base import SecureIndexView


def _our_catalog_last(path):
    """Flask-Admin reads its ``admin`` catalog from our folder (only while one of its
    views runs), then from its own, which has no Indonesian one. Flask-Babel takes the
    plural rule of the last folder read and caches the result per language for the whole
    process, so counts other than one came out in English. Reading ours always, and last,
    keeps Indonesian."""
    def directories(domain):
        return super(CustomDomain, domain).translation_directories + [path]
    CustomDomain.translation_directories = property(directories)


def init_admin(app):
    admin = Admin(app, name=_l("Helpdesk Pusdatin Kesos"),
                  index_view=SecureIndexView(name=_l("Home")),
                  theme=Bootstrap4Theme(swatch="flatly", fluid=True,
                                        base_template="admin/desk_base.html"),
                  translations_path=str(PROJECT_ROOT / "translations"),
                  csp_nonce_generator=headers.csp_nonce)
    _our_catalog_last(admin.translations_path)
    tickets.register(admin)
    directory.register(admin)
    sla_admin.register(admin)
    outbox.register(admin)
    inbound.register(admin)
    reports.register(admin)
    audit_log.register(admin)
    survey_admin.register(admin)
    app.add_template_global(desk_menu.menu_shown)
    app.after_request(_declare_language)
    return admin


def _declare_language(response):
    """Flask-Admin's base template opens with a bare ``<html>`` and has no block for its
    attributes; screen readers need the page's language, so the desk's pages get it here."""
    if (request.path.startswith("/admin") and response.mimetype == "text/html"
            and not response.direct_passthrough and not response.is_streamed):
        body = response.get_data()
        if b"<html>" in body[:200]:
            response.set_data(body.replace(b"<html>", f'<html lang="{get_locale()}">'.encode(), 1))
    return response
