"""Markup kept between requests (portal/kept_markup.py): what a page shows still follows
the topics, the language, the user and what was typed."""
import re

import pytest

from helpdesk.models import HelpTopic
from portal.forms import Blank, BlankTicketForm, CloseForm, ReplyForm, TicketForm, UnsolvedForm

from conftest import csrf_from, login


def topic_options(page):
    return re.findall(r"<option [^>]*>([^<]*)</option>", page)


def test_a_topic_renamed_or_withdrawn_shows_on_the_next_form(client, citizen, topic):
    login(client, citizen)
    assert "Aplikasi SIKS-NG" in topic_options(client.get("/tickets/new").text)
    HelpTopic.update(name="Aplikasi SIKS-NG (baru)", description="Uraian baru.").where(
        HelpTopic.id == topic.id).execute()
    page = client.get("/tickets/new").text
    assert "Aplikasi SIKS-NG (baru)" in topic_options(page)
    assert "Aplikasi SIKS-NG" not in topic_options(page)
    assert 'data-description="Uraian baru."' in page
    HelpTopic.update(active=False).where(HelpTopic.id == topic.id).execute()
    assert "Aplikasi SIKS-NG (baru)" not in topic_options(client.get("/tickets/new").text)


def test_the_fields_and_menu_follow_the_language(client, citizen):
    login(client, citizen)
    indonesian = client.get("/tickets/new?lang=id").text
    english = client.get("/tickets/new?lang=en").text
    assert ">Subjek</label>" in indonesian and ">Subject</label>" not in indonesian
    assert ">Subject</label>" in english and ">Subjek</label>" not in english
    assert ">Tiket saya</a>" in indonesian and ">My tickets</a>" in english
    assert ">Subjek</label>" in client.get("/tickets/new?lang=id").text


def test_a_form_sent_back_shows_what_was_typed_and_the_next_is_blank(client, citizen, topic):
    login(client, citizen)
    token = csrf_from(client.get("/tickets/new").text)
    sent = client.post("/tickets/new", data={
        "csrf_token": token, "topic": str(topic.id), "subject": "Judul <saya>",
        "message": ""}, content_type="multipart/form-data")
    assert sent.status_code == 200
    assert 'value="Judul &lt;saya&gt;"' in sent.text
    assert "Silakan jelaskan masalah Anda." in sent.text
    assert re.search(rf'<option [^>]*selected value="{topic.id}"', sent.text)
    blank = client.get("/tickets/new").text
    assert "Judul" not in blank and "Silakan jelaskan masalah Anda." not in blank
    assert " selected " not in blank


def test_a_reply_sent_back_keeps_its_error_and_the_next_page_is_blank(client, citizen,
                                                                      make_ticket):
    ticket = make_ticket(citizen)
    login(client, citizen)
    token = csrf_from(client.get(f"/tickets/{ticket.number}").text)
    sent = client.post(f"/tickets/{ticket.number}", data={"csrf_token": token, "message": ""},
                       content_type="multipart/form-data")
    assert sent.status_code == 200 and "Silakan jelaskan masalah Anda." in sent.text
    assert "Silakan jelaskan masalah Anda." not in client.get(f"/tickets/{ticket.number}").text


def test_the_staff_link_and_csrf_token_are_each_users_own(app, citizen, agent):
    staff, person = app.test_client(), app.test_client()
    login(staff, agent)
    login(person, citizen)
    staff_page, citizen_page = staff.get("/").text, person.get("/").text
    assert ">Halaman Petugas</a>" in staff_page
    assert ">Halaman Petugas</a>" not in citizen_page
    assert ">Halaman Petugas</a>" in staff.get("/").text
    assert csrf_from(staff_page) != csrf_from(citizen_page)


@pytest.mark.parametrize("form_class,prefix", [(ReplyForm, ""), (CloseForm, "close"),
                                               (UnsolvedForm, "unsolved")])
def test_a_blank_form_shows_the_token_field_of_the_whole_form(app, form_class, prefix):
    """A page's blank forms (``forms.Blank``) make their CSRF field alone: the same input,
    name and token as the whole form's; another field makes the whole form."""
    with app.test_request_context("/"):
        blank = Blank(form_class, prefix=prefix, formdata=None)
        whole = form_class(prefix=prefix, formdata=None)
        assert str(blank.csrf_token()) == str(whole.csrf_token())
        assert f'name="{prefix + "-" if prefix else ""}csrf_token"' in str(blank.csrf_token())
        assert not blank.is_submitted() and blank.errors == {}
        field = next(name for name in whole._fields if name != "csrf_token")
        assert str(getattr(blank, field)()) == str(getattr(whole, field)())


def test_a_blank_new_ticket_form_has_the_whole_forms_hidden_fields(app):
    """Shown blank (``forms.BlankTicketForm``), the new-ticket form carries the same CSRF
    token and a one-time key field like the whole form's, a new key each time."""
    with app.test_request_context("/"):
        topics = list(HelpTopic.select())
        blank, again, whole = BlankTicketForm(topics), BlankTicketForm(topics), TicketForm(topics)
        assert str(blank.csrf_token()) == str(whole.csrf_token())
        keys = [re.sub(r'value="[^"]*"', 'value=""', str(form.submission_key()))
                for form in (blank, whole)]
        assert keys[0] == keys[1] and 'name="submission_key"' in keys[0]
        assert blank.submission_key.data != again.submission_key.data
        assert blank.topics_key == whole.topics_key and list(blank.topics) == list(whole.topics)
        assert str(blank.subject()) == str(whole.subject())
