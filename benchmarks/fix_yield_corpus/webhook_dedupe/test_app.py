from app import Inbox, dedupe, fingerprint, strip_delivery
from workload import make_input


def test_retries_with_reordered_keys_are_dropped():
    first = {"provider": "stripe", "id": "e1", "amount": 5, "delivery_id": "d1", "attempt": 1}
    retry = {"attempt": 2, "amount": 5, "id": "e1", "delivery_id": "d2", "provider": "stripe"}
    other = {"provider": "stripe", "id": "e2", "amount": 5, "delivery_id": "d3", "attempt": 1}
    kept, dropped = dedupe([first, retry, other, dict(retry)])
    assert kept == [first, other]
    assert kept[0] is first
    assert dropped == {"stripe": 2}


def test_nested_bodies_compare_by_value_and_list_order_matters():
    a = {"provider": "p", "meta": {"x": 1, "y": [1, 2]}, "sent_at": 1}
    b = {"meta": {"y": [1, 2], "x": 1}, "provider": "p", "sent_at": 2}
    c = {"provider": "p", "meta": {"x": 1, "y": [2, 1]}, "sent_at": 3}
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)
    kept, dropped = dedupe([a, b, c])
    assert kept == [a, c]
    assert dropped == {"p": 1}


def test_fingerprint_text_and_no_mutation():
    event = {"b": 2, "a": "x", "delivery_id": "d", "attempt": 3, "sent_at": 9}
    assert fingerprint(event) == '{"a":"x","b":2}'
    assert strip_delivery(event) == {"b": 2, "a": "x"}
    assert event == {"b": 2, "a": "x", "delivery_id": "d", "attempt": 3, "sent_at": 9}


def test_missing_provider_and_dropped_order():
    inbox = Inbox()
    assert inbox.offer({"id": 1})
    assert not inbox.offer({"id": 1, "attempt": 2})
    _, dropped = dedupe([{"provider": "z", "id": 1}] * 2 + [{"provider": "a", "id": 1}] * 3)
    assert dropped == {"a": 2, "z": 1}
    assert list(dropped) == ["a", "z"]
    assert inbox.dropped == {"?": 1}


def test_fixed_input():
    kept, dropped = dedupe(make_input())
    assert len(kept) == 1667
    assert dropped == {"adyen": 167, "paypal": 166}
    assert [e["id"] for e in kept[:6]] == [
        "evt_000000",
        "evt_000001",
        "evt_000002",
        "evt_000003",
        "evt_000005",
        "evt_000006",
    ]
    assert kept[-1]["id"] == "evt_001999"
    assert kept[0]["delivery_id"] == "d0"
