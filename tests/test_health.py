"""GET /healthz for load balancers and monitoring: the database, the outbox, the SLA watch;
503 with the same JSON when the database is out of reach; no session, no secrets."""
import time
from datetime import timedelta

import pytest

from app import create_app
from helpdesk import notifications
from helpdesk.models import JobRun, OutboxMail, utcnow

from conftest import free_port, login

KEYS = {"status", "database", "mail", "sla_watch", "time"}


def queue(app, *recipients):
    with app.app_context():
        return [notifications.queue_rendered(r, "Uji", "Isi") for r in recipients]


def test_health_reports_the_database_the_outbox_and_no_secrets(app, client):
    app.extensions["mail_dispatcher"].stop()
    sent, failed, _ = queue(app, "terkirim@contoh.id", "gagal@contoh.id", "antre@contoh.id")
    when = utcnow().replace(microsecond=0) - timedelta(minutes=3)
    OutboxMail.update(sent_at=when).where(OutboxMail.id == sent.id).execute()
    OutboxMail.update(failed_at=utcnow(), attempts=8, last_error="SMTPAuthenticationError: "
                      "(535, b'helpdesk:rahasia')").where(OutboxMail.id == failed.id).execute()

    response = client.get("/healthz")
    assert response.status_code == 200 and response.is_json
    report = response.get_json()
    assert set(report) == KEYS
    assert report["status"] == "ok" and report["database"] is True
    assert report["mail"] == {"queued": 1, "failed": 1,
                              "last_sent_at": when.isoformat() + "Z"}
    assert report["sla_watch"] == {"last_run_at": None}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    for secret in ("@", "rahasia", "127.0.0.1", "sqlite", "postgresql", "535"):
        assert secret not in response.text


def test_health_sets_no_cookie_for_a_signed_in_browser_either(app, client, citizen):
    login(client, citizen)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] is True
    assert "session=" not in response.headers.get("Set-Cookie", "")


class TestSlaCheck:
    @pytest.fixture
    def config(self, config):
        config["PUBLIC_URL"] = "https://helpdesk.kemensos.go.id"  # sla-check needs it
        return config

    def test_sla_check_is_reported(self, app, runner, client):
        before = utcnow().replace(microsecond=0)
        assert runner.invoke(args=["sla-check"]).exit_code == 0
        ran = client.get("/healthz").get_json()["sla_watch"]["last_run_at"]
        assert ran is not None and ran >= before.isoformat() + "Z"


class TestSlaWatchThread:
    @pytest.fixture
    def config(self, config):
        config["SLA_CHECK_SECONDS"] = 3600  # runs when woken below, not by the clock
        return config

    def test_the_app_s_own_sla_watch_is_reported(self, app, client):
        assert client.get("/healthz").get_json()["sla_watch"]["last_run_at"] is None
        app.extensions["sla_watch"].wake()
        deadline = time.monotonic() + 20
        while not JobRun.select().exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.get("/healthz").get_json()["sla_watch"]["last_run_at"] is not None

    def test_a_probe_does_not_choose_the_address_of_the_watch_s_links(self, app, client):
        """A load balancer probes a server by its internal address, often before anyone
        else: the SLA alerts must not link there."""
        client.get("/healthz", base_url="http://10.0.0.5:8000")
        assert "SEEN_URL_ROOT" not in app.config
        client.get("/", base_url="https://helpdesk.kemensos.go.id")
        assert app.config["SEEN_URL_ROOT"] == "https://helpdesk.kemensos.go.id/"


@pytest.fixture
def app_without_database(config):
    """An app whose database server does not answer (a closed port)."""
    config["DATABASE_URL"] = f"postgresql://helpdesk:rahasia@127.0.0.1:{free_port()}/helpdesk"
    return create_app(config)


def test_health_answers_503_json_when_the_database_is_unreachable(app_without_database):
    client = app_without_database.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.is_json
    report = response.get_json()
    assert set(report) == KEYS
    assert report["status"] == "unavailable" and report["database"] is False
    assert report["mail"] == {"queued": None, "failed": None, "last_sent_at": None}
    assert "rahasia" not in response.text and "127.0.0.1" not in response.text
    assert "Set-Cookie" not in response.headers


def test_health_answers_503_json_to_a_signed_in_browser(app_without_database):
    """Flask-Security loads the session's user before any view runs; with the database
    gone that load fails, and /healthz still answers with its JSON."""
    client = app_without_database.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "some-uniquifier"
        session["_fresh"] = True
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] is False
