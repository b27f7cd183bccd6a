"""How times and file sizes read, the same on every page, mail and export of a language:
"2 Des 2026, 08.05 WIB" ("2 Dec 2026, 08:05 WIB" in English) and "45 B", "1,2 KB",
"2,5 MB" (decimal point in English). Needs a Flask-Babel context (request or force_locale)."""
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_decimal, get_locale, get_timezone
from markupsafe import escape

# The zones of Indonesia by their Indonesian names, which citizens use in every language.
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}
UNITS = ("B", "KB", "MB", "GB")


def zone_name():
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta")
    return ZONE_NAMES.get(zone, zone)


def when(value):
    """A stored (naive UTC) time in the helpdesk's zone, with the zone's name: Babel's
    ``d MMM y, HH.mm`` (``HH:mm`` in English), put together here from the locale's month
    names because a queue page shows a hundred of them and Babel's formatter costs more
    than the rest of a cell."""
    return clock()(value)


def clock(html=False):
    """``when`` for the current locale and zone, looked up once: a page that shows many
    times (the queue) keeps it for the page instead of looking them up for each time.
    The zone is the standard library's (as the exports'): pytz's conversion costs
    several times more, and the two agree on every time of Indonesia's zones since 1933.
    With ``html``, the words come escaped: the time reads as HTML text."""
    zone, locale, name = ZoneInfo(str(get_timezone())), get_locale(), zone_name()
    months = {number: str(escape(month)) if html else month
              for number, month in locale.months["format"]["abbreviated"].items()}
    if html:
        name = str(escape(name))
    colon = ":" if locale.language == "en" else "."

    def read(value):
        if value is None:
            return ""
        local = value.replace(tzinfo=timezone.utc).astimezone(zone)
        return (f"{local.day} {months[local.month]} {local.year}, "
                f"{local.hour:02d}{colon}{local.minute:02d} {name}")
    return read


def decimal(value):
    """One decimal at most, in the locale's notation: "2,5" or "2.5", "10"."""
    return format_decimal(round(value, 1), "0.#")


def file_size(size):
    """Bytes as people read them, in steps of 1024: "45 B", "1,2 KB", "2,5 MB"."""
    value, unit = float(size), UNITS[0]
    for unit in UNITS:
        if value < 1024 or unit == UNITS[-1]:
            break
        value /= 1024
    return f"{int(size)} B" if unit == "B" else f"{decimal(value)} {unit}"
