from __future__ import annotations

from app import PLANS, Request, Tenant, check, check_batch, plan_for, rate_limit

TENANTS = {
    "acme": Tenant("acme", "team", ["burst"], "us-east"),
    "blip": Tenant("blip", "free"),
    "corp": Tenant("corp", "enterprise", ["archive"], "ap-south"),
    "odd": Tenant("odd", "legacy-gold"),
}


def test_unknown_plan_falls_back_to_free() -> None:
    assert plan_for(TENANTS["odd"]) == PLANS["free"]


def test_plan_settings_are_not_changed_by_checks() -> None:
    before = repr(PLANS)
    check_batch([Request("acme", "sso", 1), Request("corp", "api", 7000)], TENANTS)
    assert repr(PLANS) == before


def test_rate_limit_with_addons() -> None:
    assert rate_limit(TENANTS["acme"]) == 1200
    assert rate_limit(TENANTS["blip"]) == 60
    assert rate_limit(TENANTS["corp"]) == 6000


def test_decisions() -> None:
    assert check(Request("nobody", "api", 1), TENANTS).reason == "unknown tenant"
    assert check(Request("blip", "webhooks", 1), TENANTS).reason == "feature webhooks not in plan"
    assert check(Request("acme", "webhooks", 1200), TENANTS).allowed
    assert check(Request("acme", "api", 1201), TENANTS).reason == "rate limited"
    assert check(Request("corp", "sso", 5), TENANTS).allowed


def test_region_outside_plan() -> None:
    tenants = {"far": Tenant("far", "team", region="ap-south")}
    assert check(Request("far", "api", 1), tenants).reason == "region ap-south not in plan"


def test_check_batch_counts_reasons() -> None:
    reqs = [Request("blip", "api", 10), Request("blip", "api", 61), Request("x", "api", 1)]
    assert check_batch(reqs, TENANTS) == {"ok": 1, "rate limited": 1, "unknown tenant": 1}
