"""The ticket table keeps no index that is the first column of another (migration 0028):
a database upgraded from one that had them ends with the same indexes as a new one, and
the lookups those indexes served still read an index."""
import pytest

from helpdesk.db import db, on_sqlite
from helpdesk.migrations import migration_names
from helpdesk.models import SchemaVersion

NAME = "0028_fewer_ticket_indexes"
OLD = {"ticket_topic_id": "topic_id", "ticket_department_id": "department_id",
       "ticket_requester_id": "requester_id", "ticket_assignee_id": "assignee_id",
       "ticket_created_at": "created_at"}


def ticket_indexes():
    return {index.name: index.columns for index in db.database.get_indexes("ticket")}


def test_no_ticket_index_is_the_start_of_another(app):
    """Unique and partial indexes stand for a rule or a subset, not only for reading."""
    plain = {index.name: index.columns for index in db.database.get_indexes("ticket")
             if not index.unique and " WHERE " not in (index.sql or "").upper()}
    for name, columns in plain.items():
        longer = [other for other, more in plain.items()
                  if other != name and more[:len(columns)] == columns]
        assert not longer, (name, longer)
    assert NAME in migration_names()


@pytest.mark.alters_schema
def test_an_upgraded_database_drops_the_five_indexes(app, runner, citizen, make_ticket):
    fresh = ticket_indexes()
    for name, column in OLD.items():
        db.database.execute_sql(f'CREATE INDEX "{name}" ON "ticket" ("{column}")')
    SchemaVersion.delete().where(SchemaVersion.name == NAME).execute()
    assert set(OLD) <= set(ticket_indexes())

    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and NAME in result.output, result.output
    assert ticket_indexes() == fresh
    make_ticket(citizen)
    if on_sqlite():  # the citizen's list and a user's tickets still come from an index
        plan = " ".join(str(row) for row in db.database.execute_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM ticket WHERE requester_id = ? "
            "ORDER BY updated_at DESC LIMIT 20", (citizen.id,)))
        assert "ticket_requester_id_updated_at" in plan, plan
