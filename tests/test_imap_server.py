"""The Dovecot fixture itself: a real server that keeps what is appended, over TLS."""
import ssl

import pytest
from imapclient import IMAPClient


def test_the_server_keeps_appended_messages_and_speaks_tls_with_its_own_certificate(
        imap_mailbox):
    raw = b"From: warga@contoh.id\r\nSubject: Halo\r\nMessage-ID: <1@contoh.id>\r\n\r\nIsi\r\n"
    imap_mailbox.append(raw)
    assert imap_mailbox.messages() == [raw]
    with pytest.raises(ssl.SSLCertVerificationError):  # a client trusting only the system CAs
        IMAPClient("127.0.0.1", port=imap_mailbox.tls_port, ssl=True, timeout=5)


def test_emptying_removes_messages_and_folders_left_by_a_test(imap_mailbox):
    imap_mailbox.append(b"Subject: satu\r\n\r\nx\r\n", b"Subject: dua\r\n\r\ny\r\n")
    with imap_mailbox.client() as imap:
        imap.create_folder("Processed")
    imap_mailbox.empty()
    assert imap_mailbox.messages() == []
    with imap_mailbox.client() as imap:
        assert [name for _, _, name in imap.list_folders()] == ["INBOX"]
