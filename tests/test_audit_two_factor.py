"""The audit trail of the real two-factor flows (not signals sent by hand): setup, a code
that signs in, a wrong code, recovery codes made and used, and an administrator's reset of a
lost phone — each with its actor, and never the secret, a code or a recovery code."""
from conftest import csrf_from
from helpdesk.models import AuditEntry, User
from test_two_factor import code, code_step, make_codes, password_step, set_up, wrong


def actions_on(user):
    return [(e.action, e.actor_email) for e in
            AuditEntry.select().where(AuditEntry.target_id == user.id).order_by(AuditEntry.id)]


def test_setup_codes_and_recovery_codes_are_recorded_without_any_secret(app, agent):
    client = app.test_client()
    key = set_up(client, agent)
    codes = make_codes(client)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/admin/").text)})

    browser = app.test_client()
    password_step(browser, agent)
    code_step(browser, wrong(key))
    assert code_step(browser, code(key)).status_code == 302
    rescue = app.test_client()
    password_step(rescue, agent)
    page = rescue.get("/mf-recovery")
    assert rescue.post("/mf-recovery", data={"code": codes[0], "csrf_token":
                                             csrf_from(page.text)}).status_code == 302

    actions = [a for a, _ in actions_on(agent)]
    assert "two_factor_changed" in actions and "recovery_codes_made" in actions
    assert "recovery_code_used" in actions
    failed = AuditEntry.get(AuditEntry.action == "sign_in_failed")
    assert "second_factor" in failed.details
    assert actions.count("sign_in") >= 2
    every = " ".join(f"{e.details} {e.target_label} {e.actor_email}" for e in AuditEntry.select())
    assert key not in every and not any(c in every for c in codes)
    assert User.get_by_id(agent.id).tf_totp_secret not in every


def test_an_administrators_reset_of_a_lost_phone_names_the_administrator(
        app, make_user, agent, client_of):
    set_up(app.test_client(), agent)
    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    desk = client_of(admin)
    page = desk.get("/admin/user/")
    assert desk.post("/admin/user/action/", data={
        "action": "reset_two_factor", "rowid": [str(agent.id)],
        "csrf_token": csrf_from(page.text)}).status_code == 302
    assert ("two_factor_disabled", "admin@kemensos.go.id") in actions_on(agent)
    page = desk.get("/admin/audit/?search=admin%40kemensos.go.id")
    assert "Verifikasi dua langkah dinonaktifkan" in page.text and agent.full_name in page.text
