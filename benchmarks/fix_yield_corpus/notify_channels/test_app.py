from app import CHANNEL_SETTINGS, channel_settings, route
from workload import make_input


def test_known_channel_and_closest_delay():
    got = route([{"id": 7, "channel": "sms", "retry_after": 70}])
    assert got == [(7, "sms", 60, 1, ["urgent"])]


def test_unknown_channel_falls_back():
    got = route([{"id": 1, "channel": "fax", "retry_after": 9999}])
    assert got == [(1, "email", 1800, 3, ["bulk", "html"])]


def test_settings_are_not_changed():
    before = repr(CHANNEL_SETTINGS)
    routed = route(make_input())
    routed[0][4].append("changed by the caller")
    assert repr(CHANNEL_SETTINGS) == before


def test_a_caller_may_change_its_own_copy():
    mine = channel_settings()
    mine["channels"]["sms"]["priority"] = 9
    assert CHANNEL_SETTINGS["channels"]["sms"]["priority"] == 1


def test_fixed_input():
    got = route(make_input())
    assert len(got) == 800
    assert sum(g[2] for g in got) == 785680
    assert sum(g[3] for g in got) == 1760
    assert sum(g[1] == "email" for g in got) == 320
