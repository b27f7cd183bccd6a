"""Which language a page is shown in: ``?lang=`` (remembered), the browser, else Indonesian."""
from functools import cached_property, lru_cache
from urllib.parse import urlencode

from babel import support
from flask import current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from wtforms.i18n import messages_path

from helpdesk.models import User


class RequestDomain(Domain):
    """The app's translations (Flask-Babel's domain), found once per language in a
    request. Flask-Babel finds them anew for every string, through three context proxies
    and the language's name built again, and a desk page translates some three hundred
    strings. A ``force_locale`` block (an e-mail in the recipient's language) sets another
    language object, so it gets its own translations, as before."""

    def get_translations(self):
        context = _cv_app.get(None)
        state = context.g.__dict__.get("_flask_babel") if context is not None else None
        locale = getattr(state, "babel_locale", None)
        if locale is None:  # outside a request, or its language not chosen yet
            return super().get_translations()
        kept = state.__dict__.get("request_translations")
        if kept is not None and kept[0] is locale and kept[1] is self:
            return kept[2]
        translations = super().get_translations()
        state.request_translations = (locale, self, translations)
        return translations


class AppBabel(Babel):
    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        lang = request.args.get("lang")
        if lang in languages:
            return lang
        if session.get("lang") in languages:
            return session["lang"]
        header = request.headers.get("Accept-Language")
        best = _best_match(header, tuple(languages)) if header else None
        if best:
            return best
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # a command (its help too: helpdesk/cli_locale.py), or work in the background
    return current_app.config["CLI_LOCALE"] or current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=256)
def _best_match(header, languages):
    """The browser's preferred language among ours, for each Accept-Language it sends:
    Werkzeug parses the header and matches it anew in every request (some 20-50 µs),
    and browsers send a few values, over and over."""
    return parse_accept_header(header, LanguageAccept).best_match(languages)


def remember_choice():
    """Keep ``?lang=xx`` in the session and as the signed-in user's e-mail language."""
    lang = request.args.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        return
    session["lang"] = lang
    if current_user.is_authenticated and current_user.locale != lang:
        User.update(locale=lang).where(User.id == current_user.id).execute()


def wtforms_messages():
    """WTForms' own messages in the page's language, for Flask-WTF, which otherwise reads
    the catalog from the disk again in every request that builds a form."""
    request.wtforms_translations = _wtforms_catalog(str(get_locale()))


@lru_cache(maxsize=None)
def _wtforms_catalog(language):
    return support.Translations.load(messages_path(), [language], domain="wtforms")


def url_with_lang(code):
    """This page in another language: the same address and query, with ``lang`` set."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def init_app(app):
    # the templates' _() asks the app's domain straight away (Flask-Babel's own callables
    # find the domain of the request first, through three context proxies a string)
    with app.app_context():
        domain = app.extensions["babel"].instance.domain_instance
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True)

    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        """Jinja's newstyle ``gettext`` (jinja2 3.1 ``ext._make_new_gettext``: the
        translation, Markup when autoescaping, always %-formatted), reached in one call:
        the extension's ``_`` looks ``gettext`` up in the context and calls it, which
        calls the translation, each through ``Context.call`` (a page and a new ticket's
        mails translate some hundred strings)."""
        text = domain.get_translations().ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    app.jinja_env.globals.update(_=gettext, gettext=gettext)
    app.before_request(remember_choice)
    app.before_request(wtforms_messages)
    app.jinja_env.globals["url_with_lang"] = url_with_lang
