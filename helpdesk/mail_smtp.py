"""The SMTP side of delivery: Flask-Mail's connection (0.10.0), with a timeout, the
recipients the server refused, and the envelope's addresses worked out once."""
import smtplib
import time

from flask import current_app
from flask_mail import BadHeaderError, Connection, email_dispatched

from .mail_bytes import address


class SmtpConnection(Connection):
    """Flask-Mail's connection with a timeout: its own has none, so a server that accepts
    and never answers would block the sender forever."""

    def __init__(self, mail, timeout):
        super().__init__(mail)
        self.timeout = timeout

    def send(self, message, envelope_from=None):
        """Flask-Mail's ``Connection.send`` (0.10.0), which it overrides for two things:
        it returns the recipients the server refused while it took the message for others
        ({address: (code, answer)}, what ``sendmail`` answers and Flask-Mail drops), and
        the sender's and recipients' addresses are put in their SMTP form once per address
        (Flask-Mail parsed and encoded each anew for every message: more CPU than writing
        the message out)."""
        assert message.send_to, "No recipients have been added"
        if message.has_bad_headers():
            raise BadHeaderError
        if message.date is None:
            message.date = time.time()
        refused = {}
        if self.host is not None:
            refused = self.host.sendmail(
                address(envelope_from or message.sender),
                [address(recipient) for recipient in message.send_to], message.as_bytes(),
                message.mail_options, message.rcpt_options)
        email_dispatched.send(current_app._get_current_object(), message=message)
        self.num_emails += 1
        if self.num_emails == self.mail.max_emails:  # connect anew, as Flask-Mail does
            self.num_emails = 0
            if self.host:
                self.host.quit()
                self.host = self.configure_host()
        return refused

    def configure_host(self):
        factory = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = factory(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host
