"""The remediate stage: `efficiency remediate` for every service with a repository.

The daemon runs it every ``remediate.interval_seconds`` (0 = never) over the profiles of the
last interval, for each service of the services file whose ``repo`` is a local git checkout
(a remote URL cannot be branched here and is skipped with a reason). Each service runs in its
own transaction, at most ``remediate.max_proposals`` new proposals each; proposals already
made are not made again. It does not run ``--verify`` (that runs the service's tests and
benchmark: do it with `efficiency propose --verify` on the proposals worth it).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from efficiency.config import Config
from efficiency.remediate.engine import remediate
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.playbooks import Playbook, load_playbooks
from efficiency.services import ServicesCatalog
from efficiency.store.db import Database

log = logging.getLogger(__name__)


def remediate_services(
    database: Database,
    config: Config,
    catalog: ServicesCatalog | None,
    playbooks: list[Playbook] | None = None,
    *,
    since: datetime | None = None,
    now: datetime | None = None,
) -> dict[str, dict[str, Any]]:
    """Per service with a repo: its remediate report, or ``{"skipped": reason}``. The period
    is ``[since, now)`` (default: all of each service's data)."""
    if catalog is None:
        return {}
    books = load_playbooks() if playbooks is None else playbooks
    now = now or datetime.now(UTC)
    out: dict[str, dict[str, Any]] = {}
    for name, service in sorted(catalog.services.items()):
        if not service.repo:
            continue
        if not Path(service.repo).is_dir():
            out[name] = {"skipped": f"repo {service.repo} is not a local directory"}
            continue
        try:
            with database.session() as s:
                out[name] = remediate(
                    s, name, Path(service.repo), config, books, catalog, start=since, end=now,
                    max_proposals=config.remediate.max_proposals, now=now,
                )  # fmt: skip
        except ProposalError as exc:
            out[name] = {"skipped": str(exc)}
            continue
        if out[name]["proposals"]:
            log.info("remediate %s: %d new proposal(s)", name, out[name]["proposals"])
    return out


def last_interval(config: Config, now: datetime) -> datetime:
    """The start of the period the daemon remediates: one interval back."""
    return now - timedelta(seconds=config.remediate.interval_seconds)
