"""Which entries of the desk's main menu a user sees, the key under which the menu is kept
(``kept``, portal/kept_markup.py): Flask-Admin 2.2.1 renders the menu entry by entry on
every page (its ``layout.menu`` macro, with each entry's translated name), some 0.3 ms of
a queue page. The menu also depends on the language (in every kept key), the page's view
(its entry is the active one) and the address the app is served under (the entries'
links); the names are the views' own, fixed at start-up. In desk_base.html:

    {% call kept("desk menu", request.script_root, admin_view.endpoint,
                 menu_shown(admin_view)) %}{{ super() }}{% endcall %}
"""


def menu_shown(admin_view):
    """The entries (and categories) the user sees, asked of every view as Flask-Admin's
    ``layout.menu`` macro asks (``is_accessible``, ``is_visible``)."""
    return tuple(_shown(admin_view.admin.menu()))


def _shown(items):
    for item in items:
        if item.is_category():
            children = item.get_children()
            if children:
                yield id(item), tuple(_shown(children))
        elif item.is_accessible() and item.is_visible():
            yield id(item)
