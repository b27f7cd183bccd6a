"""Local dates of the helpdesk's zone (Asia/Jakarta) and the naive UTC the database stores.

Zones come from zoneinfo: a pytz zone attached with ``replace(tzinfo=...)`` is the zone's
old local mean time (+07:07 for Jakarta) and puts every day boundary 7 minutes early."""
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo


def midnight_utc(day, zone):
    """Local midnight at the start of ``day`` in ``zone`` (a name or a tzinfo), as naive UTC."""
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(str(zone)))
    return local.astimezone(timezone.utc).replace(tzinfo=None)
