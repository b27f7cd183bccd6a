"""Links never follow a forged Host: with FLASK_PUBLIC_URL set, account and ticket mails link
to it, and a request naming another host (directly or through X-Forwarded-Host from a
trusted proxy) is refused before anything is saved or sent."""
import logging

import pytest
from flask import render_template

from app import create_app
from helpdesk.models import HelpTopic, OutboxMail, Ticket, User

from conftest import PASSWORD, csrf_from, links_in
from test_accounts import path_of

PUBLIC_URL = "https://helpdesk.example.go.id"
HOST = "helpdesk.example.go.id"
SITE = f"http://{HOST}"  # as the app sees it behind a proxy that ends HTTPS
FORGED = "evil.example"

# name: (trusted proxies, headers of the request, refused?)
CASES = {
    "forged Host": (0, {"Host": FORGED}, True),
    "forged Host behind a proxy": (1, {"Host": FORGED}, True),
    "forged X-Forwarded-Host behind a proxy": (1, {"X-Forwarded-Host": FORGED}, True),
    "X-Forwarded-Host without a proxy": (0, {"X-Forwarded-Host": FORGED}, False),
    "proxy said http": (1, {"X-Forwarded-Proto": "http"}, False),
    "proxy said nothing": (1, {}, False),
    "no proxy": (0, {}, False),
}


@pytest.fixture
def config(config):
    config.update(PUBLIC_URL=PUBLIC_URL, TRUSTED_PROXIES=1)
    return config


@pytest.fixture(params=CASES.values(), ids=CASES.keys())
def case(request):
    return request.param


@pytest.fixture
def forged(config, case):
    config["TRUSTED_PROXIES"] = case[0]
    return case


def send(client, path, headers, **data):
    """POST the form at ``path`` (read from the site) with ``headers`` added, carrying the
    session and CSRF token of the page, as a script forging headers would."""
    token = csrf_from(client.get(path, base_url=SITE).text)
    if "Host" in headers:  # the forger sends the site's session cookie along
        session = client.get_cookie("session", domain=HOST)
        client.set_cookie("session", session.value, domain=headers["Host"])
    return client.post(path, base_url=SITE, headers=headers, data={"csrf_token": token, **data})


def reset(client, headers):
    return send(client, "/reset", headers, email="warga@contoh.id"), "warga@contoh.id", "/reset/"


def register(client, headers):
    response = send(client, "/register", headers, full_name="Rina Baru", email="baru@contoh.id",
                    password=PASSWORD, password_confirm=PASSWORD)
    return response, "baru@contoh.id", "/confirm/"


def resend_confirmation(client, headers):
    response = send(client, "/confirm", headers, email="belum@contoh.id")
    return response, "belum@contoh.id", "/confirm/"


def open_ticket(client, headers):
    assert send(client, "/login", {}, email="warga@contoh.id", password=PASSWORD).status_code == 302
    topic = HelpTopic.get(name="Aplikasi SIKS-NG")
    response = send(client, "/tickets/new", headers, topic=str(topic.id),
                    subject="Tidak bisa masuk", message="Sejak pagi gagal masuk.")
    return response, "warga@contoh.id", "/tickets/"


@pytest.mark.parametrize("action", [reset, register, resend_confirmation, open_ticket])
def test_mailed_links_point_at_the_public_address(forged, client, make_user, agent, mailbox,
                                                  action):
    make_user("warga@contoh.id")
    make_user("belum@contoh.id", confirmed=False)
    response, address, kind = action(client, forged[1])
    if forged[2]:
        assert response.status_code == 400
        assert "Formulir kedaluwarsa" not in response.text  # not refused for its CSRF token
        assert OutboxMail.select().count() == 0 and not mailbox.messages
        assert User.select().count() == 3 and Ticket.select().count() == 0
        return
    assert response.status_code in (200, 302), response.text
    [mail] = mailbox.to(address)
    [link] = [link for link in links_in(mail) if kind in link]
    assert link.startswith(f"{PUBLIC_URL}{kind}")
    alerts = mailbox.to(agent.email) if action is open_ticket else []
    assert all(link.startswith(f"{PUBLIC_URL}/") for m in [mail, *alerts] for link in links_in(m))
    assert client.get(path_of(link), base_url=SITE).status_code in (200, 302)  # genuine


def test_redirects_lead_to_the_public_address(client):
    response = client.get("/tickets", base_url=SITE, headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 308
    assert response.headers["Location"] == f"{PUBLIC_URL}/tickets/"


def test_the_refusal_page_can_link_to_the_site(app, client):
    # As an error page of the site does: a refused request still builds the site's links.
    app.register_error_handler(400, lambda error: (render_template(
        "error.html", title="Permintaan ditolak", text="Alamat tidak dikenal.", code=400), 400))
    response = client.get("/", base_url=f"http://{FORGED}")
    assert response.status_code == 400
    assert "Permintaan ditolak" in response.text and 'href="/"' in response.text
    assert FORGED not in response.text


class TestPathPrefix:
    @pytest.fixture
    def config(self, config):
        config["PUBLIC_URL"] = f"{PUBLIC_URL}/layanan"  # the proxy strips /layanan
        config["SESSION_COOKIE_PATH"] = "/"  # the test client cannot strip it as the proxy does
        return config

    def test_links_and_pages_carry_the_prefix(self, client, make_user, mailbox):
        user = make_user("warga@contoh.id")
        page = client.get("/reset", base_url=SITE)
        assert 'href="/layanan/login"' in page.text
        send(client, "/reset", {}, email=user.email)
        [mail] = mailbox.to(user.email)
        [link] = [link for link in links_in(mail) if "/reset/" in link]
        assert link.startswith(f"{PUBLIC_URL}/layanan/reset/")
        form = client.get(path_of(link).removeprefix("/layanan"), base_url=SITE)
        assert form.status_code == 200


class TestExtraHosts:
    @pytest.fixture
    def config(self, config):
        config["EXTRA_HOSTS"] = "10.0.0.5, localhost"  # as FLASK_EXTRA_HOSTS may say it
        return config

    @pytest.mark.parametrize("site, status", [
        ("http://10.0.0.5:8000", 200), ("http://localhost", 200), (SITE, 200),
        ("http://10.0.0.6:8000", 400), (f"https://{HOST}.evil.example", 400)])
    def test_only_the_listed_names_are_answered(self, client, site, status):
        assert client.get("/", base_url=site).status_code == status


class TestWithoutPublicUrl:
    @pytest.fixture
    def config(self, config):
        config["PUBLIC_URL"] = ""
        return config

    def test_links_follow_the_request_and_a_warning_was_logged(self, caplog, client, make_user,
                                                               mailbox):
        started = [r for r in caplog.get_records("setup") if r.levelno == logging.WARNING]
        assert any("FLASK_PUBLIC_URL is not set" in r.getMessage() for r in started)
        user = make_user("warga@contoh.id")
        site = "http://helpdesk.lokal:5000"
        token = csrf_from(client.get("/reset", base_url=site).text)
        client.post("/reset", base_url=site, data={"email": user.email, "csrf_token": token})
        [mail] = mailbox.to(user.email)
        assert [link for link in links_in(mail) if link.startswith(f"{site}/reset/")]


def test_no_warning_with_a_public_address(caplog, app):
    assert not [r for r in caplog.get_records("setup") if "FLASK_PUBLIC_URL" in r.getMessage()]


def test_a_public_address_without_scheme_stops_the_start(config):
    config["PUBLIC_URL"] = "helpdesk.kemensos.go.id"
    with pytest.raises(ValueError, match="FLASK_PUBLIC_URL"):
        create_app(config)
