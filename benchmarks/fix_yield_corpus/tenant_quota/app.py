"""Check API requests against each tenant's plan limits and add-ons."""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

PLANS: dict[str, dict] = {
    "free": {
        "limits": {"requests_per_min": 60, "storage_gb": 1, "seats": 3},
        "features": {"webhooks": False, "sso": False, "audit_log": False},
        "regions": ["eu-west"],
    },
    "team": {
        "limits": {"requests_per_min": 600, "storage_gb": 50, "seats": 25},
        "features": {"webhooks": True, "sso": False, "audit_log": True},
        "regions": ["eu-west", "us-east"],
    },
    "enterprise": {
        "limits": {"requests_per_min": 6000, "storage_gb": 2000, "seats": 1000},
        "features": {"webhooks": True, "sso": True, "audit_log": True},
        "regions": ["eu-west", "us-east", "ap-south", "us-west"],
    },
}
ADDON_BOOST = {"burst": ("requests_per_min", 2.0), "archive": ("storage_gb", 4.0)}


@dataclass
class Tenant:
    tenant_id: str
    plan: str
    addons: list[str] = field(default_factory=list)
    region: str = "eu-west"


@dataclass(frozen=True)
class Request:
    tenant_id: str
    feature: str
    rate: int  # requests in the current minute, including this one


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def plan_for(tenant: Tenant) -> dict:
    """The tenant's plan settings (unknown plans fall back to free)."""
    return copy.deepcopy(PLANS.get(tenant.plan, PLANS["free"]))


def rate_limit(tenant: Tenant) -> int:
    limit = plan_for(tenant)["limits"]["requests_per_min"]
    for addon in tenant.addons:
        key, factor = ADDON_BOOST.get(addon, ("", 1.0))
        if key == "requests_per_min":
            limit = int(limit * factor)
    return limit


def check(request: Request, tenants: dict[str, Tenant]) -> Decision:
    tenant = tenants.get(request.tenant_id)
    if tenant is None:
        return Decision(False, "unknown tenant")
    plan = plan_for(tenant)
    if tenant.region not in plan["regions"]:
        return Decision(False, f"region {tenant.region} not in plan")
    if request.feature != "api" and not plan["features"].get(request.feature, False):
        return Decision(False, f"feature {request.feature} not in plan")
    if request.rate > rate_limit(tenant):
        return Decision(False, "rate limited")
    return Decision(True, "ok")


def check_batch(requests: list[Request], tenants: dict[str, Tenant]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for request in requests:
        decision = check(request, tenants)
        counts[decision.reason] = counts.get(decision.reason, 0) + 1
    logger.debug("checked %d requests", len(requests))
    return counts
