import json

from app import relay
from workload import make_input


def test_envelope_and_drop():
    lines = [
        json.dumps({"topic": "a", "body": {"k": 1}}),
        json.dumps({"topic": "a", "hops": 8, "body": {}}),
        json.dumps({"topic": "b", "hops": 2, "body": [1, 2]}),
    ]
    assert relay(lines) == {
        "a": ['{"topic":"a","hops":1,"event":{"k":1}}'],
        "b": ['{"topic":"b","hops":3,"event":[1,2]}'],
    }


def test_fixed_input():
    out = relay(make_input())
    assert {k: len(v) for k, v in out.items()} == EXPECTED_COUNTS
    assert sum(len(line) for v in out.values() for line in v) == EXPECTED_CHARS


EXPECTED_COUNTS = {"orders": 800, "payments": 800, "shipping": 800, "audit": 800}
EXPECTED_CHARS = 313160
