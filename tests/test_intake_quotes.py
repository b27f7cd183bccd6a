"""The new text of a reply: the quote headers of Indonesian and English mail clients and
the usual signatures are cut, the citizen's own text is kept whole."""
import pytest

from helpdesk.intake.quotes import new_text

QUOTES = {
    "gmail_id": "Pada Sen, 2 Des 2026 pukul 08.05 Helpdesk Pusdatin Kesos "
                "<helpdesk@kemensos.go.id> menulis:\n> Silakan coba lagi.\n",
    "gmail_en": "On Mon, Dec 2, 2026 at 8:05 AM Helpdesk <helpdesk@kemensos.go.id> wrote:\n"
                "> Please try again.\n",
    "outlook_id": "________________________________\nDari: Helpdesk Pusdatin Kesos "
                  "<helpdesk@kemensos.go.id>\nDikirim: Senin, 2 Desember 2026 08.05\n"
                  "Kepada: Siti\nSubjek: [#1234567] Balasan\n\nSilakan coba lagi.\n",
    "outlook_en": "-----Original Message-----\nFrom: Helpdesk\nSent: Monday\nTo: Siti\n"
                  "Subject: Re\n\nPlease try again.\n",
    "forwarded_id": "-----Pesan Asli-----\nDari: Helpdesk\nTanggal: Senin\n\nSilakan.\n",
    "phone_id": "Dikirim dari iPhone saya\n",
    "signature": "-- \nSiti Warga\nDinas Sosial Kab. Bogor\n",
}


@pytest.mark.parametrize("quote", QUOTES)
def test_quotes_and_signatures_are_cut(quote):
    assert new_text(f"Sudah bisa, terima kasih.\n\n{QUOTES[quote]}") == (
        "Sudah bisa, terima kasih.")


def test_the_citizens_own_list_and_paragraphs_are_kept():
    text = "Yang sudah saya coba:\n- login ulang\n- hapus cache\n\nTetap gagal sejak pagi."
    assert new_text(text) == text


def test_a_message_without_quote_is_kept_whole():
    assert new_text("Mohon bantuan, NIK saya tidak ditemukan.") == (
        "Mohon bantuan, NIK saya tidak ditemukan.")
