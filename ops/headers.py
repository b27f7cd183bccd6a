"""The security headers of every response, portal and desk alike, set here and nowhere else.

Both faces get ``nosniff``, ``Referrer-Policy``, ``X-Frame-Options: DENY`` and a
Content-Security-Policy with ``frame-ancestors 'none'``; HSTS is added when the app is
configured for HTTPS (``PUBLIC_URL`` starting with ``https://`` or
``SESSION_COOKIE_SECURE``). The desk's policy allows no inline script: Flask-Admin 2.2.1
puts a nonce on its script tags (``Admin(csp_nonce_generator=...)``); its inline event
handlers were replaced by data attributes read by ``static/desk_handlers.js``
(``templates/admin/actions.html`` and ``admin/model/row_actions.html``), except the filter
menu's constant ``onclick="return false;"`` in its ``model/layout.html`` and the constant
``onclick`` of the inline rows' "Add" buttons, allowed by their hashes.
Its remaining ``href="javascript:void(0)"`` links (menu toggles, tabs, pagination) do
nothing by design: ``desk_handlers.js`` cancels following them, which the policy would
refuse. No inline style either: no desk template writes one, and the widgets' scripts set
styles through the DOM, which the policy allows.
"""
import base64
import hashlib
import secrets

from flask import current_app, g, request

COMMON = ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
          "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
FLASK_ADMIN_HANDLERS = (
    "return false;",  # flask_admin 2.2.1, admin/model/layout.html
    # the "Add" button of inline rows, one per inline field (admin/model/inline_list_base.html;
    # no hook replaces it): a working calendar's hours and days off (admin_views/sla_admin.py)
    "faForm.addInlineField(this, 'hours');",
    "faForm.addInlineField(this, 'days');",
)


def _hash(source):
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


DESK_HASHES = " ".join(_hash(source) for source in FLASK_ADMIN_HANDLERS)


def csp_nonce():
    """This response's nonce for the desk's script tags (Flask-Admin calls it)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def desk_policy():
    nonce = f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else ""
    return (f"{COMMON}; script-src 'self'{nonce} 'unsafe-hashes' {DESK_HASHES}; "
            "style-src 'self'; font-src 'self' data:")


def _https(config):
    return config["PUBLIC_URL"].startswith("https://") or config["SESSION_COOKIE_SECURE"]


def security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    desk = request.path.startswith("/admin")
    headers.setdefault("Content-Security-Policy", desk_policy() if desk else COMMON)
    config = current_app.config
    if config["HSTS_SECONDS"] and _https(config):
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={int(config['HSTS_SECONDS'])}; includeSubDomains")
    return response


def init_app(app):
    app.after_request(security_headers)
