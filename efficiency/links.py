"""Stable dashboard URLs: each page's path and its selection in the query string, so a page
sent to on-call, a bookmark or a report links straight to the evidence.

The dashboard (``dashboards/``) registers its pages under these paths and reads these query
parameters; the notifiers put :func:`incident_url` into every page they send when
``dashboard.url`` is configured.
"""

from __future__ import annotations

from urllib.parse import urlencode

#: page -> URL path of the Streamlit app (``st.Page(url_path=...)``); the overview is the
#: default page, served at the root
PAGES = {
    "overview": "",
    "incidents": "incidents",
    "hotspots": "hotspots",
    "gpu": "gpu",
    "proposals": "proposals",
    "savings": "savings",
    "capacity": "capacity",
    "fleet": "fleet",
}


def page_url(base: str, page: str, **params: object) -> str:
    """``base/page?k=v...`` with the parameters that are not None or empty, in the given
    order; an empty ``base`` gives the path alone (``/page?...``)."""
    if page not in PAGES:
        raise ValueError(f"unknown dashboard page {page!r}")
    query = urlencode([(k, str(v)) for k, v in params.items() if v not in (None, "")])
    url = f"{base.rstrip('/')}/{PAGES[page]}"
    return f"{url}?{query}" if query else url


def incident_url(base: str, incident_id: object) -> str:
    """The incident's detail view."""
    return page_url(base, "incidents", incident=incident_id)
