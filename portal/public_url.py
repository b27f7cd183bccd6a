"""The site's public address. With FLASK_PUBLIC_URL set, every absolute link the app makes
(account and ticket mails, alerts, redirects) is built from it, never from the request, and a
request naming another host is refused with 400 before any view runs.

Flask-Security 5.9 builds its reset and confirmation links with ``url_for(_external=True)``,
which inside a request takes host, scheme and path prefix from the request; so the URL
adapter itself is bound to the public address. Outside a request Flask builds from
SERVER_NAME, APPLICATION_ROOT and PREFERRED_URL_SCHEME, which are derived from it too.
"""
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.wsgi import get_host


class PublicUrlFlask(Flask):
    def create_url_adapter(self, request):
        adapter = super().create_url_adapter(request)
        if request is None or adapter is None or not self.config["PUBLIC_URL"]:
            return adapter
        # Flask binds SERVER_NAME but the request's scheme and script root: use the public ones.
        return self.url_map.bind(
            self.config["SERVER_NAME"], script_name=self.config["APPLICATION_ROOT"],
            url_scheme=self.config["PREFERRED_URL_SCHEME"], subdomain=adapter.subdomain,
            default_method=adapter.default_method, path_info=adapter.path_info,
            query_args=adapter.query_args)


def public_hosts(config):
    """The names requests may give as their Host: PUBLIC_URL's and EXTRA_HOSTS."""
    extra = config["EXTRA_HOSTS"]
    if isinstance(extra, str):  # FLASK_EXTRA_HOSTS="10.0.0.5, localhost"
        extra = extra.replace(",", " ").split()
    return [urlsplit(config["PUBLIC_URL"]).hostname, *extra]


def _refuse_other_hosts():
    # The check of Flask's TRUSTED_HOSTS, made here rather than by Flask: a request Flask
    # refuses has no URL adapter, so its 400 page could not build its links.
    get_host(request.environ, current_app.config["PUBLIC_HOSTS"])  # SecurityError: 400


def init_app(app):
    public_url = app.config["PUBLIC_URL"]
    if not public_url:
        app.logger.warning(
            "FLASK_PUBLIC_URL is not set: links in e-mails follow the Host header of each "
            "request, which anyone can forge. Set it to the site's address in production.")
        return
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"FLASK_PUBLIC_URL must be the site's address, such as "
                         f"https://helpdesk.kemensos.go.id, not {public_url!r}")
    app.config.update(SERVER_NAME=parts.netloc, PREFERRED_URL_SCHEME=parts.scheme,
                      APPLICATION_ROOT=parts.path.rstrip("/") or "/",
                      PUBLIC_HOSTS=public_hosts(app.config))
    app.before_request(_refuse_other_hosts)
