"""The URLs a desk page makes dozens of, built through Flask-Admin's ``get_url`` hook
(Flask-Admin 2.2.1 routes its templates' and list view's links through it) without a
``url_for`` each: Flask-Admin's static files, the same on every page, are built once per
path prefix; the view's own list page with other query arguments (sort, page, page size,
filters) has its path built once per request and its arguments encoded as ``url_for``
encodes them (werkzeug's ``_urlencode``, in the order given, None left out)."""
from functools import lru_cache
from urllib.parse import quote_plus

from flask import g, request, url_for

SAFE = "!$'()*,/:;?@"  # what werkzeug 3.1 leaves unquoted in a query string


class CheapUrls:
    def get_url(self, endpoint, **kwargs):
        if any(key.startswith("_") or isinstance(value, (list, tuple))
               for key, value in kwargs.items()):  # _external, _anchor, several values
            return super().get_url(endpoint, **kwargs)
        if endpoint.endswith(".static"):
            return self._static_url(endpoint, kwargs)
        if endpoint == ".index_view":
            return self._list_url(kwargs)
        return super().get_url(endpoint, **kwargs)

    def _static_url(self, endpoint, kwargs):
        if getattr(self, "_static_urls", None) is None:
            self._static_urls = {}
        key = (request.script_root, endpoint, tuple(kwargs.items()))
        if key not in self._static_urls:
            self._static_urls[key] = url_for(endpoint, **kwargs)
        return self._static_urls[key]

    def _list_url(self, kwargs):
        paths = g.setdefault("list_paths", {})
        if request.blueprint not in paths:
            paths[request.blueprint] = url_for(".index_view")
        query = "&".join(f"{_quoted(str(key))}={_quoted(str(value))}"
                         for key, value in kwargs.items() if value is not None)
        path = paths[request.blueprint]
        return f"{path}?{query}" if query else path


@lru_cache(maxsize=1024)
def _quoted(text):
    """``text`` as ``urlencode`` puts a key or value in a query string: a page links to
    itself a dozen times with the same few keys and values."""
    return quote_plus(text, safe=SAFE)
