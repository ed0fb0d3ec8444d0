from app import latest_prices
from workload import make_input


def test_last_price_wins_duplicates_dropped():
    lines = [
        '{"symbol": "ACME", "venue": "X", "seq": 1, "price": 10.5}',
        '{"symbol": "ACME", "venue": "X", "seq": 2, "price": 11.0}',
        '{"symbol": "ACME", "venue": "X", "seq": 1, "price": 99.0}',
        '{"symbol": "ACME", "venue": "Y", "seq": 1, "price": 10.0}',
    ]
    assert latest_prices(lines) == {"ACME@X": 11.0, "ACME@Y": 10.0}


def test_fixed_input():
    prices = latest_prices(make_input())
    assert len(prices) == 183
    assert round(sum(prices.values()), 4) == 22887.16
