"""Logging, configured in one place: one line per request, and every other message of the
app (``helpdesk.*``, Flask's own) through the same handler on standard error, as plain
text or as JSON lines (``LOG_JSON``), from ``LOG_LEVEL`` up.

Each request has an id: the caller's ``X-Request-ID`` when it looks like one (a proxy's),
else a new one. It is sent back in that header and carried by every line logged while the
request runs. Paths are logged without their query string, and the token in a password
reset or e-mail confirmation path is replaced by ``[token]``.
"""
import logging
import re
import sys
import time
import uuid
from functools import lru_cache

from flask import g, has_request_context, request, request_finished, request_started
from pythonjsonlogger.json import JsonFormatter

access_log = logging.getLogger("helpdesk.access")
HANDLER_NAME = "helpdesk"

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ["levelname", "name", "request_id", "message"]
JSON_NAMES = {"levelname": "level", "name": "logger"}
TOKEN_URLS = ("SECURITY_RESET_URL", "SECURITY_CONFIRM_URL")  # /reset/<token>, /confirm/<token>


class RequestIdFilter(logging.Filter):
    """Gives every line the id of the request it was logged in ("-" outside requests)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_app(app):
    # the process's own standard error, also while a command's output is being captured
    # (Click's test runner swaps sys.stderr): log lines never mix with a command's output
    handler = logging.StreamHandler(sys.__stderr__)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields=JSON_NAMES, timestamp="time")
                         if app.config["LOG_JSON"] else logging.Formatter(PLAIN))
    root = logging.getLogger()
    for previous in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(previous)  # a second app in the same process (tests) replaces it
    root.addHandler(handler)
    level = _level(app.config["LOG_LEVEL"])
    root.setLevel(level)
    # peewee's DEBUG lines are every SQL statement with its values: mail bodies (reset and
    # confirmation links), password hashes. DEBUG is for our code; SQL stays out of the log.
    logging.getLogger("peewee").setLevel(max(level, logging.INFO))
    # signals, not before/after_request: they run around every other hook, so a request
    # refused by one (CSRF, a bad byte) is timed and logged too
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)


def _level(value):
    """LOG_LEVEL as a number: a name in any case (INFO, warning) or a number (20)."""
    level = value if isinstance(value, int) else logging.getLevelName(str(value).upper())
    if not isinstance(level, int):
        raise ValueError(f"LOG_LEVEL: unknown level {value!r} (DEBUG, INFO, WARNING, ERROR)")
    return level


def _started(app, **extra):
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def _finished(app, response, **extra):
    """The request's one line, once every after_request hook has shaped the response."""
    if "request_id" not in g:
        return  # a request that never started (an error before Flask dispatched it)
    response.headers["X-Request-ID"] = g.request_id
    duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
    method, status = request.method, response.status_code
    path = _without_tokens(app, request.path)
    user = _user_id()
    access_log.info("%s %s %s %.1fms user=%s", method, path, status, duration_ms, user,
                    extra={"method": method, "path": path, "status": status,
                           "duration_ms": duration_ms, "user": user})


def _without_tokens(app, path):
    return _token_paths(tuple(app.config[key] for key in TOKEN_URLS)).sub(r"\1/[token]", path)


@lru_cache(maxsize=8)
def _token_paths(urls):
    """The pattern of the token paths, made once per set of their addresses (not a
    pattern built and looked up again for every request's line)."""
    prefixes = "|".join(re.escape(url.rstrip("/")) for url in urls)
    return re.compile(f"^({prefixes})/[^/]+")


def _user_id():
    """The signed-in user's id, if this request loaded them. Flask-Login 0.6 keeps the user
    it loaded in ``g._login_user`` (no public accessor that does not load): reading it never
    queries, so the line costs nothing and is written when the database is down. Requests
    that never looked at the user (static files) say "-"."""
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else "-"
