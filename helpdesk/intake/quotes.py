"""The new text of a reply: quoted text and signatures cut.

mail-parser-reply (1.36) knows the quote headers of English and a dozen other languages,
not Indonesian, and takes no patterns of its own; so the Indonesian headers of the usual
mail clients ("Pada … menulis:", Outlook's "Dari: … Dikirim: …", "-----Pesan Asli-----")
and Indonesian sign-offs are cut here first, and the library does the rest.
"""
import re

from mailparser_reply.parser import EmailMessage

INDONESIAN_HEADERS = re.compile(
    r"^(?:>\s*)*(?:"
    r"Pada\s.{1,200}?\s(?:menulis|wrote)\s*:"  # Gmail, Apple Mail, Thunderbird
    r"|(?:Dari|From)\s*:.*\n(?:.*\n){0,3}?\s*(?:Dikirim|Terkirim|Tanggal|Sent|Date)\s*:"  # Outlook
    r"|-{3,}\s*Pesan\s+(?:Asli|Awal|Diteruskan)\s*-{3,}"
    r")",
    re.I | re.M)
INDONESIAN_SIGNATURES = re.compile(
    r"^(?:Dikirim dari|Terkirim dari)\s.{1,60}$",  # "Dikirim dari iPhone saya"
    re.I | re.M)

LANGUAGES = ("en", "de", "fr", "nl", "es")  # of the library's, besides ours


def new_text(text):
    """The part of ``text`` the sender wrote now."""
    text = (text or "").replace("\r\n", "\n")
    found = INDONESIAN_HEADERS.search(text)
    if found:
        text = text[:found.start()]
    found = INDONESIAN_SIGNATURES.search(text)
    if found:
        text = text[:found.start()]
    # keep_hyphen_lists: "- login ulang" lines are the citizen's list, not a signature
    message = EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    latest = message.replies[0].body if message.replies else text
    return latest.strip()
