"""Audit-log filter: drop the events of service accounts and of noisy actions before they
reach the security team's queue."""

from __future__ import annotations

from collections.abc import Iterable


def filter_events(lines: Iterable[str]) -> list[tuple[str, str, str]]:
    """``user,action,resource`` lines to ``(user, action, resource)``, without service
    accounts' events and without the noisy actions."""
    service_accounts = [
        "svc-backup", "svc-deploy", "svc-monitor", "svc-ci", "svc-billing", "svc-search",
        "svc-mailer", "svc-cron", "svc-etl", "svc-metrics", "svc-proxy", "svc-cache",
        "svc-auth", "svc-gateway", "svc-reports", "svc-indexer", "svc-archiver", "svc-sync",
        "svc-webhooks", "svc-scanner", "svc-thumbs", "svc-geo", "svc-ledger", "svc-notify",
    ]  # fmt: skip
    noisy = ["heartbeat", "list", "stat", "head", "ping", "describe"]
    kept = []
    for line in lines:
        user, action, resource = line.rstrip("\n").split(",", 2)
        if user in service_accounts or action in noisy:
            continue
        kept.append((user, action, resource))
    return kept
