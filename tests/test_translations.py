"""The Indonesian catalogs parse, their compiled .mo files are up to date, and the catalogs
of third-party packages (Flask-Security, Flask-Admin) are complete.  No app fixtures."""
import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LC_MESSAGES = Path(__file__).resolve().parent.parent / "translations" / "id" / "LC_MESSAGES"
DOMAINS = ["messages", "flask_security", "admin"]
# "messages" is the app's own catalog and may be temporarily incomplete while text is added.
COMPLETE_DOMAINS = ["flask_security", "admin"]


def load_po(domain):
    with open(LC_MESSAGES / f"{domain}.po", "rb") as f:
        return read_po(f, locale="id", domain=domain, abort_invalid=True)


def load_mo(domain):
    with open(LC_MESSAGES / f"{domain}.mo", "rb") as f:
        return gettext.GNUTranslations(f)


def entries(catalog):
    return [m for m in catalog if m.id]


@pytest.mark.parametrize("domain", DOMAINS)
def test_po_parses(domain):
    catalog = load_po(domain)
    assert entries(catalog), f"{domain}.po has no messages"
    assert catalog.num_plurals == 1 and catalog.plural_expr == "0", catalog.plural_forms


@pytest.mark.parametrize("domain", DOMAINS)
def test_mo_is_up_to_date(domain):
    """What the .mo returns equals what the .po says (run `make translations` if not)."""
    catalog, mo = load_po(domain), load_mo(domain)
    plural = gettext.c2py(catalog.plural_expr)
    stale = []
    for message in entries(catalog):
        if message.fuzzy:  # fuzzy entries are not compiled
            continue
        if message.pluralizable:
            singular, plural_id = message.id[0], message.id[1]
            for n in (0, 1, 2, 5):
                # pybabel compile falls back to the msgid for an empty plural msgstr
                index = plural(n)
                expected = message.string[index] or message.id[min(index, 1)]
                got = mo.ngettext(singular, plural_id, n)
                if got != expected:
                    stale.append((message.id, n, expected, got))
        else:
            # an untranslated entry must not still be translated in the .mo
            expected = message.string or message.id
            got = mo.gettext(message.id)
            if got != expected:
                stale.append((message.id, expected, got))
    assert not stale, f"{domain}.mo is out of date with {domain}.po: {stale[:5]}"


@pytest.mark.parametrize("domain", COMPLETE_DOMAINS)
def test_catalog_is_complete(domain):
    catalog = load_po(domain)
    assert not catalog.fuzzy, f"{domain}.po header is marked fuzzy"
    missing = []
    for message in entries(catalog):
        strings = message.string if message.pluralizable else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert not missing, f"{domain}.po has untranslated or fuzzy entries: {missing}"
    # placeholders such as %(name)s must survive translation
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, problems
