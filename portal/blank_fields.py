"""Form fields not yet filled in, rendered once and kept by the app: the new-ticket form's
topic, subject, message and files, a ticket page's reply and answer boxes. Blank, they
are the same markup for every request with the same language, limits and choices, and
rendering them was most of those pages' time. In a template:

    {% call kept_fields("reply", limits, blank=not form.errors) %}...fields...{% endcall %}

The block is rendered when the fields are not kept yet, or when ``blank`` is false (a
form sent back with what was typed and its errors). Everything the block shows besides
the language and the message limit must be in the key (choices, upload limits): a topic
renamed in any process changes the key, so it shows at once. CSRF tokens and one-time
keys differ per request: they stay outside the block."""
from flask import current_app
from flask_babel import get_locale

KEPT = 256  # blocks kept per app: languages x topic lists x limits, with room to spare


def kept_fields(name, *key, caller, blank=True):
    if not blank:
        return caller()
    kept = current_app.extensions.setdefault("portal_blank_fields", {})
    key = (name, str(get_locale()), current_app.config["MESSAGE_MAX_LENGTH"], *key)
    html = kept.get(key)
    if html is None:
        if len(kept) >= KEPT:
            kept.clear()
        html = kept[key] = caller()
    return html

