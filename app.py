"""Application factory: configuration layers, extensions, blueprints, admin and CLI."""
import hashlib
import hmac
import json
import secrets
from pathlib import Path

from flask_babel import get_locale
from flask_mail import Mail
from flask_security import Security
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from admin_views import init_admin
from helpdesk import cli, mailer, scheduler
from helpdesk.intake import accounts as intake_accounts
from helpdesk.db import db, make_database
from helpdesk.models import Role, User, UserRoles
from helpdesk.settings import DEFAULTS, PROJECT_ROOT
from ops import audit_signals, headers, health, logs
from portal import (errors, locale, public_url, request_guard, security_forms,
                    security_messages, sessions, theme, throttle, two_factor)
from portal.public_url import PublicUrlFlask
from portal.survey import survey_pages
from portal.status_check import status
from portal.views import portal

csrf = CSRFProtect()
mail = Mail()
babel = locale.AppBabel()


def create_app(config=None):
    app = PublicUrlFlask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    _configure(app, config or {})
    logs.init_app(app)  # first, so that start-up messages use it too
    public_url.init_app(app)  # first: a request for another host is refused before all else

    app.config["DATABASE"] = make_database(app.config["DATABASE_URL"])
    request_guard.init_app(app)  # before all: a refused request touches nothing
    db.init_app(app)  # first: Flask-Security loads the user with a query
    babel.init_app(app, locale_selector=locale.select_locale,
                   timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"])
    csrf.init_app(app)  # before Security, which registers its CSRF header with it
    mail.init_app(app)
    security_messages.init_app(app)  # before Security, which reads its messages at init
    datastore = sessions.UserDatastore(db, User, Role, UserRoles)
    Security(app, datastore, mail_util_cls=security_forms.OutboxMailUtil,
             register_form=security_forms.RegisterForm, login_form=security_forms.LoginForm,
             mf_recovery_codes_util_cls=two_factor.RecoveryCodes,
             totp_cls=two_factor.OnceOnlyTotp,
             two_factor_setup_form=two_factor.SetupForm,
             two_factor_rescue_form=two_factor.RescueForm)

    app.register_blueprint(portal)
    app.register_blueprint(survey_pages)
    app.register_blueprint(status)
    sessions.init_app(app)
    two_factor.init_app(app)
    security_forms.init_app(app)
    intake_accounts.init_app(app)
    audit_signals.init_app(app)
    health.init_app(app)
    admin = init_admin(app)
    throttle.init_app(app, admin)
    locale.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    theme.init_app(app)
    mailer.init_app(app)
    scheduler.init_app(app)
    cli.init_app(app)
    app.jinja_env.globals["get_locale"] = get_locale
    if app.config["TRUSTED_PROXIES"]:
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def _configure(app, overrides):
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env()
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    app.config.setdefault("SECURITY_PASSWORD_SALT", hmac.new(
        app.config["SECRET_KEY"].encode(), b"password-salt", hashlib.sha256).hexdigest())
    if not app.config.get("SECURITY_TOTP_SECRETS"):
        app.config["SECURITY_TOTP_SECRETS"] = json.loads(
            _instance_secret(app, "totp_secrets", lambda: json.dumps(
                {"1": secrets.token_urlsafe(32)})))
    app.config.setdefault("SECURITY_EMAIL_SENDER", app.config["MAIL_DEFAULT_SENDER"])
    app.config.setdefault("SECURITY_TWO_FACTOR_RESCUE_MAIL", app.config["MAIL_DEFAULT_SENDER"])
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    for key in ("UPLOAD_FOLDER", "MAIL_FOLDER", "INTAKE_FOLDER"):
        app.config[key] = str(PROJECT_ROOT / app.config[key])
    app.config["DATABASE_URL"] = _anchor_sqlite(app.config["DATABASE_URL"])
    app.config["MAX_CONTENT_LENGTH"] = (
        app.config["UPLOAD_MAX_FILES"] * app.config["UPLOAD_MAX_FILE_SIZE"] + 1024 * 1024)
    # One text field of a multipart form: a longest message at 4 bytes a character, plus room
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MESSAGE_MAX_LENGTH"] * 4 + 64 * 1024
    translations = str(PROJECT_ROOT / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translations
    app.config["SECURITY_I18N_DIRNAME"] = [translations, "builtin"]


def _instance_secret(app, name="secret_key", make=lambda: secrets.token_hex(32)):
    """A key kept in instance/ when none is configured: made once, then reused."""
    path = Path(app.instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _anchor_sqlite(url):
    """``sqlite:///instance/x.db`` is taken from the project folder, not the cwd."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        path = PROJECT_ROOT / url[len(prefix):]
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url
