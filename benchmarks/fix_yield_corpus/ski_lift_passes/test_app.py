from __future__ import annotations

from app import (
    PASSBACK_SECONDS,
    GateValidator,
    Product,
    Scan,
    daily_lift_counts,
    hotlist_hits,
    load_hotlist,
    refusal_breakdown,
)
from workload import PRODUCTS, make_input, run

FEED = (
    "pass_id,reason,reported_at\n"
    "sk0001,lost,2024-01-02\n"
    "SK0002,fraud,2024-01-03\n"
    ",x,y\n"
    "SK0001,lost,2024-01-04\n"
)


def _validator():
    return GateValidator(PRODUCTS, load_hotlist(FEED))


def _scan(pid="SK0100", product="SEASON", lift="gondola", day=30, second=9 * 3600):
    return Scan(pid, product, lift, day, second)


def test_load_hotlist_normalises_and_dedupes(caplog):
    assert load_hotlist(FEED) == ["SK0001", "SK0002"]
    assert "without pass id" in caplog.text


def test_valid_scan_accepted():
    assert _validator().check(_scan()).reason == "ok"


def test_hotlisted_pass_refused_case_insensitively():
    v = _validator()
    assert v.check(_scan(pid="SK0001")).reason == "hotlisted"
    assert v.check(_scan(pid="sk0002")).reason == "hotlisted"


def test_unknown_product_and_validity():
    v = _validator()
    assert v.check(_scan(product="NOPE")).reason == "unknown product"
    assert v.check(_scan(product="DAY", day=31)).reason == "outside validity"
    assert v.check(_scan(product="DAY", day=30)).accepted


def test_lift_restrictions():
    v = _validator()
    assert v.check(_scan(product="BEGINNER", lift="summit-quad")).reason == "lift not included"
    assert v.check(_scan(product="BEGINNER", lift="bunny-tow")).accepted


def test_passback_window_per_lift():
    v = _validator()
    assert v.check(_scan(second=36000)).accepted
    assert v.check(_scan(second=36060)).reason == "passback"
    assert v.check(_scan(second=36060, lift="north-chair")).accepted
    assert v.check(_scan(second=36000 + PASSBACK_SECONDS)).accepted


def test_run_day_sorts_scans_by_time():
    v = GateValidator([Product("SEASON", None, 0, 139)], [])
    decisions = v.run_day([_scan(second=36100), _scan(second=36000)])
    assert [d.scan.second for d in decisions] == [36000, 36100]
    assert [d.accepted for d in decisions] == [True, False]


def test_counts_and_hits():
    v = _validator()
    decisions = v.run_day(
        [_scan(second=9 * 3600), _scan(pid="SK0200", second=10 * 3600 + 5), _scan(pid="SK0002")]
    )
    assert daily_lift_counts(decisions) == {"gondola": {"09h": 1, "10h": 1}}
    assert hotlist_hits(decisions) == ["SK0002"]


def test_refusal_breakdown():
    v = _validator()
    decisions = v.run_day([_scan(pid="SK0001"), _scan(product="NOPE"), _scan(pid="SK0002")])
    assert refusal_breakdown(decisions) == {"hotlisted": 2, "unknown product": 1}


def test_workload_is_deterministic():
    data = make_input()
    assert run(data) == run(data) > 0
