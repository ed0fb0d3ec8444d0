from app import fan_out
from workload import CHANNELS, make_input


def test_user_ids_in_subscription_order():
    subscriptions = {"a": [(3, 100), (1, 50)], "b": [(2, 10)]}
    assert fan_out(["b", "a"], subscriptions) == {"b": [2], "a": [3, 1]}


def test_unfollowed_channel_and_duplicates():
    assert fan_out(["x", "a", "x"], {"a": [(1, 0)]}) == {"x": [], "a": [1]}


def test_no_channels():
    assert fan_out([], {"a": [(1, 0)]}) == {}


def test_lists_are_fresh():
    subscriptions = {"a": [(1, 0)]}
    fan_out(["a"], subscriptions)["a"].append(99)
    assert fan_out(["a"], subscriptions) == {"a": [1]}


def test_fixed_input():
    result = fan_out(CHANNELS, make_input())
    sizes = {name: (len(ids), ids[:2], ids[-1]) for name, ids in result.items()}
    assert sizes == {
        "releases": (20000, [0, 2], 39998),
        "incidents": (15000, [1, 4], 44998),
        "billing": (12500, [2, 6], 49998),
        "security": (27499, [3, 5], 54999),
        "newsletter": (19999, [4, 7], 59998),
    }
