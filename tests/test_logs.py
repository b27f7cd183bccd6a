"""Logs for operators: one line per request with its id (also sent as X-Request-ID),
plain or JSON, the app's own messages through the same handler, and no secret links in
the log unless no mail server is configured (then the log is how a developer gets them)."""
import json
import logging
import re

import pytest

from helpdesk.mailer import deliver_pending

from conftest import csrf_from, links_in, login


def access_records(caplog):
    return [r for r in caplog.records if r.name == "helpdesk.access"]


def stderr_lines(capfd):
    return [line for line in capfd.readouterr().err.splitlines() if line.strip()]


def test_a_request_is_logged_once_with_its_fields(client, citizen, caplog, capfd):
    login(client, citizen)
    capfd.readouterr()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.get("/tickets/", headers={"X-Request-ID": "proxy-42.a_B"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "proxy-42.a_B"
    [record] = access_records(caplog)
    assert (record.method, record.path, record.status, record.user, record.request_id) == (
        "GET", "/tickets/", 200, citizen.id, "proxy-42.a_B")
    assert isinstance(record.duration_ms, float) and record.duration_ms >= 0
    [line] = [line for line in stderr_lines(capfd) if "helpdesk.access" in line]
    assert re.search(rf"INFO helpdesk\.access \[proxy-42\.a_B\] GET /tickets/ 200 "
                     rf"\d+\.\dms user={citizen.id}$", line), line


def test_an_anonymous_request_and_a_refused_one_are_logged(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/")
        client.post("/tickets/new", data={"subject": "tanpa token CSRF"})
        client.get("/tidak-ada")
    assert [(r.method, r.path, r.status, r.user) for r in access_records(caplog)] == [
        ("GET", "/", 200, "-"), ("POST", "/tickets/new", 400, "-"),
        ("GET", "/tidak-ada", 404, "-")]


@pytest.mark.parametrize("sent", ["", "dua kata", "x" * 65, "id;DROP", "<script>", "ünï"])
def test_an_unusable_request_id_is_replaced_by_a_new_one(client, caplog, sent):
    with caplog.at_level(logging.INFO):
        first = client.get("/", headers={"X-Request-ID": sent})
        second = client.get("/", headers={"X-Request-ID": sent})
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
    assert [r.request_id for r in access_records(caplog)] == ids


def test_app_messages_carry_the_request_id_through_the_same_handler(app, capfd):
    @app.route("/_probe")
    def probe():
        logging.getLogger("helpdesk.mailer").warning("mail server slow")
        return "ok"

    capfd.readouterr()
    app.test_client().get("/_probe", headers={"X-Request-ID": "req-7"})
    lines = stderr_lines(capfd)
    assert any(line.endswith("WARNING helpdesk.mailer [req-7] mail server slow")
               for line in lines), lines
    assert any("helpdesk.access [req-7] GET /_probe 200" in line for line in lines), lines


def test_tokens_in_paths_are_not_logged(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get("/reset/InRlc3Qi.sekret-token_1")
        client.get("/confirm/InRlc3Qi.sekret-token_2?lang=en")
    assert [r.path for r in access_records(caplog)] == ["/reset/[token]", "/confirm/[token]"]
    assert "sekret" not in caplog.text


class TestJsonLines:
    @pytest.fixture
    def config(self, config):
        config["LOG_JSON"] = True
        return config

    def test_every_line_is_json_with_the_request_fields(self, app, client, citizen, capfd):
        login(client, citizen)
        capfd.readouterr()
        client.get("/tickets/", headers={"X-Request-ID": "abc-123"})
        [line] = stderr_lines(capfd)
        data = json.loads(line)
        assert {k: data[k] for k in ("level", "logger", "request_id", "method", "path",
                                     "status", "user")} == {
            "level": "INFO", "logger": "helpdesk.access", "request_id": "abc-123",
            "method": "GET", "path": "/tickets/", "status": 200, "user": citizen.id}
        assert data["duration_ms"] >= 0 and data["time"].startswith("20")
        assert data["message"].startswith("GET /tickets/ 200 ")


class TestLevel:
    @pytest.fixture
    def config(self, config):
        config["LOG_LEVEL"] = "warning"
        return config

    def test_requests_are_not_logged_below_the_level(self, app, client, capfd):
        capfd.readouterr()
        assert client.get("/").status_code == 200
        assert stderr_lines(capfd) == []


def request_reset(app, client, email):
    page = client.get("/reset")
    client.post("/reset", data={"email": email, "csrf_token": csrf_from(page.text)})
    with app.app_context():
        assert deliver_pending() == (1, 0)


def reset_link_in(text):
    return re.search(r"http://localhost(/reset/[A-Za-z0-9._-]+)", text).group(1)


class TestWithoutMailServer:
    @pytest.fixture
    def config(self, config):
        config.update(MAIL_SERVER="", MAIL_BACKGROUND_DELIVERY=False)
        return config

    def test_the_reset_link_is_logged_by_the_mailer_only(self, app, client, citizen, caplog):
        with caplog.at_level(logging.DEBUG):
            request_reset(app, client, citizen.email)
            path = reset_link_in(caplog.text)
            assert client.get(path).status_code == 200
        [mailer_line] = [r for r in caplog.records if path in r.getMessage()]
        assert mailer_line.name == "helpdesk.mailer"
        assert access_records(caplog)[-1].path == "/reset/[token]"


class TestWithMailServer:
    @pytest.fixture
    def config(self, config):
        config["MAIL_BACKGROUND_DELIVERY"] = False
        return config

    def test_no_link_is_logged(self, app, client, citizen, mailbox, caplog, capfd):
        with caplog.at_level(logging.DEBUG):
            request_reset(app, client, citizen.email)
            [mail] = mailbox.to(citizen.email)
            [link] = [link for link in links_in(mail) if "/reset/" in link]
            path = reset_link_in(link)
            assert client.get(path).status_code == 200
        token = path.rsplit("/", 1)[1]
        sink = "mail.log"  # the suite's SMTP server (aiosmtpd), in this process
        logged = [r for r in caplog.records if r.name != sink]
        assert logged and not [r for r in logged if token in r.getMessage()]
        ours = [line for line in stderr_lines(capfd) if f" {sink} " not in line]
        assert ours and not [line for line in ours if token in line]
        assert access_records(caplog)[-1].path == "/reset/[token]"
