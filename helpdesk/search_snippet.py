"""A snippet: the part of a text around the words a search found, those words between
``\\x02`` and ``\\x03`` (PostgreSQL's ``ts_headline`` is given the same markers), then
``marked``: escaped, the markers as ``<mark>``. SQLite's are cut here, from the stems the
index keeps of each word (``search_words``: one per word, in order)."""
import re

from markupsafe import Markup, escape

from .search_words import WORD


def snippet(text, stems, hit, size):
    """``size`` words of ``text`` around the most words ``hit(stem)`` says were found,
    those marked; "…" where the text goes on."""
    spans = [found.span() for found in WORD.finditer(text)]
    if len(spans) != len(stems):  # never: both come from the same words
        return text[:200]
    found = [place for place, word in enumerate(stems) if hit(word)]
    start = _best_window(found, len(spans), size)
    end = min(len(spans), start + size)
    pieces, at = [], spans[start][0] if start else 0
    for place in found:
        if start <= place < end:
            left, right = spans[place]
            pieces += [text[at:left], "\x02", text[left:right], "\x03"]
            at = right
    closing = spans[end - 1][1] if end < len(spans) else len(text)
    pieces.append(text[at:closing])
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(spans) else "")


def _best_window(found, count, size):
    """The first word of the ``size`` words holding the most found ones (a few words
    before the first of them)."""
    if count <= size or not found:
        return 0
    best, most = 0, -1
    for first in found:
        inside = sum(1 for place in found if first <= place < first + size)
        if inside > most:
            best, most = first, inside
    return max(0, min(best - size // 3, count - size))


def marked(text):
    """The snippet's text escaped, its markers as ``<mark>``; one line."""
    text = re.sub(r"\s+", " ", text.replace("\x01", "<")).strip()
    return Markup(str(escape(text)).replace("\x02", "<mark>").replace("\x03", "</mark>"))
