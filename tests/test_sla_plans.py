"""SLA plans and working calendars: the seeded default, the migration that points every
help topic at a plan without changing its promise, and ``targets_for`` read once and kept."""
from datetime import date, time

import pytest

from helpdesk import sla_plans
from helpdesk.db import db
from helpdesk.models import HelpTopic
from helpdesk.sla_models import CalendarDay, SlaPlan, WorkCalendar, WorkHours
from helpdesk.working_time import Calendar


def test_the_default_plan_and_calendar_are_seeded_for_every_topic(app):
    with app.app_context():
        plan = SlaPlan.get(SlaPlan.is_default)
        assert (plan.name, plan.resolution_hours, plan.resolution_working,
                plan.first_response_hours, plan.first_response_working) == (
            "Standar 2 × 24 jam", 48, False, 8, True)
        assert (plan.calendar.name, plan.calendar.zone) == ("Jam kerja Pusdatin (WIB)",
                                                            "Asia/Jakarta")
        assert sorted((h.weekday, h.start, h.end) for h in plan.calendar.hours) == [
            (day, time(8), time(16)) for day in range(5)]
        assert {t.sla_plan_id for t in HelpTopic.select()} == {plan.id}
        targets = sla_plans.targets_for(HelpTopic.get(HelpTopic.name == "Bantuan Umum"))
    assert targets == sla_plans.Targets(plan.id, 8 * 3600, Calendar(), 48 * 3600, None)


def test_seeding_again_keeps_the_administrators_edits(app):
    from helpdesk import seed

    with app.app_context():
        calendar = WorkCalendar.get()
        WorkHours.delete().where(WorkHours.weekday == 4).execute()
        SlaPlan.update(resolution_hours=24).execute()
        seed.seed()
        assert WorkCalendar.select().count() == SlaPlan.select().count() == 1
        assert WorkHours.select().where(WorkHours.calendar == calendar).count() == 4
        assert SlaPlan.get().resolution_hours == 24


def test_targets_are_kept_until_the_plans_are_forgotten(app):
    with app.app_context():
        topic = HelpTopic.get(HelpTopic.name == "Data Terpadu")
        before = sla_plans.targets_for(topic.id)
        plan = SlaPlan.create(name="Kilat", calendar=WorkCalendar.get(),
                              first_response_hours=1, resolution_hours=4,
                              resolution_working=True)
        topic.sla_plan = plan
        topic.save()
        CalendarDay.create(calendar=WorkCalendar.get(), day=date(2027, 3, 10), name="Nyepi")
        assert sla_plans.targets_for(topic) == before  # kept: the desk did not save it
        sla_plans.forget()
        after = sla_plans.targets_for(topic)
    assert (after.plan_id, after.first_response_seconds, after.resolution_seconds) == (
        plan.id, 3600, 4 * 3600)
    assert after.resolution_calendar.closed == {date(2027, 3, 10)}


def test_a_new_topic_is_read_at_once_and_has_the_default_plan(app):
    with app.app_context():
        sla_plans.targets_for(1)
        topic = HelpTopic.create(name="Baru", department=1)
        assert sla_plans.targets_for(topic).plan_id == SlaPlan.get(SlaPlan.is_default).id


def test_targets_reread_after_a_minute(app, monkeypatch):
    with app.app_context():
        topic = HelpTopic.get(HelpTopic.name == "Data Terpadu")
        sla_plans.targets_for(topic)
        SlaPlan.update(resolution_hours=72).execute()
        clock = sla_plans.time.monotonic() + sla_plans.REREAD_SECONDS + 1
        monkeypatch.setattr(sla_plans.time, "monotonic", lambda: clock)
        assert sla_plans.targets_for(topic).resolution_seconds == 72 * 3600


@pytest.mark.alters_schema
def test_the_migration_keeps_every_topics_promise(app):
    from playhouse.migrate import SqliteMigrator, migrate

    from helpdesk import migrations
    from helpdesk.models import SchemaVersion
    from helpdesk.sla_models import SLA_MODELS

    with app.app_context():
        HelpTopic.update(sla_hours=24).where(HelpTopic.name == "Email Kemsos").execute()
        migrator = migrations.migrator_for(db.database)
        # SQLite drops a column with a foreign key only by making the table anew
        legacy = {"legacy": True} if isinstance(migrator, SqliteMigrator) else {}
        migrate(migrator.drop_column("helptopic", "sla_plan_id", **legacy))
        db.database.drop_tables(SLA_MODELS)
        SchemaVersion.delete().where(SchemaVersion.name == "0021_sla_plans").execute()
        assert migrations.upgrade(db.database) == ["0021_sla_plans"]
        sla_plans.forget()
        email = sla_plans.targets_for(HelpTopic.get(HelpTopic.name == "Email Kemsos"))
        other = sla_plans.targets_for(HelpTopic.get(HelpTopic.name == "Bantuan Umum"))
        assert SlaPlan.get_by_id(email.plan_id).name == "Email Kemsos (24 jam)"
        assert SlaPlan.get_by_id(other.plan_id).is_default
        assert HelpTopic.select().where(HelpTopic.sla_plan.is_null()).count() == 0
    assert (email.resolution_seconds, email.resolution_calendar) == (24 * 3600, None)
    assert email.first_response_seconds == other.first_response_seconds == 8 * 3600
    assert other.resolution_seconds == 48 * 3600


def test_a_warm_process_reads_targets_without_a_query(app):
    from helpdesk.db import statements_run

    with app.app_context(), db.database.connection_context():
        topic = HelpTopic.get(HelpTopic.name == "Data Terpadu")
        sla_plans.targets_for(topic)
        with statements_run() as seen:
            targets = sla_plans.targets_for(topic)
            assert sla_plans.targets_for(topic.id) is targets
        assert seen == []


def test_a_first_read_inside_a_transaction_keeps_its_connection(app):
    """As when the lifecycle opens a ticket on a cold process: the plans are read on the
    transaction's connection, which stays open for the rest of it."""
    from helpdesk.db import atomic

    with app.app_context():
        db.database.connect(reuse_if_open=True)  # as a request's is opened
        sla_plans.forget()
        with atomic():
            topic = HelpTopic.get(HelpTopic.name == "Data Terpadu")
            HelpTopic.update(sort_order=7).where(HelpTopic.id == topic.id).execute()
            assert sla_plans.targets_for(topic).resolution_seconds == 48 * 3600
            assert not db.database.is_closed()
            HelpTopic.update(sort_order=8).where(HelpTopic.id == topic.id).execute()
        assert HelpTopic.get_by_id(topic.id).sort_order == 8
        db.database.close()
