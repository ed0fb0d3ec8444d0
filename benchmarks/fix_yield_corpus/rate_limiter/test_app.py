import logging

from app import RateLimiter, admit_all
from workload import OVERRIDES, make_input


def test_burst_then_refill():
    limiter = RateLimiter(capacity=2.0, rate=1.0)
    verdicts = [limiter.allow("acme:/a", t) for t in (0.0, 0.1, 0.2, 1.2, 1.3)]
    assert verdicts == [True, True, False, True, False]
    assert limiter.admitted == {"acme": 3}
    assert limiter.rejected == {"acme": 2}


def test_tenant_part_of_key_is_normalised():
    verdicts, summary = admit_all(
        [("Acme:/x", 0.0), (" acme :/y", 0.0), ("beta", 0.0), ("ACME:/z", 0.0)]
    )
    assert verdicts == [True, True, True, True]
    assert summary == {"acme": (3, 0), "beta": (1, 0)}


def test_overrides_and_capacity_cap():
    requests = [("big:/a", 0.0)] * 4 + [("small:/a", 0.0)] * 4 + [("small:/a", 100.0)] * 7
    verdicts, summary = admit_all(requests, {"big": (3.0, 1.0)})
    assert verdicts[:4] == [True, True, True, False]
    assert verdicts[4:8] == [True] * 4
    # a long wait refills only up to the capacity (5): five more, then rejects
    assert verdicts[8:] == [True] * 5 + [False] * 2
    assert summary == {"big": (3, 1), "small": (9, 2)}
    assert list(summary) == ["big", "small"]


def test_time_going_backwards_does_not_refill():
    limiter = RateLimiter(capacity=1.0, rate=10.0)
    assert limiter.allow("a", 5.0)
    assert not limiter.allow("a", 1.0)
    assert limiter.allow("a", 5.2)


def test_describe_lists_every_tenant():
    limiter = RateLimiter(capacity=2.0, rate=1.0)
    limiter.allow("b", 0.0)
    limiter.allow("a", 0.0)
    assert limiter.describe("b") == "b tokens=1.000 rate=1 since=0.000 [a=1.00/2, b=1.00/2]"


def test_debug_trail_when_enabled(caplog):
    with caplog.at_level(logging.DEBUG, logger="gateway.limiter"):
        admit_all([("a:/x", 0.0)])
    assert caplog.messages == ["admit a:/x -> a tokens=4.000 rate=1 since=0.000 [a=4.00/5]"]


def test_fixed_input():
    verdicts, summary = admit_all(make_input(), OVERRIDES)
    assert len(verdicts) == 1200
    assert sum(verdicts) == 528
    assert summary["t0"] == (40, 0)
    assert summary["t7"] == (40, 0)
    assert summary["t1"] == (16, 24)
    assert len(summary) == 30
    assert list(summary)[:3] == ["t0", "t1", "t10"]
