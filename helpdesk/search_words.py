"""Words as search sees them, the same on both databases: runs of letters and digits
(what SQLite's ``unicode61`` tokenizer and the PostgreSQL index's ``regexp_replace`` keep),
lower case, accents folded, Indonesian affixes removed by the Snowball stemmer
("pembayaran" → "bayar", "dikirimkan" → "kirim"). Words holding a digit are only folded,
as PostgreSQL's parser files them as numbers ("abc123", "2024"), not words.

PostgreSQL stems with its own ``indonesian`` Snowball dictionary after ``unaccent``
(migration 0013); SQLite gets the stems from here (``snowballstemmer``, the same
algorithm: tests/test_search_words.py compares them).
"""
import functools
import re
import unicodedata

import snowballstemmer

# letters and digits; private-use characters and combining accents belong to a word too
WORD = re.compile(r"(?:[^\W_]|[\ue000-\uf8ff])(?:[^\W_]|[\ue000-\uf8ff\u0300-\u036f])*")
_ALNUM = re.compile(r"[^\W_]+")
# letters that carry no decomposable accent, as PostgreSQL's unaccent rules spell them
_UNACCENT = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
                           "ħ": "h", "ı": "i", "ŀ": "l", "þ": "th", "ð": "d"})
_stemmer = snowballstemmer.stemmer("indonesian")


def words(text):
    """The words of ``text`` as written."""
    return WORD.findall(text)


def fold(word):
    """Lower case without accents: "Café" → "cafe"."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_UNACCENT))
    plain = "".join(_ALNUM.findall(decomposed))
    return plain or word.lower()


@functools.lru_cache(maxsize=50_000)  # a language's words repeat: Snowball in Python is slow
def stem(word):
    """The indexed form of one word: folded, and without its affixes unless it holds
    a digit."""
    folded = fold(word)
    if any(char.isdigit() for char in folded):
        return folded
    return _stemmer.stemWord(folded) or folded


def stems(text):
    """``text`` as SQLite indexes it: one stem per word, in order (so FTS5's positions
    are those of the words as written, which ``snippet()`` marks)."""
    return " ".join(stem(word) for word in words(text))
