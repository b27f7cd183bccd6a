"""Throttling: failed sign-ins per account and per address, the forms that send mail,
new tickets, replies and desk POSTs; the 429 page; counts shared through Redis."""
import threading
import time

import pytest
import redis

from app import create_app
from conftest import PASSWORD, csrf_from, login
from portal.throttle_memory import SweptMemoryStorage
from test_tickets import post_ticket

REDIS_URL = "redis://127.0.0.1:6379/11"


def _fail(client, email="warga@contoh.id"):
    return login(client, email, password="salah-sekali")


@pytest.fixture
def tight(config):
    config.update({"THROTTLE_SIGN_IN_ACCOUNT": "3 per 15 minutes",
                   "THROTTLE_SIGN_IN_DEVICE": "3 per 15 minutes",
                   "THROTTLE_SIGN_IN_ADDRESS": "5 per 15 minutes"})
    return config


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_failed_sign_ins_on_one_account_are_refused_with_a_translated_page(tight, citizen, app):
    client = _from(app, "203.0.113.1")
    for _ in range(3):
        assert _fail(client).status_code == 200
    refused = _fail(client)
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.text and "tidak dikunci" in refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60
    # The right password is refused too while the account's window is full
    assert login(client, citizen).status_code == 429


def test_the_owner_at_a_known_browser_is_not_locked_out_by_an_attacker(tight, citizen, app):
    owner = _from(app, "198.51.100.7")
    assert login(owner, citizen).status_code == 302
    owner.post("/logout", data={"csrf_token": csrf_from(owner.get("/").text)})
    attacker = _from(app, "203.0.113.1")
    for _ in range(3):
        _fail(attacker)
    assert _fail(attacker).status_code == 429
    # Another attacker address, same account: refused as well (the account's bucket)
    assert _fail(_from(app, "203.0.113.99")).status_code == 429
    # The owner's browser signed in before: its own bucket, still open
    assert login(owner, citizen).status_code == 302
    assert owner.get("/tickets/").status_code == 200


def test_a_forged_device_cookie_does_not_open_the_account_bucket(tight, citizen, app):
    attacker = _from(app, "203.0.113.1")
    attacker.set_cookie("helpdesk_device", "W1siYWJjIiwiZGVmIl1d.forged")
    for _ in range(3):
        _fail(attacker)
    assert _fail(attacker).status_code == 429


def test_one_address_guessing_at_many_accounts_is_refused(tight, app):
    client = _from(app, "203.0.113.1")
    for n in range(5):
        assert _fail(client, f"orang{n}@contoh.id").status_code == 200
    assert _fail(client, "lain@contoh.id").status_code == 429
    # Another address is not concerned
    assert _fail(_from(app, "203.0.113.2"), "lain@contoh.id").status_code == 200


def test_successful_sign_ins_are_not_counted(tight, citizen, app):
    client = _from(app, "198.51.100.7")
    for _ in range(6):
        assert login(client, citizen).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})


def test_password_reset_mail_to_one_address_is_limited(config, citizen, app):
    app.config["THROTTLE_MAIL_ACCOUNT"] = "2 per hour"
    client = _from(app, "203.0.113.1")

    def ask(address="warga@contoh.id"):
        token = csrf_from(client.get("/reset").text)
        return client.post("/reset", data={"email": address, "csrf_token": token})

    assert ask().status_code != 429
    assert ask().status_code != 429
    refused = ask()
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert ask("tetangga@contoh.id").status_code != 429


def test_registration_per_address(config, app):
    app.config["THROTTLE_REGISTER_ADDRESS"] = "2 per hour"
    client = _from(app, "203.0.113.1")
    codes = []
    for n in range(3):
        token = csrf_from(client.get("/register").text)
        codes.append(client.post("/register", data={
            "email": f"baru{n}@contoh.id", "full_name": "Baru", "password": PASSWORD,
            "password_confirm": PASSWORD, "csrf_token": token}).status_code)
    assert codes[:2] != [429, 429] and 429 not in codes[:2] and codes[2] == 429


def test_confirmation_resend_per_account(config, make_user, app):
    app.config["THROTTLE_MAIL_ACCOUNT"] = "1 per hour"
    make_user("belum@contoh.id", confirmed=False)
    client = _from(app, "203.0.113.1")
    codes = []
    for _ in range(2):
        token = csrf_from(client.get("/confirm").text)
        codes.append(client.post("/confirm", data={"email": "belum@contoh.id",
                                                   "csrf_token": token}).status_code)
    assert codes[0] != 429 and codes[1] == 429


def test_new_tickets_per_account(config, citizen, app, topic):
    app.config["THROTTLE_TICKET_ACCOUNT"] = "2 per hour"
    client = _from(app, "198.51.100.7")
    login(client, citizen)
    codes = []
    for n in range(3):
        token = csrf_from(client.get("/tickets/new").text)
        codes.append(client.post("/tickets/new", data={
            "topic": topic.id, "subject": f"Soal {n}", "message": "Tolong dibantu.",
            "csrf_token": token}).status_code)
    assert codes == [302, 302, 429]
    assert client.get("/tickets/").status_code == 200  # reading is never throttled


def test_replies_per_account(config, citizen, app, make_ticket):
    app.config["THROTTLE_REPLY_ACCOUNT"] = "1 per hour"
    ticket = make_ticket(citizen)
    client = _from(app, "198.51.100.7")
    login(client, citizen)
    url = f"/tickets/{ticket.number}"
    codes = []
    for n in range(2):
        token = csrf_from(client.get(url).text)
        codes.append(client.post(url, data={"message": f"Balasan {n}",
                                            "csrf_token": token}).status_code)
    assert codes == [302, 429]
    assert client.get(url).status_code == 200


def test_desk_posts_per_account(config, agent, citizen, app, make_ticket):
    from conftest import desk_post

    app.config["THROTTLE_DESK_ACCOUNT"] = "1 per hour"
    ticket = make_ticket(citizen)
    client = _from(app, "198.51.100.7")
    login(client, agent)
    first = desk_post(client, ticket, "note", message="Catatan satu")
    second = desk_post(client, ticket, "note", message="Catatan dua")
    assert first.status_code != 429 and second.status_code == 429
    assert "Terlalu banyak permintaan" in second.text


@pytest.fixture(params=["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"])
def every_request_limited(config, request):
    config[request.param] = "3 per hour"
    return config


def test_a_limit_set_for_every_request_still_counts_the_pages(every_request_limited, app):
    """Only POSTs are limited by default, so pages skip the limiter; a limit configured
    for every request (Flask-Limiter's own settings) must still count them."""
    client = _from(app, "198.51.100.9")
    assert [client.get("/").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.fixture
def shared_redis(tight):
    tight["RATELIMIT_STORAGE_URI"] = REDIS_URL
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    yield store
    store.flushdb()


def test_counts_are_shared_by_app_servers_through_redis(shared_redis, tight, citizen, app):
    second = create_app(tight)
    try:
        for _ in range(3):
            _fail(_from(app, "203.0.113.1"))
        assert shared_redis.keys("*")
        assert _fail(_from(second, "203.0.113.5")).status_code == 429
    finally:
        for name in ("sla_watch", "mail_dispatcher", "upload_cleaner"):
            if name in second.extensions:
                second.extensions[name].stop()


def _timers():
    return [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]


def test_counting_a_new_ticket_starts_no_thread(config, citizen, app, topic):
    app.config["THROTTLE_TICKET_ACCOUNT"] = "3 per hour"
    client = _from(app, "198.51.100.7")
    login(client, citizen)
    for n in range(3):
        assert post_ticket(client, topic, subject=f"Tiket {n}").status_code == 302
        assert _timers() == []
    assert post_ticket(client, topic, subject="Tiket 4").status_code == 429


def test_expired_counts_are_swept_by_a_later_count(monkeypatch):
    storage = SweptMemoryStorage()
    assert storage.acquire_entry("first", limit=5, expiry=60)
    storage.events["first"][0].expiry = time.time() - 1  # its window has passed
    storage.acquire_entry("second", limit=5, expiry=60)
    assert storage.events["first"]  # swept at most once a second
    monkeypatch.setattr(storage.timer, "_due", time.monotonic())
    storage.acquire_entry("second", limit=5, expiry=60)
    assert storage.events["first"] == [] and len(storage.events["second"]) == 2
    assert not isinstance(storage.timer, threading.Timer)
