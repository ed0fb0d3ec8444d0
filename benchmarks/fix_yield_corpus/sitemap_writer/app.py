"""Sitemap writer: the XML sitemap of a site's pages, newest first, URLs escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape


def sitemap(base_url: str, pages: Sequence[Mapping[str, Any]]) -> str:
    """The ``<urlset>`` document for ``pages`` (``path``, ``modified``, ``priority``)."""
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n'
    xml += '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    root = base_url.rstrip("/")
    ordered = sorted(pages, key=lambda page: page["modified"], reverse=True)
    for page in ordered:
        xml += "  <url>\n"
        xml += "    <loc>" + escape(root + page["path"]) + "</loc>\n"
        xml += "    <lastmod>" + page["modified"] + "</lastmod>\n"
        xml += f"    <priority>{page['priority']:.1f}</priority>\n"
        xml += "  </url>\n"
    xml += "</urlset>\n"
    return xml
