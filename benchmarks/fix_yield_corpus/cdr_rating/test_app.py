import logging

from app import CallRecord, RatedCall, invoice_totals, rate_batch


def test_onnet_uses_bundle_first():
    recs = [CallRecord("c1", "0711", "0799", 10, 100, callee_onnet=True)]
    assert rate_batch(recs, {"0711": 60}) == [RatedCall("c1", "onnet", 100, 60, 3)]


def test_bundle_drawn_down_across_calls_and_input_not_mutated():
    bundles = {"0711": 90}
    recs = [
        CallRecord("a", "0711", "0722", 22, 61),
        CallRecord("b", "0711", "0722", 22, 61),
    ]
    rated = rate_batch(recs, bundles)
    assert [(r.billable_s, r.free_s, r.cents) for r in rated] == [(90, 90, 5), (90, 0, 14)]
    assert bundles == {"0711": 90}


def test_international_and_premium_zones_ignore_bundle():
    recs = [
        CallRecord("eu", "0711", "004420794960", 9, 61),
        CallRecord("row", "0711", "0061298765432", 3, 1),
        CallRecord("prem", "0711", "0900123456", 3, 30),
    ]
    rated = rate_batch(recs, {"0711": 10_000})
    assert [(r.zone, r.billable_s, r.free_s, r.cents) for r in rated] == [
        ("intl-eu", 120, 0, 53),
        ("intl-row", 60, 0, 64),
        ("premium", 60, 0, 170),
    ]


def test_zero_duration_is_free():
    rated = rate_batch([CallRecord("z", "0711", "0033100", 12, 0)], {})
    assert rated == [RatedCall("z", "intl-eu", 0, 0, 0)]


def test_invoice_totals_sorted_by_zone():
    rated = [
        RatedCall("1", "offnet", 60, 0, 14),
        RatedCall("2", "intl-eu", 60, 0, 34),
        RatedCall("3", "offnet", 30, 0, 8),
    ]
    totals = invoice_totals(rated)
    assert totals == {"intl-eu": 34, "offnet": 22}
    assert list(totals) == ["intl-eu", "offnet"]


def test_debug_breakdown_logged(caplog):
    recs = [CallRecord("c9", "0711", "0722", 8, 45)]
    with caplog.at_level(logging.DEBUG, logger="billing.rating"):
        rate_batch(recs, {"0711": 20})
    assert caplog.messages == [
        "rated c9: caller=0711 callee=0722 zone=offnet hour=08 period=peak "
        "tariff=(9.00/6.00/fee 5/inc 30s) duration=45s billable=60s free=20s "
        "bundle_left=0s charge=0.11"
    ]


def test_nothing_logged_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="billing.rating"):
        rate_batch([CallRecord("c1", "0711", "0722", 8, 45)], {})
    assert caplog.records == []
