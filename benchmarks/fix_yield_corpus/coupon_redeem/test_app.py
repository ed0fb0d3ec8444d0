from app import discount, normalize, per_customer, redeemable, screen, well_formed
from workload import make_input


def test_normalize_and_shape():
    assert normalize(" save - 1O2o3 ") == "SAVE-10203"
    assert well_formed("VIP-12345")
    assert not well_formed("VIP-1234")
    assert not well_formed("V1P-12345")
    assert not well_formed("SAVES-12345")
    assert not well_formed("SAVE12345")


def test_discount_rules():
    assert discount("SAVE-00001", 1234) == 123
    assert discount("FREE-00001", 1234) == 499
    assert discount("FREE-00001", 300) == 300
    assert discount("XMAS-00001", 1234) == 61


def test_redeemable_checks_used_and_revoked_after_normalizing():
    ok = redeemable(["save-11111"], iter(["VIP-22222 "]))
    assert not ok("SAVE-11111")
    assert not ok("VIP-22222")
    assert ok("VIP-22223")
    assert not ok("VIP-2222")


def test_screen_keeps_order_and_first_use_only():
    attempts = [
        ("bob", "save-12345", 1000),
        ("amy", "free-0000 1", 800),
        ("cy", "SAVE-12345", 5000),
        ("amy", "VIP-99999", 100),
        ("dan", "bad", 100),
        ("eve", "VIP-11111", 100),
    ]
    lines = screen(attempts, used=["vip-99999"], revoked=[])
    assert lines == [
        ("bob", "SAVE-12345", 100),
        ("amy", "FREE-00001", 499),
        ("eve", "VIP-11111", 5),
    ]
    assert per_customer(lines) == {"amy": 499, "bob": 100, "eve": 5}
    assert list(per_customer(lines)) == ["amy", "bob", "eve"]


def test_refused_code_does_not_block_a_later_valid_one():
    lines = screen([("a", "VIP-1", 10), ("b", "VIP-00001", 10)], used=["VIP-1"], revoked=[])
    assert lines == [("b", "VIP-00001", 0)]


def test_fixed_input():
    attempts, used, revoked = make_input()
    lines = screen(attempts, used, revoked)
    assert len(lines) == 916
    assert lines[:3] == [
        ("cust-062", "VIP-15838", 34),
        ("cust-124", "XMAS-31676", 44),
        ("cust-155", "SAVE-39595", 98),
    ]
    assert lines[-1] == ("cust-069", "XMAS-70581", 295)
    totals = per_customer(lines)
    assert len(totals) == 399
    assert sum(totals.values()) == 555491
    assert totals["cust-000"] == 1930
