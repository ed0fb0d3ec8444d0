import hashlib

from app import render_metrics
from workload import make_input


def test_families_in_name_order_with_help_and_type():
    text = render_metrics(
        {
            "up": ("gauge", "Whether the proxy is up.", [("", 1)]),
            "http_requests_total": (
                "counter",
                "Requests served.",
                [('{code="200",path="/"}', 10), ('{code="500"}', 0.5)],
            ),
        }
    )
    assert text == (
        "# HELP http_requests_total Requests served.\n"
        "# TYPE http_requests_total counter\n"
        'http_requests_total{code="200",path="/"} 10\n'
        'http_requests_total{code="500"} 0.5\n'
        "# HELP up Whether the proxy is up.\n"
        "# TYPE up gauge\n"
        "up 1\n"
    )


def test_family_without_samples_and_no_families():
    assert render_metrics({"x": ("gauge", "X.", [])}) == "# HELP x X.\n# TYPE x gauge\n"
    assert render_metrics({}) == ""


def test_float_values_keep_their_text():
    assert render_metrics({"g": ("gauge", "G.", [("", 1e-9), ("", 2.0)])}).splitlines()[2:] == [
        "g 1e-09",
        "g 2.0",
    ]


def test_fixed_input():
    text = render_metrics(make_input())
    assert len(text) == 288216
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "15db22f1d4405adc53412fe49b1d199b204554385bce854db42fa6f193d8189a"
    )
