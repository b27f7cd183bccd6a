"""Every setting with its default, in one place.

Each key can be overridden by an environment variable ``FLASK_<KEY>`` (values are
parsed as JSON when they can be: ``FLASK_MAIL_PORT=2525``, ``FLASK_UPLOAD_MAX_FILES=3``).
Paths that are relative are taken from the project folder.
"""
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    # Storage
    "DATABASE_URL": "sqlite:///instance/helpdesk.db",
    "UPLOAD_FOLDER": "uploads",
    "UPLOAD_MAX_FILES": 5,
    "UPLOAD_MAX_FILE_SIZE": 10 * 1024 * 1024,
    "UPLOAD_EXTENSIONS": [
        "pdf", "png", "jpg", "jpeg", "gif", "doc", "docx", "xls", "xlsx",
        "odt", "ods", "txt", "csv", "zip",
    ],
    # How often each app process removes upload leftovers of killed processes (0 = only
    # `flask clean-uploads`)
    "UPLOAD_CLEAN_SECONDS": 3600,
    # Longest message, reply or note in characters (the form's limit; the per-field
    # request limit MAX_FORM_MEMORY_SIZE is derived from it)
    "MESSAGE_MAX_LENGTH": 20000,
    # The site's address: every absolute link is built from it when set (else from the
    # request's host), and requests naming another host are refused (portal/public_url.py)
    "PUBLIC_URL": "",
    # With PUBLIC_URL set, requests naming another host are refused, except these names
    # (e.g. the address a load balancer's health check uses: "10.0.0.5", "127.0.0.1")
    "EXTRA_HOSTS": [],
    "TRUSTED_PROXIES": 0,
    # Mail: with no MAIL_SERVER, messages are written as .eml files to MAIL_FOLDER
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "Helpdesk Pusdatin Kesos <helpdesk@kemensos.go.id>",
    "MAIL_FOLDER": "instance/mail",
    "MAIL_BACKGROUND_DELIVERY": True,  # deliver from a thread in each app process
    "MAIL_POLL_SECONDS": 30,
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_SMTP_TIMEOUT": 30,
    # Mail intake (helpdesk/intake, README "Mail intake"): the address citizens write to
    # (our mails to requesters then carry Reply-To: <local>+<ticket token>@<domain>); ""
    # turns the reply addresses off
    "INTAKE_ADDRESS": "",
    "INTAKE_DEFAULT_TOPIC": "Bantuan Umum",  # the help topic of tickets opened by mail
    # A sender with no confirmed account: "invite" answers with an invitation to register;
    # "open" also opens the ticket, on a new account invited to choose a password
    "INTAKE_UNKNOWN_SENDERS": "invite",
    "INTAKE_MAX_BYTES": 25 * 1024 * 1024,  # larger messages are quarantined
    "INTAKE_FOLDER": "instance/intake",  # every message taken in, as received
    # Only Authentication-Results headers added by this server are believed (its
    # authserv-id, e.g. "mx.kemensos.go.id"); "" believes every such header
    "INTAKE_AUTHSERV_ID": "",
    "INTAKE_ANSWERS_PER_HOUR": 5,  # automatic answers to one sender at most
    # Mail intake over IMAP (helpdesk/intake/imap.py, README "Mail intake"): the mailbox,
    # imaps://user:password@host[:port]/INBOX (imap:// only for an unencrypted connection);
    # empty = no polling. Every INTAKE_POLL_SECONDS each app process reads it (0 = only
    # `flask fetch-mail`); processed messages go to INTAKE_IMAP_DONE_FOLDER (created when
    # missing; empty = flag them read instead). INTAKE_IMAP_CA_FILE: a CA certificate file
    # to trust instead of the system's (a server with its own certificate).
    "INTAKE_IMAP_URL": "",
    "INTAKE_POLL_SECONDS": 120,
    "INTAKE_IMAP_DONE_FOLDER": "Processed",
    "INTAKE_IMAP_CA_FILE": "",
    "INTAKE_IMAP_TIMEOUT": 60,
    # SLA: how often each app process marks tickets past due (0 = only `flask sla-check`)
    "SLA_CHECK_SECONDS": 300,
    # Closing the loop (helpdesk/lifecycle/closing.py): a resolved ticket its requester
    # leaves unanswered this many days closes by itself, checked every
    # AUTO_CLOSE_CHECK_SECONDS by each app process (0 = only `flask auto-close`)
    "AUTO_CLOSE_DAYS": 3,
    "AUTO_CLOSE_CHECK_SECONDS": 3600,
    # The status check without a password (portal/status_check.py): how long the link
    # mailed to the requester opens the ticket
    "STATUS_LINK_HOURS": 24,
    # Audit trail (helpdesk/audit.py): entries older than this many days are deleted, every
    # AUDIT_PRUNE_SECONDS by each app process (0 = only `flask audit prune`)
    "AUDIT_RETENTION_DAYS": 730,
    "AUDIT_PRUNE_SECONDS": 86400,
    # PostgreSQL search: every SEARCH_WINDOW_SECONDS each app process checks whether the
    # index of the recent rows should move on (helpdesk/search_recent.py; 0 = never)
    "SEARCH_WINDOW_SECONDS": 3600,
    # Logs: one line per request and the app's messages on standard error, from LOG_LEVEL
    # up, as JSON lines when LOG_JSON is true (see ops/logs.py)
    "LOG_JSON": False,
    "LOG_LEVEL": "INFO",
    # Reports: the separator of the dashboard's CSV downloads ("," or ";", which Excel
    # expects where the decimal separator is a comma, as in Indonesian)
    "REPORT_CSV_DELIMITER": ";",
    # Language and time
    "LANGUAGES": ["id", "en"],
    "BABEL_DEFAULT_LOCALE": "id",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    # The language of the flask commands' output ("" = BABEL_DEFAULT_LOCALE; "en" for
    # English, e.g. FLASK_CLI_LOCALE=en)
    "CLI_LOCALE": "",
    # Sessions and cookies
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_DURATION": timedelta(days=14),  # Secure follows SESSION_COOKIE_SECURE
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    # Strict-Transport-Security when the site is configured for HTTPS (PUBLIC_URL https://
    # or SESSION_COOKIE_SECURE); 0 leaves it to the proxy
    "HSTS_SECONDS": 31536000,
    # Throttling (portal/throttle.py, README "Throttling"): limits in Flask-Limiter's
    # notation; counts in memory, or shared by several app servers with
    # RATELIMIT_STORAGE_URI=redis://host:6379/0
    "RATELIMIT_STORAGE_URI": "memory://",
    # Failed sign-ins: per client address, per account from unknown browsers, per account
    # at a browser that signed in to it before (kept known THROTTLE_DEVICE_DAYS)
    "THROTTLE_SIGN_IN_ADDRESS": "30 per 15 minutes",
    "THROTTLE_SIGN_IN_ACCOUNT": "10 per 15 minutes",
    "THROTTLE_SIGN_IN_DEVICE": "10 per 15 minutes",
    "THROTTLE_DEVICE_DAYS": 180,
    # Failed two-factor and recovery codes after a right password
    "THROTTLE_CODE_ACCOUNT": "10 per 15 minutes",
    "THROTTLE_CODE_ADDRESS": "30 per 15 minutes",
    # Forms that send mail (registration, password reset, confirmation resend)
    "THROTTLE_REGISTER_ADDRESS": "10 per hour",
    "THROTTLE_MAIL_ADDRESS": "20 per hour",
    "THROTTLE_MAIL_ACCOUNT": "3 per hour",
    # New tickets, replies and the desk's POSTs, per account and per client address
    "THROTTLE_TICKET_ACCOUNT": "10 per hour",
    "THROTTLE_TICKET_ADDRESS": "60 per hour",
    "THROTTLE_REPLY_ACCOUNT": "60 per hour",
    "THROTTLE_REPLY_ADDRESS": "300 per hour",
    "THROTTLE_DESK_ACCOUNT": "300 per 10 minutes",
    "THROTTLE_DESK_ADDRESS": "1000 per 10 minutes",
    # Flask-Security
    "SECURITY_REGISTERABLE": True,
    "SECURITY_CONFIRMABLE": True,
    "SECURITY_RECOVERABLE": True,
    "SECURITY_CHANGEABLE": True,
    "SECURITY_SEND_REGISTER_EMAIL": True,
    # The same answer whether or not an address is registered (sign-in, registration,
    # reset, resend); registering an existing address mails its owner instead
    "SECURITY_RETURN_GENERIC_RESPONSES": True,
    "SECURITY_PASSWORD_HASH": "argon2",
    # What confirmation and reset tokens carry (a digest of the address or of the password
    # hash, already secret): a fast digest, so that mailing a token to a known address does
    # not take longer than answering an unknown one (benchmarks/account_answers.py). Tokens
    # made with the older, slow default still verify.
    "SECURITY_HASHING_SCHEMES": ["hex_sha256", "sha256_crypt", "hex_md5"],
    "SECURITY_DEPRECATED_HASHING_SCHEMES": ["sha256_crypt", "hex_md5"],
    "SECURITY_PASSWORD_LENGTH_MIN": 8,
    "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
    "SECURITY_POST_LOGIN_VIEW": "portal.start",
    "SECURITY_POST_REGISTER_VIEW": "security.login",
    "SECURITY_POST_CONFIRM_VIEW": "security.login",
    "SECURITY_POST_RESET_VIEW": "security.login",
    "SECURITY_POST_LOGOUT_VIEW": "portal.home",
    "SECURITY_POST_CHANGE_VIEW": "portal.tickets",
    # Two-factor sign-in with an authenticator app (portal/two_factor.py, README
    # "Two-factor sign-in"): anyone signed in may set it up, staff are offered it, and
    # with STAFF_REQUIRE_2FA every staff member must. SECURITY_TOTP_SECRETS (the keys that
    # encrypt each account's TOTP secret, e.g. '{"1": "long random text"}') is made once
    # into instance/totp_secrets when unset, like the secret key.
    "STAFF_REQUIRE_2FA": False,
    "SECURITY_TWO_FACTOR": True,
    "SECURITY_TWO_FACTOR_ENABLED_METHODS": ["authenticator"],
    "SECURITY_TOTP_ISSUER": "Helpdesk Pusdatin Kesos",
    "SECURITY_TWO_FACTOR_RESCUE_EMAIL": False,  # a code by mail would bypass the phone
    "SECURITY_MULTI_FACTOR_RECOVERY_CODES": True,
    "SECURITY_MULTI_FACTOR_RECOVERY_CODES_N": 8,
}
