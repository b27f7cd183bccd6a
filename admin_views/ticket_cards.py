"""The fields of the ticket page's action cards (macros of admin/ticket/_cards.html), as
HTML. A blank card, the usual case, is the same markup for every ticket with the same
choices: it is rendered once per language, choices and limits and kept by the app, as
building five WTForms forms and rendering their fields was most of the page's time. The
choices are part of the key, so a department, agent or canned response changed in any
process shows at once. A form that was sent (shown again with what was typed and its
errors) is rendered each time."""
from flask import current_app, get_template_attribute
from flask_babel import get_locale

TEMPLATE = "admin/ticket/_cards.html"
KEPT = 512  # cards kept per app: languages x departments x statuses, with room to spare


def render(name, form, limits):
    """The fields of card ``name`` for ``form``."""
    return get_template_attribute(TEMPLATE, name)(form, limits)


def blank(name, choices, build, limits):
    """The fields of card ``name`` not yet filled in; ``choices`` is what its form offers
    (hashable), ``build()`` makes the blank form when the card is not kept yet."""
    kept = current_app.extensions.setdefault("helpdesk_ticket_cards", {})
    key = (name, str(get_locale()), choices, current_app.config["MESSAGE_MAX_LENGTH"],
           tuple(limits["extensions"]), limits["max_files"], limits["max_bytes"])
    html = kept.get(key)
    if html is None:
        if len(kept) >= KEPT:
            kept.clear()
        html = kept[key] = render(name, build(), limits)
    return html
