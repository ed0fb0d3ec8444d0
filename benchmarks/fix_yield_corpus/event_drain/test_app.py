from app import fresh_payloads
from workload import COMMITTED, make_input


def test_only_records_past_the_committed_offset_in_order():
    records = [(5, b"a"), (6, b"b"), (7, b"c"), (9, b"d")]
    assert fresh_payloads(records, 6) == [b"c", b"d"]


def test_nothing_new():
    assert fresh_payloads([(1, b"a"), (2, b"b")], 2) == []
    assert fresh_payloads([], -1) == []


def test_everything_new_and_a_fresh_list():
    payloads = [b"x", b"y"]
    batch = fresh_payloads(zip([0, 1], payloads, strict=True), -1)
    assert batch == payloads
    assert batch is not payloads


def test_fixed_input():
    batch = fresh_payloads(make_input(), COMMITTED)
    assert len(batch) == 99_500
    assert (batch[0], batch[-1]) == (b"evt-500", b"evt-99999")
