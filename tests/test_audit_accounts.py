"""The audit trail of the accounts' own flows: sign-in and its failures, sign-out, password
change and reset, e-mail confirmation, the second factor, "sign out my other devices"; and
that no secret ever reaches an entry."""
import json

import pytest
from flask_security import tf_disabled, tf_profile_changed, user_failed_authn

from helpdesk import audit
from helpdesk.models import AuditEntry, User

from conftest import PASSWORD, csrf_from, links_in, login, logout
from test_accounts import path_of, register


def entries(action=None):
    query = AuditEntry.select().order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(query)


def test_a_sign_in_and_a_sign_out_are_recorded_with_the_client_address(client, citizen):
    assert login(client, citizen).status_code == 302
    logout(client)
    signed_in, signed_out = entries("sign_in"), entries("sign_out")
    assert [e.actor_id for e in signed_in + signed_out] == [citizen.id, citizen.id]
    assert signed_in[0].actor_email == citizen.email
    assert signed_in[0].address == "127.0.0.1"
    assert json.loads(signed_in[0].details) == {"via": ["password"]}


def test_the_address_is_the_client_behind_a_trusted_proxy(config, citizen):
    from app import create_app
    config["TRUSTED_PROXIES"] = 1
    client = create_app(config).test_client()
    page = client.get("/login")
    client.post("/login", data={"email": citizen.email, "password": PASSWORD,
                                "csrf_token": csrf_from(page.text)},
                headers={"X-Forwarded-For": "203.0.113.7"})
    assert entries("sign_in")[0].address == "203.0.113.7"


def test_a_wrong_password_and_an_unknown_address_are_recorded(client, citizen):
    assert login(client, citizen, "salah-sekali").status_code == 200
    assert login(client, "  Tidak.Ada@contoh.id ", "apa-saja-123").status_code == 200
    wrong, unknown = entries("sign_in_failed")
    assert (wrong.actor_id, wrong.actor_email) == (citizen.id, citizen.email)
    assert json.loads(wrong.details) == {"reason": "password"}
    assert (unknown.actor_id, unknown.actor_email) == (None, "Tidak.Ada@contoh.id")
    assert json.loads(unknown.details) == {"reason": "unknown_address"}
    assert entries("sign_in") == []


def test_a_password_typed_in_the_address_box_is_not_kept(client):
    login(client, "Rahasia-Sekali-99", "apa-saja-123")
    [entry] = entries("sign_in_failed")
    assert entry.actor_email == "" and "Rahasia" not in entry.details
    assert json.loads(entry.details) == {"reason": "not_an_address"}


def test_signing_out_other_devices_is_recorded_once_and_not_as_a_sign_in(client, citizen):
    login(client, citizen)
    token = csrf_from(client.get("/tickets/").text)
    client.post("/account/sign-out-elsewhere", data={"csrf_token": token})
    assert [e.action for e in entries()] == ["sign_in", "sessions_ended"]


def test_confirmation_and_second_factor_changes_are_recorded(app, client, mailbox):
    register(client)
    [mail] = mailbox.to("baru@contoh.id")
    client.get(path_of([link for link in links_in(mail) if "/confirm/" in link][0]))
    user = User.get(email="baru@contoh.id")
    assert [e.actor_id for e in entries("email_confirmed")] == [user.id]
    # Sent as Flask-Security's two-factor views send them
    with app.test_request_context():
        tf_profile_changed.send(app, user=user, method="authenticator")
        user_failed_authn.send(app, user=user, auth_type="code", tfa=True)
        tf_disabled.send(app, user=user)
    changed, disabled = entries("two_factor_changed"), entries("two_factor_disabled")
    assert json.loads(changed[0].details) == {"method": "authenticator"}
    assert disabled[0].actor_id == user.id and disabled[0].target_id == user.id
    [wrong_code] = entries("sign_in_failed")
    assert json.loads(wrong_code.details) == {"reason": "second_factor"}


def test_an_administrator_turning_off_someones_second_factor_is_the_actor(
        app, client, make_user, agent):
    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    login(client, admin)
    with app.test_request_context():
        from flask_login import login_user
        login_user(admin)
        tf_disabled.send(app, user=agent)
    [entry] = entries("two_factor_disabled")
    assert (entry.actor_id, entry.target_id) == (admin.id, agent.id)


def test_no_password_token_or_code_ever_reaches_an_entry(client, citizen, mailbox):
    login(client, citizen, "tebakan-salah-77")
    login(client, citizen)
    form = client.get("/change")
    client.post("/change", data={
        "password": PASSWORD, "new_password": "sandi-baru-2026",
        "new_password_confirm": "sandi-baru-2026", "csrf_token": csrf_from(form.text)})
    logout(client)
    page = client.get("/reset")
    client.post("/reset", data={"email": citizen.email, "csrf_token": csrf_from(page.text)})
    link = [link for link in links_in(mailbox.to(citizen.email, count=2)[-1])
            if "/reset/" in link][0]
    form = client.get(path_of(link))
    client.post(path_of(link), data={"password": "kata-sandi-baru-9",
                                     "password_confirm": "kata-sandi-baru-9",
                                     "csrf_token": csrf_from(form.text)})
    actions = [e.action for e in entries()]
    for action in ("sign_in_failed", "sign_in", "password_changed", "sign_out",
                   "password_reset"):
        assert action in actions
    token = path_of(link).rsplit("/", 1)[-1]
    secrets = (PASSWORD, "tebakan-salah-77", "sandi-baru-2026", "kata-sandi-baru-9", token,
               User.get_by_id(citizen.id).password, User.get_by_id(citizen.id).fs_uniquifier)
    for row in AuditEntry.select().tuples():
        for secret in secrets:
            assert not any(secret in str(value) for value in row), (secret, row)


def test_record_refuses_details_that_name_a_secret(app):
    with app.app_context():
        for details in ({"password": "x"}, {"changed": {"tf_totp_secret": "x"}},
                        {"recovery_codes": ["x"]}, {"token": "x"}):
            with pytest.raises(ValueError):
                audit.record("account_changed", details=details)
    assert entries() == []


def test_an_entry_outlives_its_actors_account(client, citizen):
    login(client, citizen)
    User.delete().where(User.id == citizen.id).execute()
    [entry] = entries("sign_in")
    assert (entry.actor_id, entry.actor_email) == (None, citizen.email)
