"""Mail bodies rendered once per language and kept, then filled in for each message: a
new ticket's receipt and every staff alert, which Jinja rendered whole for each ticket
(about half of the CPU a new ticket's POST spent in Python).

A kept template is rendered once with a stand-in for each value it shows, and the
result is kept with the places of the stand-ins; a message is the kept text with each
stand-in replaced by its value, escaped in the HTML body as Jinja's autoescape would.
That gives the same bytes as rendering when the template only *shows* those values, so
whatever the template branches on must be in the key: a value that is empty is passed
as it is (so ``{% if message %}`` is decided by it), ``fixed`` values are passed as
they are and keyed (a status the template compares), and ``key`` holds anything else
the template reads (a setting). The first message of each key is rendered both ways
and compared: a template that does more than show a value (a filter, a test) is then
rendered in full for that key, and a warning names it.
"""
import logging
import re

from flask import current_app
from flask_babel import get_locale
from markupsafe import escape

log = logging.getLogger(__name__)

KEPT = 256  # kept bodies per app: templates x languages x what they branch on
_STAND_IN = re.compile("\ue000(\\d+)\ue001")  # private-use characters: no text has them
_NOT_KEPT = object()


def bodies(name, shown, fixed=None, key=()):
    """The text and HTML bodies of ``templates/email/<name>``. ``shown``: the values the
    template shows (strings, or empty); ``fixed``: values it branches on (hashable);
    ``key``: anything else the template reads that changes what it renders."""
    shown = {field: str(value) if value else value for field, value in shown.items()}
    fixed = fixed or {}
    environment = current_app.jinja_env
    if environment.auto_reload:  # templates edited while the app runs (debug)
        return render(name, {**fixed, **shown})
    kept = current_app.extensions.setdefault("kept_mail", {})
    whole_key = (name, str(get_locale()), tuple((field, bool(value)) for field, value
                                                in shown.items()),
                 tuple(sorted(fixed.items())), key)
    skeleton = kept.get(whole_key)
    if skeleton is _NOT_KEPT:
        return render(name, {**fixed, **shown})
    if skeleton is not None:
        return _fill(skeleton, list(shown.values()))
    rendered = render(name, {**fixed, **shown})
    if len(kept) >= KEPT:
        kept.clear()
    kept[whole_key] = _kept(name, shown, fixed, rendered)
    return rendered


def _kept(name, shown, fixed, rendered):
    """What is kept for a key: the bodies rendered with stand-ins, if filling them in
    gives ``rendered``."""
    stand_ins = {field: f"\ue000{n}\ue001" if value else value
                 for n, (field, value) in enumerate(shown.items())}
    skeleton = render(name, {**fixed, **stand_ins})
    if _fill(skeleton, list(shown.values())) != rendered:
        log.warning("The mail template %s does more than show its values: it is rendered "
                    "for each message", name)
        return _NOT_KEPT
    return skeleton


def render(name, context):
    """The text and HTML bodies of ``templates/email/<name>``, rendered whole by the Jinja
    environment alone: a mail reads none of what the context processors add for pages
    (the request, the signed-in user, Flask-Security's helpers)."""
    environment = current_app.jinja_env
    return (environment.get_template(f"email/{name}.txt").render(context),
            environment.get_template(f"email/{name}.html").render(context))


def _fill(skeleton, values):
    text, html = skeleton
    return (_STAND_IN.sub(lambda match: values[int(match.group(1))], text),
            _STAND_IN.sub(lambda match: escape(values[int(match.group(1))]), html))
