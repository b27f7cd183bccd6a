"""The dashboard page, /admin/reports/: who may open it, and the period in the URL."""
import pytest



@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_supervisors_and_admins_open_the_dashboard(who, make_user, client_of):
    user = make_user(f"{who}@kemensos.go.id", roles=[who])
    page = client_of(user).get("/admin/reports/")
    assert page.status_code == 200
    assert "Laporan" in page.text


def test_agents_and_citizens_are_refused(agent, citizen, client_of, client):
    assert client_of(agent).get("/admin/reports/").status_code == 403
    assert client_of(citizen).get("/admin/reports/").status_code == 403
    assert client.get("/admin/reports/").status_code == 302  # to sign in


def test_a_period_from_the_url(supervisor, client_of, history):
    page = client_of(supervisor).get("/admin/reports/?period=custom&from=2026-11-01&to=2026-11-30")
    assert page.status_code == 200
    assert '<dd class="figure-created">7</dd>' in page.text


def test_a_period_ending_before_it_starts_is_refused(supervisor, client_of):
    page = client_of(supervisor).get("/admin/reports/?period=custom&from=2026-11-30&to=2026-11-01")
    assert page.status_code == 400
