import hashlib

from app import sitemap
from workload import make_input


def test_small_sitemap():
    pages = [
        {"path": "/a?x=1&y=2", "modified": "2026-01-02", "priority": 0.5},
        {"path": "/b", "modified": "2026-03-04", "priority": 1.0},
    ]
    assert sitemap("https://ex.org/", pages) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "  <url>\n    <loc>https://ex.org/b</loc>\n    <lastmod>2026-03-04</lastmod>\n"
        "    <priority>1.0</priority>\n  </url>\n"
        "  <url>\n    <loc>https://ex.org/a?x=1&amp;y=2</loc>\n    <lastmod>2026-01-02</lastmod>\n"
        "    <priority>0.5</priority>\n  </url>\n"
        "</urlset>\n"
    )


def test_empty():
    assert sitemap("https://ex.org", []).endswith('sitemap/0.9">\n</urlset>\n')


def test_fixed_input():
    text = sitemap("https://example.org/", make_input())
    assert hashlib.sha256(text.encode()).hexdigest() == EXPECTED_SHA256


EXPECTED_SHA256 = "a1f72dba4f48e6bd515b7a1928722b0a428979f9feeef65c212f6adf3d96c4fb"
