from app import summarize
from workload import make_input


def test_request_lines_counted_per_service():
    s = summarize(
        [
            "ts=1 level=info svc=cart msg=request dur_ms=12 status=200",
            "ts=2 level=info svc=cart msg=request dur_ms=30 status=503",
            "ts=3 level=error svc=auth msg=request dur_ms=7 status=500",
        ]
    )
    assert s.lines == 3
    assert dict(s.levels) == {"info": 2, "error": 1}
    cart = s.services["cart"]
    assert (cart.requests, cart.errors, cart.total_ms, cart.slowest_ms) == (2, 1, 42, 30)
    assert cart.mean_ms == 21.0
    assert s.services["auth"].errors == 1


def test_tokens_that_are_not_pairs_are_skipped():
    s = summarize(["level=error svc=a dur_ms=x status=500", "no pairs here"])
    assert s.skipped_tokens == 3
    assert dict(s.levels) == {"error": 1, "unknown": 1}
    assert s.services == {}


def test_later_duplicate_key_wins_and_empty_values_are_kept():
    s = summarize(["svc=a svc=b dur_ms=5 status= level="])
    assert list(s.services) == ["b"]
    assert s.services["b"].errors == 0
    assert dict(s.levels) == {"": 1}


def test_fixed_input_summary():
    s = summarize(make_input())
    assert (s.lines, s.skipped_tokens) == (2000, 40)
    assert dict(s.levels) == {"warn": 40, "info": 1960}
    stats = {k: (v.requests, v.errors, v.total_ms, v.slowest_ms) for k, v in s.services.items()}
    assert stats == {
        "search": (500, 100, 31600, 122),
        "auth": (480, 100, 30840, 123),
        "orders": (500, 100, 32600, 124),
        "cart": (480, 100, 30000, 121),
    }


def test_empty():
    s = summarize([])
    assert (s.lines, s.skipped_tokens, s.services) == (0, 0, {})
