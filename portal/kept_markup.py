"""Markup that is the same for every request of a language, rendered once and kept by the
app: a page's links and labels around its content, and blank form fields (the new-ticket
form's topic, subject, message and files, a ticket page's reply and answer boxes), which
were rendered field by field and link by link in every request (some 0.25 ms of the
new-ticket form's 1.6 ms). In a template:

    {% call kept("reply", limits.key, when=not form.is_submitted()) %}...{% endcall %}

The block is rendered when it is not kept yet, or when ``when`` is false (a form sent
back with what was typed and its errors). Everything the block shows besides the
language and the message limit must be in the key (choices, upload limits, whether the
user is staff, the address the app is served under): a topic renamed in any process
changes the key, so it shows at once. CSRF tokens and one-time keys differ per request:
they stay outside the block."""
from flask import current_app
from flask_babel import get_locale

KEPT = 256  # blocks kept per app: languages x topic lists x limits, with room to spare


def kept(name, *key, caller, when=True):
    if not when:
        return caller()
    blocks = current_app.extensions.setdefault("portal_kept_markup", {})
    key = (name, str(get_locale()), current_app.config["MESSAGE_MAX_LENGTH"], *key)
    html = blocks.get(key)
    if html is None:
        if len(blocks) >= KEPT:
            blocks.clear()
        html = blocks[key] = caller()
    return html
