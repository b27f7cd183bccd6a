"""Old audit entries go after AUDIT_RETENTION_DAYS (two years by default): by
``flask audit prune``, which says how many in the helpdesk's language, and by the app's
own daily work."""
import time
from datetime import timedelta

import pytest

from helpdesk import audit
from helpdesk.models import AuditEntry, utcnow


@pytest.fixture
def aged(app):
    """An entry of each age, in days."""
    with app.app_context():
        for days in (800, 731, 729, 1):
            audit.record("sign_in_failed", email=f"{days}@contoh.id",
                         now=utcnow() - timedelta(days=days))


def kept():
    return sorted(e.actor_email for e in AuditEntry.select())


def test_two_years_are_kept_by_default(app):
    assert app.config["AUDIT_RETENTION_DAYS"] == 730


def test_prune_removes_what_is_older_than_the_retention_and_says_how_many(runner, aged):
    result = runner.invoke(args=["audit", "prune"])
    assert result.exit_code == 0, result.output
    assert "2 entri jejak audit yang lebih lama dari 730 hari dihapus." in result.output
    assert kept() == ["1@contoh.id", "729@contoh.id"]
    again = runner.invoke(args=["audit", "prune"])
    assert "0 entri jejak audit" in again.output and len(kept()) == 2


def test_the_retention_is_a_setting_and_an_option(config, runner, aged, app):
    app.config["AUDIT_RETENTION_DAYS"] = 30
    runner.invoke(args=["audit", "prune"])
    assert kept() == ["1@contoh.id"]
    assert runner.invoke(args=["audit", "prune", "--days", "0"]).exit_code != 0
    runner.invoke(args=["audit", "prune", "--days", "1"])
    assert kept() == []


@pytest.fixture
def pruning_often(config):
    config["AUDIT_PRUNE_SECONDS"] = 0.2


def test_the_app_prunes_on_its_own_once_serving(pruning_often, app, aged, client):
    client.get("/")  # the first request starts the pruner
    deadline = time.monotonic() + 30
    while len(kept()) > 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kept() == ["1@contoh.id", "729@contoh.id"]


def test_the_daily_pruner_can_be_turned_off(app):
    assert "audit_pruner" not in app.extensions  # the suite's default: 0


@pytest.mark.alters_schema
def test_upgrade_adds_the_audit_table_with_its_indexes(app, runner):
    from helpdesk.db import db
    from helpdesk.models import SchemaVersion

    db.database.drop_tables([AuditEntry])
    SchemaVersion.delete().where(SchemaVersion.name == "0011_audit").execute()
    result = runner.invoke(args=["init-db"])
    assert "0011_audit" in result.output, result.output
    indexes = {tuple(i.columns) for i in db.database.get_indexes("audit_entry")}
    assert {("at",), ("action", "at"), ("actor_id", "at"), ("actor_email", "at")} <= indexes
