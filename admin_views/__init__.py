"""The staff desk (Flask-Admin): the ticket queue and ticket page, and the directory
(users, roles, departments, help topics, canned responses) for administrators."""
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from helpdesk.settings import PROJECT_ROOT

from . import directory, tickets
from .base import SecureIndexView


def init_admin(app):
    admin = Admin(app, name=_l("Helpdesk Pusdatin Kesos"),
                  index_view=SecureIndexView(name=_l("Home")),
                  theme=Bootstrap4Theme(swatch="flatly", fluid=True,
                                        base_template="admin/desk_base.html"),
                  translations_path=str(PROJECT_ROOT / "translations"))
    tickets.register(admin)
    directory.register(admin)
    return admin
