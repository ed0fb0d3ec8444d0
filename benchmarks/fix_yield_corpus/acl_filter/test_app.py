from app import filter_events
from workload import make_input


def test_drops_service_accounts_and_noise():
    lines = ["alice,read,/a\n", "svc-ci,write,/b", "bob,ping,/c", "carol,delete,/d,e"]
    assert filter_events(lines) == [("alice", "read", "/a"), ("carol", "delete", "/d,e")]


def test_fixed_input():
    kept = filter_events(make_input())
    assert len(kept) == 3637
    assert kept[5] == ("user7", "write", "/bucket/7/obj-7")
