"""A citizen answers the agent's e-mail by pressing Reply: the answer goes to the helpdesk's
mailbox (a real Dovecot), the mail intake reads it (``flask fetch-mail``, as cron runs it)
and the reply shows in the citizen's thread on the portal and the agent's on the desk."""
from playwright.sync_api import expect

from mail_samples import reply_to

from .people import AGENT, CITIZEN
from .steps import act, arrive, mails_about, open_from_queue, open_ticket


def test_the_citizens_answer_by_e_mail_shows_in_both_threads(browser, live, mailbox,
                                                              imap_mailbox):
    citizen = browser.open("citizen", signed_in=CITIZEN)
    number = open_ticket(citizen, "Kartu KKS belum diterima")
    agent = browser.open("agent", signed_in=AGENT)
    open_from_queue(agent, number)
    act(agent, "reply", "Kirim balasan", **{
        "Balasan untuk pemohon": "Mohon kirimkan nomor KKS Anda untuk kami periksa."})
    expect(agent.locator(".thread")).to_contain_text("Mohon kirimkan nomor KKS Anda")

    # The citizen presses Reply in their mail program: to the mail's Reply-To, in its thread
    mail, = mails_about(mailbox, CITIZEN.email, "Mohon kirimkan nomor KKS Anda")
    assert mail["Reply-To"].startswith(f"helpdesk+{number}.")
    imap_mailbox.append(reply_to(mail, sender=f"{CITIZEN.full_name} <{CITIZEN.email}>",
                                 text="Nomor KKS saya 6013 0123 4567 8901."))
    fetched = live.flask("fetch-mail", INTAKE_IMAP_URL=imap_mailbox.url(),
                         INTAKE_IMAP_CA_FILE=imap_mailbox.ca_file)
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert "1 pesan dibaca: 1 balasan" in fetched.stdout

    arrive(citizen, citizen.reload)
    latest = citizen.locator(".thread #latest")  # the newest entry of the conversation
    expect(latest).to_contain_text("Nomor KKS saya 6013 0123 4567 8901.")
    expect(latest).to_contain_text(CITIZEN.full_name)
    expect(latest).not_to_contain_text("menulis:")  # the quoted mail is cut
    arrive(agent, agent.reload)
    expect(agent.locator(".thread")).to_contain_text("Nomor KKS saya 6013 0123 4567 8901.")
    mails_about(mailbox, AGENT.email, "Nomor KKS saya")  # and the agent is told
