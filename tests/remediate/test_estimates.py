"""Estimates calibrated against verification: the median measured / assumed ratio of a
playbook's verified proposals scales its next estimate, the raw estimate kept beside it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from efficiency.config import Config
from efficiency.remediate.estimates import MIN_VERIFIED, calibrations, measured_saving
from efficiency.remediate.playbooks import Playbook, load_playbooks
from efficiency.remediate.proposals import list_proposals, propose
from efficiency.store.db import Database
from efficiency.store.remediation import Hotspot, Proposal
from tests.remediate.test_proposals import (
    HANDLERS,
    PYTHON_STACKS,
    T0,
    catalog,
    git,
    hotspot_with,
    profile,
)

PLAYBOOK = "python-re-compile-in-loop"  # assumes 80%


@pytest.fixture(scope="module")
def playbooks() -> list[Playbook]:
    return load_playbooks()


def verified(speedup: float, fraction: float = 0.8, **extra: object) -> dict:
    """A verification record as `propose --verify` stores it (three ABAB rounds or more)."""
    return {"estimated_cost": {"fraction": fraction, "priced_cores": 0.5,
                               "raw": {"fraction": fraction}},
            "tests_after": "pass", "speedup": speedup, "speedup_low": speedup * 0.9,
            "speedup_high": speedup * 1.1, **extra}  # fmt: skip


def store(db: Database, records: list[tuple[str, dict]]) -> None:
    """Proposals of another service, verified, as earlier runs left them."""
    with db.session() as s:
        for i, (playbook, record) in enumerate(records):
            spot = Hotspot(id=f"other{i}", service="other", frame=f"f{i} (o.py)",
                           runtime="python", period_start=T0,
                           period_end=T0 + timedelta(seconds=10), updated_at=T0)  # fmt: skip
            s.add(spot)
            s.flush()
            s.add(Proposal(hotspot_id=spot.id, playbook=playbook, repo="/r", branch=f"b{i}",
                           verification=record, created_at=T0, updated_at=T0))  # fmt: skip


def test_the_median_ratio_of_usable_verified_proposals(db: Database) -> None:
    store(db, [
        (PLAYBOOK, verified(2.0)),     # saved 50% of an assumed 80%: ratio 0.625
        (PLAYBOOK, verified(1.25)),    # 20%: 0.25
        (PLAYBOOK, verified(5.0)),     # 80%: 1.0
        (PLAYBOOK, verified(1.6)),     # 37.5%: 0.46875
        (PLAYBOOK, verified(0.8)),     # a slowdown saves nothing: 0.0
        (PLAYBOOK, verified(10.0, tests_after="fail")),  # broke the tests: not used
        ("python-struct-format", verified(2.0, fraction=0.3)),
        ("python-struct-format", verified(2.0, fraction=0.3)),
    ])  # fmt: skip
    with db.session() as s:
        found = calibrations(s)
    assert set(found) == {PLAYBOOK}  # struct-format: 2 < MIN_VERIFIED verified proposals
    assert MIN_VERIFIED == 3
    cal = found[PLAYBOOK]
    assert cal.proposals == 5 and cal.factor == pytest.approx(0.46875)


def test_no_interval_no_calibration(db: Database) -> None:
    few_rounds = {k: v for k, v in verified(3.0).items() if k not in ("speedup_low",
                                                                      "speedup_high")}  # fmt: skip
    store(db, [(PLAYBOOK, few_rounds), (PLAYBOOK, verified(2.0)), (PLAYBOOK, verified(2.0))])
    with db.session() as s:
        assert calibrations(s) == {}  # fewer than three rounds give no interval: 2 usable


def test_measured_saving_only_when_the_interval_excludes_one() -> None:
    faster = {**verified(2.0), "verdict": "faster: 2.00x (95% interval 1.80x to 2.20x)"}
    assert measured_saving(faster) == {"speedup": 2.0, "speedup_low": 1.8,
                                       "speedup_high": pytest.approx(2.2), "fraction": 0.5,
                                       "cores": 0.25}  # fmt: skip
    noise = {**verified(1.02), "verdict": "no measurable change: the interval covers 1.0"}
    assert measured_saving(noise) is None
    assert measured_saving({"verify": "skipped: no test_command"}) is None


def test_a_new_estimate_is_calibrated_and_keeps_the_raw_one(
    db: Database, tmp_path: Path, playbooks: list[Playbook]
) -> None:
    repo = tmp_path / "api"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "handlers.py").write_text(HANDLERS)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    store(db, [(PLAYBOOK, verified(2.0)), (PLAYBOOK, verified(1.25)), (PLAYBOOK, verified(5.0))])
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, PLAYBOOK)
    with db.session() as s:
        made = propose(s, spot["id"], repo, Config(), playbooks, catalog(), playbook_id=PLAYBOOK,
                       now=T0)  # fmt: skip
    est = made["estimated_savings"]
    assert est["raw"]["fraction"] == 0.8 and est["fraction"] == pytest.approx(0.5)
    assert est["calibration"] == {"factor": 0.625, "proposals": 3}
    assert est["cores"] == pytest.approx(est["raw"]["cores"] * 0.625, abs=1e-3)
    assert est["cores"] == pytest.approx(est["priced_cores"] * 0.5, abs=1e-3)
    assert "Calibrated against verification: the playbook assumes 80%" in made["pr_body"]
    assert made["measured_savings"] is None  # not verified: nothing measured, nothing claimed
    with db.session() as s:
        (listed,) = [p for p in list_proposals(s) if p["id"] == made["id"]]
    assert listed["estimated_savings"]["raw"]["cores"] == est["raw"]["cores"]
    assert listed["estimated_savings"]["cores"] == est["cores"]
