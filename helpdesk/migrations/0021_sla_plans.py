"""SLA plans and working calendars: their tables, the default calendar (Monday to Friday
08.00-16.00 WIB) and plan (2 × 24 hours to resolve around the clock, a first response
within 8 working hours), and every help topic pointed at a plan. A topic whose SLA hours
were not 48 gets a plan of its own with its hours, so that no topic's promise changes."""
from peewee import ForeignKeyField
from playhouse.migrate import migrate

from ..models import HelpTopic
from ..seed import PLAN, default_plan
from ..sla_models import SLA_MODELS, SlaPlan


def up(migrator, database):
    database.create_tables(SLA_MODELS)
    plan = ForeignKeyField(SlaPlan, null=True, field=SlaPlan.id, on_delete="SET NULL")
    migrate(migrator.add_column("helptopic", "sla_plan_id", plan))
    standard = default_plan()
    calendar = SlaPlan.get_by_id(standard).calendar_id
    for topic in HelpTopic.select(HelpTopic.id, HelpTopic.name, HelpTopic.sla_hours):
        chosen = standard
        if topic.sla_hours != PLAN["resolution_hours"]:
            chosen = SlaPlan.insert(
                calendar=calendar, **dict(PLAN, name=f"{topic.name[:100]} ({topic.sla_hours} jam)",
                                          resolution_hours=topic.sla_hours)).execute()
        HelpTopic.update(sla_plan=chosen).where(HelpTopic.id == topic.id).execute()
