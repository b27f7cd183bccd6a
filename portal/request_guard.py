"""Requests carrying characters that no text field needs are refused before any view runs.

A textarea sends tab, line feed and carriage return; nothing the helpdesk asks for needs
the other control characters (C0, DEL, C1), and PostgreSQL refuses NUL in text outright
("A string literal cannot contain NUL"). Lone surrogates (only JSON can carry them) cannot
be stored either. One check for the whole application (portal, Flask-Security's pages,
the staff desk): the path, the query string, form field names and values, the names of
uploaded files (never their contents) and every string of a JSON body.
"""
import re

from flask import request
from werkzeug.exceptions import BadRequest

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class ForbiddenCharacters(BadRequest):
    """A request with control characters in its text; answered by ``portal.errors``."""


class UnreadableBody(BadRequest):
    """A JSON body nested too deeply to be read."""


def refuse_forbidden_characters():
    if any(FORBIDDEN.search(text) for text in _texts()):
        raise ForbiddenCharacters()


def _texts():
    yield request.path
    for name, value in request.args.items(multi=True):
        yield name
        yield value
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return  # no body (the pages): no form to parse
    for name, value in request.form.items(multi=True):
        yield name
        yield value
    for name, upload in request.files.items(multi=True):
        yield name
        yield upload.filename or ""
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            raise UnreadableBody() from None
        yield from _strings(data)


def _strings(data):
    """Every key and string value of a decoded JSON document, without recursion."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def init_app(app):
    """Register the check; call it before anything else that runs per request (the
    database connection, Flask-Security's user loading), so that a refused request
    touches nothing."""
    app.before_request(refuse_forbidden_characters)
