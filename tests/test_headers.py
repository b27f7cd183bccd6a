"""Security headers, set in one place for the portal and the desk: the desk's
Content-Security-Policy runs no inline script or handler but its own nonce and one hashed
constant of Flask-Admin; frames are refused everywhere; HSTS when configured for HTTPS."""
import re

import pytest

from conftest import desk_url, login

DESK_PAGES = ["/admin/", "/admin/ticket/", "/admin/user/", "/admin/role/", "/admin/department/",
              "/admin/topic/", "/admin/canned/", "/admin/outbox/", "/admin/reports/",
              "/admin/user/edit/?id={admin}", "/admin/topic/new/", "{ticket}"]


@pytest.fixture
def desk(app, make_user, citizen, make_ticket):
    admin = make_user("admin@kemensos.go.id", roles=["admin", "supervisor", "agent"],
                      departments=["Tim SIKS-NG"])
    ticket = make_ticket(citizen)
    client = app.test_client()
    login(client, admin)
    return client, {"admin": admin.id, "ticket": desk_url(ticket)}


def _policy(response):
    return dict(part.strip().split(" ", 1) for part in
                response.headers["Content-Security-Policy"].split(";"))


def test_every_desk_page_runs_only_its_own_scripts(desk):
    client, ids = desk
    for url in DESK_PAGES:
        page = client.get(url.format(**ids), follow_redirects=True)
        assert page.status_code == 200, url
        policy = _policy(page)
        assert "'unsafe-inline'" not in policy["script-src"], url
        assert policy["style-src"] == "'self'", url  # no inline style either
        assert not re.search(r"<style\b|\sstyle=", page.text), url
        assert policy["frame-ancestors"] == "'none'"
        nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
        for tag in re.findall(r"<script\b[^>]*>", page.text):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, (url, tag)
        handlers = re.findall(r'\son[a-z]+="([^"]*)"', page.text)
        assert set(handlers) <= {"return false;"}, (url, handlers)
        assert "'sha256-" in policy["script-src"] and "'unsafe-hashes'" in policy["script-src"]


def test_a_new_nonce_for_every_desk_page(desk):
    client, _ = desk
    first, second = (_policy(client.get("/admin/user/"))["script-src"] for _ in range(2))
    assert first != second


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/no-such-page"])
def test_portal_pages_are_never_framed_or_sniffed(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = _policy(response)
    assert policy["frame-ancestors"] == "'none'" and "script-src" not in policy
    assert policy["default-src"] == "'self'"
    assert "Strict-Transport-Security" not in response.headers


@pytest.fixture(params=[{"PUBLIC_URL": "https://helpdesk.contoh.id"},
                        {"SESSION_COOKIE_SECURE": True}])
def https(config, request):
    config.update(request.param)
    return request.param.get("PUBLIC_URL", "http://localhost")


def test_hsts_when_the_site_is_served_over_https(https, app):
    response = app.test_client().get("/", base_url=https)
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains")
