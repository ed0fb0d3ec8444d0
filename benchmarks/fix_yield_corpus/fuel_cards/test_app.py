from app import Card, Screener, Txn, daily_report, parse_site_feed

CARDS = [Card("C1", "diesel-only", "TRK-1"), Card("C2", "gasoline", "VAN-2")]
FEED = "# bulletin 14\nst001 # closed for works\n\nST002\n"


def _txn(i, card="C1", site="ST100", product="ULSD", litres=100.0, price=1.8):
    return Txn(f"T{i}", card, site, product, litres, round(litres * price, 2))


def test_feed_parsing_normalises_and_skips_comments():
    assert parse_site_feed(FEED) == ["ST001", "ST002"]


def test_each_rule_flags_with_reason():
    s = Screener(CARDS, FEED)
    flags, litres = s.screen(
        [
            _txn(1, site="ST001"),
            _txn(2, card="C2", product="ULSD"),
            _txn(3, price=2.9),
            _txn(4, card="C9"),
            _txn(5),
        ]
    )
    assert [(f.txn_id, f.reason) for f in flags] == [
        ("T1", "blocked site ST001"),
        ("T2", "ULSD not allowed on gasoline"),
        ("T3", "unit price above ceiling"),
        ("T4", "unknown card"),
    ]
    assert litres == {"C1": 100.0}


def test_daily_limit_counts_only_approved_litres():
    s = Screener(CARDS, FEED)
    flags, litres = s.screen(
        [
            _txn(1, card="C2", product="REG", litres=100.0),
            _txn(2, card="C2", product="REG", litres=60.0),
            _txn(3, card="C2", product="PREM", litres=50.0),
        ]
    )
    assert [f.txn_id for f in flags] == ["T2"]
    assert flags[0].reason == "daily litre limit"
    assert litres["C2"] == 150.0


def test_daily_report_counts():
    out = daily_report(
        CARDS, FEED, [_txn(1, site="ST002"), _txn(2), _txn(3, card="C2", product="MID", litres=40)]
    )
    assert out["by_reason"] == {"blocked": 1}
    assert out["approved_litres"] == 140.0
    assert out["cards_used"] == 2
