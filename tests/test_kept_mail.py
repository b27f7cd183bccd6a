"""Kept mail bodies (``helpdesk.kept_mail``): a receipt or staff alert filled into the
bodies kept for its language is the same, byte for byte, as the template rendered whole,
whatever the values hold; a template that does more than show a value is rendered whole;
and each new ticket's mail shows its own ticket, escaped in HTML."""
import logging
import random

import pytest
from flask_babel import force_locale
from jinja2 import ChoiceLoader, DictLoader

from helpdesk import kept_mail
from helpdesk.models import OutboxMail

from conftest import csrf_from, login

ODD = ["", "<b>Data</b> & 'kutip' \"ganda\"", "Baris satu\nBaris dua\n\n",
       "%(number)s %s {{ subject }} {% if x %}", "\ue0000\ue001 \ue0003\ue001 \ue000",
       "Ünïcödé — ✓ 中文 ﷽", "  spasi  ", "x" * 400, "&amp; &lt;", "https://a.id/?a=1&b=<2>"]
RECEIPT = ("addressee", "number", "subject", "topic", "due", "answer_due", "link")
ALERT = ("addressee", "number", "headline", "subject", "requester", "requester_email",
         "topic", "department", "status_label", "status_lower", "due", "message", "link")
STATUSES = ("open", "awaiting", "resolved", "closed")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_filled_bodies_equal_the_template_rendered_whole(app, lang):
    rng = random.Random(f"kept-{lang}")
    with app.test_request_context(), force_locale(lang):
        for n in range(400):
            intake = rng.random() < 0.5
            app.config["INTAKE_ADDRESS"] = "helpdesk@kemensos.go.id" if intake else ""
            values = {field: rng.choice(ODD + [f"nilai {n}"]) for field in ALERT + RECEIPT}
            receipt = {field: values[field] for field in RECEIPT}
            alert = {field: values[field] for field in ALERT}
            status = {"status": rng.choice(STATUSES)}
            assert kept_mail.bodies("ticket_opened_requester", receipt, key=intake) \
                == kept_mail.render("ticket_opened_requester", receipt)
            assert kept_mail.bodies("ticket_alert_staff", alert, status) \
                == kept_mail.render("ticket_alert_staff", {**status, **alert})
    kept = app.extensions["kept_mail"]
    # every key was kept, not rendered whole: 2 intake settings x empty fields, 4 statuses
    assert len(kept) > 50 and all(isinstance(bodies, tuple) for bodies in kept.values())


def test_a_template_that_changes_a_value_is_rendered_whole(app, caplog):
    app.jinja_env.loader = ChoiceLoader([DictLoader({
        "email/shouting.txt": "{{ subject|upper }}", "email/shouting.html": "<b>{{ subject }}</b>",
    }), app.jinja_env.loader])
    with app.test_request_context(), caplog.at_level(logging.WARNING, "helpdesk.kept_mail"):
        first = kept_mail.bodies("shouting", {"subject": "data ganda"})
        second = kept_mail.bodies("shouting", {"subject": "akun <terkunci>"})
    assert first == ("DATA GANDA", "<b>data ganda</b>")
    assert second == ("AKUN <TERKUNCI>", "<b>akun &lt;terkunci&gt;</b>")
    assert "shouting" in caplog.text


def test_each_new_ticket_is_mailed_with_its_own_details(app, client, citizen, agent, topic):
    """The second and third receipts and alerts come from the kept bodies: each shows its
    own number and subject, escaped in HTML and as typed in the text."""
    login(client, citizen)
    subjects = ["Gagal login SIKS-NG", "Data <KPM> & \"ganda\"", "Akun %(number)s terkunci"]
    for subject in subjects:
        page = client.get("/tickets/new").get_data(as_text=True)
        sent = client.post("/tickets/new", data={
            "csrf_token": csrf_from(page), "topic": topic.id, "subject": subject,
            "message": "Mohon <bantuan>\nbaris kedua"})
        assert sent.status_code == 302
    with app.app_context():
        receipts = list(OutboxMail.select().where(OutboxMail.recipient == citizen.email)
                        .order_by(OutboxMail.id))
        alerts = list(OutboxMail.select().where(OutboxMail.kind == "ticket_opened_staff")
                      .order_by(OutboxMail.id))
    assert len(receipts) == len(alerts) == 3
    for subject, receipt, alert in zip(subjects, receipts, alerts):
        number = receipt.subject.split("]")[0].lstrip("[#")
        for mail in (receipt, alert):
            assert f"#{number}" in mail.body_text and f"#{number}" in mail.body_html
            assert f": {subject}\n" in mail.body_text
            escaped = subject.replace("&", "&amp;").replace("<", "&lt;") \
                .replace(">", "&gt;").replace('"', "&#34;")
            assert f"<td>{escaped}</td>" in mail.body_html
        assert "Mohon <bantuan>\nbaris kedua" in alert.body_text
        assert "Mohon &lt;bantuan&gt;\nbaris kedua" in alert.body_html
        assert sum(s in receipt.body_text for s in subjects) == 1
