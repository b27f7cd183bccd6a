"""Which language a page is shown in: ``?lang=`` (remembered), the browser, else Indonesian."""
from urllib.parse import urlencode

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from helpdesk.models import User


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        lang = request.args.get("lang")
        if lang in languages:
            return lang
        if session.get("lang") in languages:
            return session["lang"]
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_choice():
    """Keep ``?lang=xx`` in the session and as the signed-in user's e-mail language."""
    lang = request.args.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        return
    session["lang"] = lang
    if current_user.is_authenticated and current_user.locale != lang:
        User.update(locale=lang).where(User.id == current_user.id).execute()


def url_with_lang(code):
    """This page in another language: the same address and query, with ``lang`` set."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def init_app(app):
    app.before_request(remember_choice)
    app.jinja_env.globals["url_with_lang"] = url_with_lang
