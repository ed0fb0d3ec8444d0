import hashlib
import json

from app import export_events
from workload import make_input


def test_canonical_json_with_its_digest():
    [entry] = export_events([{"b": 1, "a": "é"}])
    digest, body = entry.split(" ", 1)
    assert body == '{\n "a": "é",\n "b": 1\n}'
    assert digest == hashlib.sha256(body.encode()).hexdigest()


def test_key_order_does_not_change_the_digest():
    assert export_events([{"x": 1, "y": [1, 2]}]) == export_events([{"y": [1, 2], "x": 1}])


def test_round_trip_and_empty():
    event = {"id": 7, "nested": {"k": [None, True, 1.5]}}
    assert json.loads(export_events([event])[0].split(" ", 1)[1]) == event
    assert export_events([]) == []


def test_fixed_input():
    text = "\n".join(export_events(make_input()))
    assert len(text) == 151894
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "e73e559579de54af3bdcfeb2e418884f7ffaee9f5671d4ea18e2d04c5c490d60"
    )
