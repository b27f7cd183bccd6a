"""``GET /healthz`` for load balancers and monitoring: is the database reachable, how much
mail is queued or failed, when the SLA watch last ran.

It needs no session and sets no cookie, carries no secret (no address, URL or password),
and costs a few indexed queries. When the database cannot be reached it answers 503 with
the same JSON shape: the connection FlaskDB opens before every request, or the session
user Flask-Security loads, fails before this view runs, and this blueprint's own error
handlers turn that failure into the JSON answer (they take precedence over the app's
error pages for this route)."""
import logging

from flask import Blueprint, jsonify
from peewee import DatabaseError, InterfaceError

from helpdesk import jobs, mailer
from helpdesk.models import utcnow

log = logging.getLogger(__name__)

health = Blueprint("health", __name__)


def _iso(value):
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _report(database, mail=None, sla_watch_ran_at=None):
    mail = mail or {"queued": None, "failed": None, "last_sent_at": None}
    return {
        "status": "ok" if database else "unavailable",
        "database": database,
        "mail": {"queued": mail["queued"], "failed": mail["failed"],
                 "last_sent_at": _iso(mail["last_sent_at"])},
        "sla_watch": {"last_run_at": _iso(sla_watch_ran_at)},
        "time": _iso(utcnow()),
    }


@health.get("/healthz")
def healthz():
    report = _report(True, mailer.outbox_counts(), jobs.last_run(jobs.SLA_WATCH))
    return jsonify(report), 200, {"Cache-Control": "no-store"}


@health.errorhandler(DatabaseError)
@health.errorhandler(InterfaceError)
@health.errorhandler(503)
def database_unavailable(exc):
    log.warning("healthz: database unavailable: %s", exc)
    return jsonify(_report(False)), 503, {"Cache-Control": "no-store", "Retry-After": "10"}


def init_app(app):
    app.register_blueprint(health)
