"""Sign-out ends the session: cookies copied before it are refused after it; remember-me
lasts weeks and is as guarded as the session; an administrator's deactivation or role
change ends the account's sessions at once; "sign out my other devices"."""
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from conftest import PASSWORD, csrf_from, logout
from test_directory import submit, user_form


def _sign_in(client, user, remember=False):
    token = csrf_from(client.get("/login").text)
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    answer = client.post("/login", data=data)
    assert answer.status_code == 302
    return answer


def _copy(app, source, names):
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _opens_tickets(client):
    return client.get("/tickets/").status_code == 200


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(app, citizen):
    client = app.test_client()
    _sign_in(client, citizen)
    thief = _copy(app, client, ["session"])
    assert _opens_tickets(thief)
    logout(client)
    assert not _opens_tickets(thief)
    assert not _opens_tickets(client)


def test_a_new_secret_key_refuses_the_old_cookies_unless_kept_as_a_fallback(app, citizen):
    client = app.test_client()
    _sign_in(client, citizen)
    thief = _copy(app, client, ["session"])
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="another-secret", SECRET_KEY_FALLBACKS=[old])
    assert _opens_tickets(thief)
    app.config.update(SECRET_KEY_FALLBACKS=[])
    assert thief.get("/tickets/").status_code == 302  # signed out: the cookie's key is gone


def test_a_remember_cookie_copied_before_sign_out_is_refused_after_it(app, citizen):
    client = app.test_client()
    _sign_in(client, citizen, remember=True)
    thief = _copy(app, client, ["remember_token"])
    assert _opens_tickets(thief)  # the cookie alone signs in
    logout(client)
    assert not _opens_tickets(_copy(app, thief, ["remember_token"]))


@pytest.mark.parametrize("secure", [False, True])
def test_remember_me_lasts_weeks_and_follows_the_session_cookie(config, secure, citizen):
    from app import create_app

    config["SESSION_COOKIE_SECURE"] = secure
    app = create_app(config)
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    client = app.test_client()
    answer = _sign_in(client, citizen, remember=True)
    cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(days=13) < expires - datetime.now(timezone.utc) <= timedelta(days=14)


def test_deactivating_an_account_or_changing_its_roles_ends_its_sessions(
        app, client, make_user, agent):
    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    desk = app.test_client()
    _sign_in(desk, admin)
    for change in ({"roles": ["agent", "supervisor"]}, {"active": False}):
        staff = app.test_client()
        _sign_in(staff, agent)
        assert staff.get("/admin/").status_code == 200
        fields = {"email": agent.email, "departments": ["Tim SIKS-NG"], **change}
        assert submit(desk, f"/admin/user/edit/?id={agent.id}",
                      user_form(**fields)).status_code == 302
        assert staff.get("/admin/").status_code != 200
        assert not _opens_tickets(staff)


def test_an_unchanged_account_keeps_its_sessions(app, make_user, agent):
    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    desk, staff = app.test_client(), app.test_client()
    _sign_in(desk, admin)
    _sign_in(staff, agent)
    submit(desk, f"/admin/user/edit/?id={agent.id}",
           user_form(email=agent.email, full_name="Nama Baru", departments=["Tim SIKS-NG"]))
    assert staff.get("/admin/").status_code == 200


def test_signing_out_other_devices_keeps_this_one(app, citizen):
    here, phone = app.test_client(), app.test_client()
    _sign_in(here, citizen)
    _sign_in(phone, citizen, remember=True)
    token = csrf_from(here.get("/tickets/").text)
    answer = here.post("/account/sign-out-elsewhere", data={"csrf_token": token},
                       follow_redirects=True)
    assert "Anda telah dikeluarkan dari semua perangkat lain." in answer.text
    assert _opens_tickets(here)
    assert not _opens_tickets(phone)
