"""Sample e-mails for the mail intake tests (and the IMAP ones): built with the standard
library as mail clients send them, returned as bytes."""
from email.message import EmailMessage
from email.utils import make_msgid

from samples import PNG

INDONESIAN_QUOTE = ("\n\nPada Sen, 2 Des 2026 pukul 08.05 Helpdesk Pusdatin Kesos "
                    "<helpdesk@kemensos.go.id> menulis:\n> Silakan coba masuk lagi.\n> \n"
                    "> Hormat kami,\n> Helpdesk Pusdatin Kesos\n")
ENGLISH_QUOTE = ("\n\nOn Mon, Dec 2, 2026 at 8:05 AM Helpdesk Pusdatin Kesos "
                 "<helpdesk@kemensos.go.id> wrote:\n> Please try to sign in again.\n")


def message(sender="Siti Warga <warga@contoh.id>", to="helpdesk@kemensos.go.id",
            subject="Tidak bisa login", text="Sejak pagi gagal masuk.", html=None,
            files=(), inline=(), headers=None, message_id=None):
    """An e-mail as bytes. ``files``: (name, bytes, content type) attachments; ``inline``:
    (bytes, content type) images shown in the HTML body; ``headers``: extra headers."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="contoh.id")
    msg["Date"] = "Tue, 02 Dec 2026 08:30:00 +0700"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for data, content_type in inline:
        maintype, subtype = content_type.split("/")
        msg.get_payload()[-1].add_related(data, maintype=maintype, subtype=subtype,
                                          cid=make_msgid())
    for name, data, content_type in files:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def reply_to(mail, sender="Siti Warga <warga@contoh.id>", text="Sudah bisa, terima kasih.",
             quote=INDONESIAN_QUOTE, **kwargs):
    """A reply, as a mail client makes it, to ``mail`` (a message received by the SMTP
    sink): to its Reply-To, with In-Reply-To/References and the quote below."""
    headers = {"In-Reply-To": mail["Message-ID"],
               "References": " ".join(filter(None, [mail["References"], mail["Message-ID"]]))}
    headers.update(kwargs.pop("headers", {}))
    return message(sender=sender, to=mail["Reply-To"] or mail["From"],
                   subject="Re: " + mail["Subject"], text=text + quote, headers=headers,
                   **kwargs)


def png():
    return PNG
