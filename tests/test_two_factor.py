"""Two-factor sign-in with an authenticator app (Flask-Security's own flow): setup with a QR
code the app draws itself, password then code then desk, a wrong code refused in the
reader's language, recovery codes shown once and working once, the staff requirement, an
administrator's reset, and the session rules kept. Codes come from pyotp, as from a phone."""
import re
import time
from collections import Counter

import pyotp
import pytest

from conftest import PASSWORD, csrf_from, login, logout
from helpdesk.models import User


def key_on(page):
    """The secret the setup page offers for typing in, as an authenticator app takes it."""
    match = re.search(r'<code id="authr-key"[^>]*>([A-Z2-7-]+)</code>', page)
    assert match, page
    return match.group(1).replace("-", "")


_used = Counter()


def code(key):
    """The app's code for ``key``: each code is accepted once, so a test's next code is the
    one the phone shows 30 seconds later (accepted within the 2-minute window)."""
    step = _used[key]
    _used[key] += 1
    return pyotp.TOTP(key).at(time.time() + 30 * step)


def wrong(key):
    codes = {pyotp.TOTP(key).at(time.time() + 30 * s) for s in range(-4, 5)}
    return next(c for c in ("000000", "111111", "222222") if c not in codes)


def start_setup(client):
    """The setup form's first step; returns the page with the QR code."""
    page = client.get("/tf-setup")
    assert page.status_code == 200, page.text
    answer = client.post("/tf-setup", data={"setup": "authenticator",
                                            "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 200
    return answer.text


def finish_setup(client, page, key):
    action = re.search(r'<form action="([^"]+)" method="post" name="two_factor_verify_code_form"',
                       page).group(1).replace("&amp;", "&")
    return client.post(action, data={"code": code(key), "csrf_token": csrf_from(page)})


def set_up(client, user):
    """Signed in with the password, ``user`` sets up the authenticator; returns the key."""
    assert login(client, user).status_code == 302
    page = start_setup(client)
    key = key_on(page)
    assert finish_setup(client, page, key).status_code == 302
    return key


def password_step(client, user, remember=False):
    page = client.get("/login")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page.text)}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def code_step(client, value):
    page = client.get("/tf-validate")
    return client.post("/tf-validate", data={"code": value, "csrf_token": csrf_from(page.text)})


@pytest.fixture
def agent_key(app, agent):
    client = app.test_client()
    key = set_up(client, agent)
    logout(client)
    return key


def test_the_setup_page_draws_the_qr_code_itself_and_the_policy_allows_it(app, agent):
    client = app.test_client()
    login(client, agent)
    page = start_setup(client)
    qr = re.search(r'<img id="qrcode" src="([^"]+)"', page).group(1)
    assert qr.startswith("data:image/svg+xml;base64,")  # drawn by the app, no outside service
    policy = client.get("/tf-setup").headers["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert "Helpdesk Pusdatin Kesos" in page
    key = key_on(page)
    assert finish_setup(client, page, key).status_code == 302
    agent = User.get_by_id(agent.id)
    assert agent.tf_primary_method == "authenticator"
    assert agent.tf_totp_secret and key not in agent.tf_totp_secret  # kept encrypted


def test_password_then_code_then_desk(app, agent, agent_key):
    client = app.test_client()
    answer = password_step(client, agent)
    assert answer.status_code == 302 and "/tf-validate" in answer.headers["Location"]
    assert client.get("/admin/").status_code == 302  # not signed in yet
    page = client.get("/tf-validate").text
    assert "Masukkan kode enam digit" in page
    answer = code_step(client, code(agent_key))
    assert answer.status_code == 302
    assert client.get("/admin/").status_code == 200
    # the browser becomes a known device of the account, as after a password alone, so
    # that strangers guessing at the password cannot lock its owner out (see throttle.py)
    assert any(c.startswith("helpdesk_device=") for c in answer.headers.getlist("Set-Cookie"))


def test_a_code_is_accepted_once(app, agent, agent_key):
    used = code(agent_key)
    client = app.test_client()
    password_step(client, agent)
    assert code_step(client, used).status_code == 302
    logout(client)
    password_step(client, agent)
    assert "Kode tidak valid" in code_step(client, used).text
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_is_refused_in_the_readers_language(app, agent, agent_key):
    client = app.test_client()
    password_step(client, agent)
    answer = code_step(client, wrong(agent_key))
    assert answer.status_code == 200
    assert "Kode tidak valid" in answer.text
    assert client.get("/admin/").status_code == 302
    client.get("/tf-validate?lang=en")
    assert "Invalid code" in code_step(client, wrong(agent_key)).text


def make_codes(client):
    page = client.get("/mf-recovery-codes")
    assert page.status_code == 200
    answer = client.post("/mf-recovery-codes", data={
        "generate_new_codes": "y", "csrf_token": csrf_from(page.text)})
    return re.findall(r"<li><code>([0-9a-f-]{14})</code></li>", answer.text)


def test_recovery_codes_are_shown_once_and_each_works_once(app, agent):
    client = app.test_client()
    set_up(client, agent)
    codes = make_codes(client)
    assert len(codes) == 8
    again = client.get("/mf-recovery-codes?show_codes=y").text
    assert not any(c in again for c in codes)  # never shown again
    stored = User.get_by_id(agent.id).mf_recovery_codes
    assert len(stored) == 8 and not set(codes) & set(stored)  # only digests are kept
    logout(client)

    for attempt, expected in ((codes[0], 302), (codes[0], 200)):
        browser = app.test_client()
        password_step(browser, agent)
        page = browser.get("/mf-recovery")
        answer = browser.post("/mf-recovery", data={"code": attempt,
                                                    "csrf_token": csrf_from(page.text)})
        assert answer.status_code == expected
        assert (browser.get("/admin/").status_code == 200) is (expected == 302)
    assert "Kode pemulihan tidak valid" in answer.text
    assert len(User.get_by_id(agent.id).mf_recovery_codes) == 7


def test_the_rescue_form_leads_to_the_recovery_code_page(app, agent):
    client = app.test_client()
    set_up(client, agent)
    make_codes(client)
    logout(client)
    password_step(client, agent)
    page = client.get("/tf-validate").text
    assert 'value="recovery_code"' in page and 'value="email"' not in page
    answer = client.post("/tf-rescue", data={"help_setup": "recovery_code",
                                             "csrf_token": csrf_from(page)})
    assert answer.headers["Location"].endswith("/mf-recovery")


def test_citizens_are_not_asked_for_a_code(app, citizen, agent):
    client = app.test_client()
    assert "/tf-" not in password_step(client, citizen).headers["Location"]
    assert client.get("/tickets/").status_code == 200


def test_the_staff_requirement_leads_staff_to_setup_before_the_desk(config, app, agent, citizen):
    app.config["STAFF_REQUIRE_2FA"] = True
    client = app.test_client()
    answer = password_step(client, agent)
    assert "/tf-setup" in answer.headers["Location"]
    assert client.get("/admin/").status_code == 302  # not signed in before the setup
    page = start_setup(client)
    assert 'value="disable"' not in client.get("/tf-setup").text
    key = key_on(page)
    assert finish_setup(client, page, key).status_code == 302
    assert client.get("/admin/").status_code == 200
    # citizens sign in as before
    other = app.test_client()
    password_step(other, citizen)
    assert other.get("/tickets/").status_code == 200


def test_a_session_begun_before_the_requirement_is_led_to_setup_and_can_sign_out(app, agent):
    client = app.test_client()
    login(client, agent)
    assert client.get("/admin/").status_code == 200
    app.config["STAFF_REQUIRE_2FA"] = True
    answer = client.get("/admin/ticket/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/tf-setup")
    page = client.get("/tf-setup")
    assert "Silakan atur verifikasi dua langkah terlebih dahulu" in page.text
    assert logout(client).status_code == 302  # not a dead end
    assert client.get("/tickets/").status_code == 302


def test_an_administrator_resets_a_lost_phone_and_ends_the_sessions(
        app, make_user, agent, agent_key, client_of):
    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    staff = app.test_client()
    password_step(staff, agent)
    code_step(staff, code(agent_key))
    assert staff.get("/admin/").status_code == 200
    desk = client_of(admin)
    page = desk.get("/admin/user/")
    answer = desk.post("/admin/user/action/", data={
        "action": "reset_two_factor", "rowid": [str(agent.id)],
        "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 302
    assert ("Verifikasi dua langkah 1 pengguna telah diatur ulang"
            in desk.get(answer.headers["Location"]).text)
    assert staff.get("/admin/").status_code == 302  # the session ended
    agent = User.get_by_id(agent.id)
    assert not agent.tf_primary_method and not agent.tf_totp_secret
    assert not agent.mf_recovery_codes
    fresh = app.test_client()
    assert fresh.get("/admin/").status_code == 302
    assert "/tf-" not in password_step(fresh, agent).headers["Location"]  # password only


def test_a_remember_cookie_is_given_only_after_the_code(app, agent, agent_key):
    client = app.test_client()
    answer = password_step(client, agent, remember=True)
    assert not any(c.startswith("remember_token=") for c in answer.headers.getlist("Set-Cookie"))
    page = client.get("/tf-validate")
    answer = client.post("/tf-validate", data={"code": code(agent_key),
                                               "csrf_token": csrf_from(page.text)})
    cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    thief = app.test_client()
    thief.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert thief.get("/admin/").status_code == 200
    logout(client)
    assert thief.get("/admin/").status_code == 302  # sign-out still ends it


def test_code_attempts_are_throttled_per_account(app, agent, agent_key):
    limit = int(app.config["THROTTLE_CODE_ACCOUNT"].split()[0])
    client = app.test_client()
    password_step(client, agent)
    for _ in range(limit):
        assert code_step(client, wrong(agent_key)).status_code == 200
    refused = code_step(client, code(agent_key))
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    # another browser, another address: the account's bucket is the same
    other = app.test_client()
    password_step(other, agent)
    page = other.get("/tf-validate")
    answer = other.post("/tf-validate", data={"code": code(agent_key),
                                              "csrf_token": csrf_from(page.text)},
                        environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert answer.status_code == 429


def test_a_right_password_before_the_code_is_not_a_failed_sign_in(app, agent, agent_key):
    limit = int(app.config["THROTTLE_SIGN_IN_ACCOUNT"].split()[0])
    for _ in range(limit + 1):
        client = app.test_client()
        assert "/tf-validate" in password_step(client, agent).headers["Location"]
    assert code_step(client, code(agent_key)).status_code == 302


@pytest.mark.alters_schema
def test_an_older_database_gets_the_two_factor_columns(app, agent):
    from playhouse.migrate import migrate

    from helpdesk import migrations
    from helpdesk.db import db
    from helpdesk.models import SchemaVersion

    name = "0012_two_factor"
    columns = ("tf_primary_method", "tf_totp_secret", "tf_last_counter", "tf_phone_number",
               "mf_recovery_codes")
    with app.app_context():
        migrate(*[migrations.migrator_for(db.database).drop_column("users", c) for c in columns])
        SchemaVersion.delete().where(SchemaVersion.name == name).execute()
        assert migrations.upgrade(db.database) == [name]
    assert set(columns) <= {c.name for c in db.database.get_columns("users")}
    client = app.test_client()
    assert set_up(client, agent)  # the account kept, two-factor works on it


def test_asking_for_help_mails_the_administrators(app, agent, agent_key, mailbox):
    client = app.test_client()
    password_step(client, agent)
    page = client.get("/tf-validate").text
    answer = client.post("/tf-rescue", data={"help_setup": "help", "csrf_token": csrf_from(page)})
    assert "Permintaan Anda telah dikirim ke administrator" in answer.text
    mail = mailbox.to("helpdesk@kemensos.go.id")[0]
    assert mail["Subject"] == "Bantuan verifikasi dua langkah"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert agent.email in body and "/admin/user/?search=" in body
    assert "Halaman Petugas" in body
    assert client.get("/admin/").status_code == 302  # asking signs nobody in


def test_staff_find_the_setup_in_their_menus_and_citizens_do_not(app, agent, citizen, client_of):
    staff, warga = client_of(agent), client_of(citizen)
    assert "/tf-setup" in staff.get("/admin/").text
    assert "/tf-setup" in staff.get("/tickets/").text
    assert "/tf-setup" not in warga.get("/tickets/").text


def test_code_attempts_are_throttled_per_address(app, agent, agent_key, make_user):
    app.config["THROTTLE_CODE_ADDRESS"] = "3 per 15 minutes"
    colleague = make_user("rekan@kemensos.go.id", roles=["agent"])
    colleague_key = set_up(app.test_client(), colleague)
    answers = []
    for user, key in ((agent, agent_key), (colleague, colleague_key)) * 2:
        client = app.test_client()
        password_step(client, user)
        answers.append(code_step(client, wrong(key)).status_code)
    assert answers == [200, 200, 200, 429]  # four accounts' worth of guesses, one address


def test_recovery_codes_outlive_a_new_totp_key(app, agent):
    client = app.test_client()
    set_up(client, agent)
    codes = make_codes(client)
    logout(client)
    app.config["SECURITY_TOTP_SECRETS"] = {"1": "test-totp-key", "2": "a-newer-key"}
    password_step(client, agent)
    page = client.get("/mf-recovery")
    answer = client.post("/mf-recovery", data={"code": codes[3].upper(),
                                               "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 302 and client.get("/admin/").status_code == 200


def test_the_totp_keys_are_made_once_and_kept(config, monkeypatch, tmp_path):
    """Unset, the keys are made into the instance folder at the first start and read back
    at every later one: a restart must not turn off everyone's two-factor sign-in."""
    import app as factory

    monkeypatch.setattr(factory, "PROJECT_ROOT", tmp_path)
    del config["SECURITY_TOTP_SECRETS"]
    first, second = (factory.create_app(dict(config)) for _ in range(2))
    keys = first.config["SECURITY_TOTP_SECRETS"]
    assert keys == second.config["SECURITY_TOTP_SECRETS"] and len(keys["1"]) >= 32
    assert (tmp_path / "instance" / "totp_secrets").stat().st_mode & 0o077 == 0


def test_changing_two_factor_asks_for_the_password_when_the_sign_in_is_old(app, agent):
    from datetime import timedelta

    app.config["SECURITY_FRESHNESS"] = timedelta(0)  # as if signed in long ago
    app.config["SECURITY_FRESHNESS_GRACE_PERIOD"] = timedelta(0)
    client = app.test_client()
    login(client, agent)
    answer = client.get("/tf-setup")
    assert answer.status_code == 302 and "/verify" in answer.headers["Location"]
    page = client.get(answer.headers["Location"])
    assert "Konfirmasi kata sandi Anda" in page.text
    verified = client.post(answer.headers["Location"], data={
        "password": PASSWORD, "csrf_token": csrf_from(page.text)})
    assert verified.status_code == 302
