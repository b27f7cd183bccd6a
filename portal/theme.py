"""The Bootswatch Flatly theme that Flask-Admin ships, served without its Google Fonts
``@import``: the portal and the desk must not call third parties (the visitors' privacy,
intranets without internet, the portal's CSP). The font stack falls back to the system's
sans-serif."""
import re
from functools import lru_cache
from pathlib import Path

import flask_admin
from flask import Response, request

FLATLY = (Path(flask_admin.__file__).parent
          / "static/bootstrap/bootstrap4/swatch/flatly/bootstrap.min.css")


@lru_cache(maxsize=1)
def flatly_css():
    return re.sub(r"@import url\([^)]*\);?", "", FLATLY.read_text(encoding="utf-8"))


def theme_css():
    response = Response(flatly_css(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    response.add_etag()
    return response.make_conditional(request)


def init_app(app):
    app.add_url_rule("/theme/flatly.css", "theme_css", theme_css)
