from app import PolicyResolver
from workload import BASE, make_input


def test_plan_action_and_region():
    resolver = PolicyResolver(BASE)
    got = resolver.resolve({"plan": "pro", "action": "read", "region": "us"})
    assert got == {"allowed": True, "limit": 1000, "region": "us-east-1"}


def test_defaults_for_unknown_plan_and_region():
    got = PolicyResolver(BASE).resolve({"plan": "?", "action": "purge", "region": "mars"})
    assert got == {"allowed": False, "limit": 10, "region": "eu-west-1"}


def test_base_is_not_changed():
    before = repr(BASE)
    PolicyResolver(BASE).resolve_all(make_input())
    assert repr(BASE) == before


def test_fixed_input():
    got = PolicyResolver(BASE).resolve_all(make_input())
    assert len(got) == 1500
    assert sum(g["allowed"] for g in got) == 1200
    assert sum(g["limit"] for g in got) == 480000
