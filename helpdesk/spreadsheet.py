"""What every spreadsheet the helpdesk writes shares: the XLSX media type, the date-time
format, and text someone typed made safe to open in a spreadsheet program."""

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE = "yyyy-mm-dd"
XLSX_TIME = "yyyy-mm-dd hh:mm"


def safe_text(text):
    """Text a user typed (a subject, a name), made safe for a spreadsheet: a leading
    = + - @ would make it a formula (CSV/formula injection), so such text starts with an
    apostrophe."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
