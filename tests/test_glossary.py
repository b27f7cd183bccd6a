"""The house glossary (GLOSSARY-id.md) is kept: no Indonesian catalog, template or seeded text
uses a variant it forbids, the terms it fixes are used, and labels are in sentence case.
No app fixtures."""
import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LC_MESSAGES = ROOT / "translations" / "id" / "LC_MESSAGES"
DOMAINS = ["messages", "flask_security", "admin"]

# (pattern, what the glossary says instead)
FORBIDDEN = [
    (r"\bmeja petugas\b", "Halaman Petugas"),
    (r"\bSLA terlampaui\b", "Batas waktu terlampaui"),
    (r"\bKemsos\b", "Kemensos"),
    (r"\bmemegang\b", "Tiket ini kini Anda tangani"),
    (r"\bdepartemen\b", "unit"),
    (r"\bonline\b", "daring"),
    (r"\boffline\b", "luring"),
    (r"\bmobile\b", "seluler"),
    (r"\be-mail\b|\bsurel\b|\bsurat elektronik\b", "email"),
    (r"\bdengan yang dipilih\b", "Tindakan untuk yang dipilih"),
    (r"\bjawaban siap pakai\b", "templat balasan"),
    (r"\bBatas waktu \(jawaban\)", "Dijawab paling lambat"),
    (r"\+0700", "WIB"),
]
# Words that keep their capital inside a label: names, abbreviations, and the manual's titles.
PROPER = {"Anda", "WIB", "SLA", "CSV", "XLSX", "Pusdatin", "Kesos", "Helpdesk", "Indonesia",
          "Kementerian", "Sosial", "Senin", "Google", "Authenticator", "Passkey", "QR",
          "Kemensos", "SIKS-NG", "Waktu", "Barat", "ID", "KB", "MB", "B", "SMS", "Bapak", "Ibu", "Republik",
          "Inggris", "SKM", "IKM", "NRR", "PermenPANRB"}
# Templates hold English msgids, where these words are right.
ENGLISH_TERMS = {"daring", "luring", "seluler", "email"}
TITLES = ["Buka Tiket Baru", "Cek Status Tiket", "Halaman Petugas",
          "Survei Kepuasan Masyarakat", "Indeks Kepuasan Masyarakat"]


def catalog(domain):
    with open(LC_MESSAGES / f"{domain}.po", "rb") as f:
        return read_po(f, locale="id", domain=domain)


def translations(domain):
    """(msgid, msgstr) of every entry, plural forms one by one."""
    for message in catalog(domain):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield ids[0], string


def seeded_texts():
    """Every string literal of helpdesk/seed.py except the help topics' names (the manual's)."""
    tree = ast.parse((ROOT / "helpdesk" / "seed.py").read_text())
    names = {"Email Kemsos", ast.get_docstring(tree, clean=False)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value not in names]


def hits(text):
    return [(pattern, instead) for pattern, instead in FORBIDDEN
            if re.search(pattern, text, re.IGNORECASE if pattern.islower() else 0)]


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalog_uses_no_forbidden_variant(domain):
    found = [(msgid, string, hit) for msgid, string in translations(domain)
             for hit in hits(string)]
    assert not found, f"{domain}.po: {found}"


def test_templates_use_no_forbidden_variant():
    found = [(path.name, hit) for path in (ROOT / "templates").rglob("*.*")
             for hit in hits(path.read_text()) if hit[1] not in ENGLISH_TERMS]
    assert not found, found


def test_seeded_texts_are_indonesian_and_follow_the_glossary():
    texts = seeded_texts()
    found = [(text, hit) for text in texts for hit in hits(text)]
    assert not found, found
    english = [text for text in texts
               if re.search(r"\b(the|and|of|their|every)\b", text) and " " in text]
    assert not english, english


def test_fixed_terms():
    messages = dict(translations("messages"))
    assert messages["Open a New Ticket"] == "Buka Tiket Baru"
    assert messages["Staff desk"] == "Halaman Petugas"
    assert messages["Assignee"] == "Penanggung jawab"
    assert messages["Post Reply"] == "Kirim balasan"
    assert messages["Department"] == "Unit"
    assert dict(translations("admin"))["With selected"] == "Tindakan untuk yang dipilih"
    # "assignee" is "penanggung jawab", never "petugas" (which is an agent)
    for msgid, string in translations("messages"):
        if re.search(r"\bassignee\b", msgid, re.IGNORECASE):
            assert "penanggung jawab" in string.lower(), (msgid, string)


def label_capitals(string):
    """Capitalised words after the first word of a short label, names and titles aside."""
    for title in TITLES:
        string = string.replace(title, "")
    string = re.sub(r"%\(\w+\)s|\[[^\]]*\]|<[^>]*>", ":", string)
    capitals = []
    for part in re.split(r"[?!/:]", string):  # each question, and a link's text, starts with a capital
        words = re.findall(r"[^\W\d_][\w-]*", part)
        capitals += [w for w in words[1:] if w[0].isupper() and w not in PROPER]
    return capitals


@pytest.mark.parametrize("domain", DOMAINS)
def test_labels_are_in_sentence_case(domain):
    """Buttons, headings and field labels: only the first word is capitalised."""
    wrong = [(msgid, string) for msgid, string in translations(domain)
             if string and len(string.split()) <= 6 and not string.rstrip().endswith(".")
             and label_capitals(string)]
    assert not wrong, f"{domain}.po: {wrong}"
