"""Realized savings: the improvement the detector finds after a proposal's fix is deployed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from efficiency.report.costs import CostModel
from efficiency.stages.savings import frame_key, realize_savings
from efficiency.store.db import Database
from efficiency.store.incidents import Detection
from efficiency.store.remediation import Hotspot, Proposal, Saving

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def seed(db: Database) -> int:
    with db.session() as s:
        s.add(Hotspot(id="hs1", service="api", frame="parse (/srv/api/app/parse.py:12)",
                      runtime="python", period_start=T0 - timedelta(days=1), period_end=T0,
                      share_self=0.3, cost_cores=1.2, playbooks=["hoist-re-compile"],
                      evidence={}, updated_at=T0))  # fmt: skip
        proposal = Proposal(hotspot_id="hs1", playbook="hoist-re-compile", repo="/r",
                            branch="efficiency/hoist-re-compile/hs1", estimated_savings_cores=0.4,
                            created_at=T0, updated_at=T0)  # fmt: skip
        s.add(proposal)
        s.flush()
        return proposal.id


def detection(db: Database, key: str, kind: str, function: str, onset: datetime,
              cores: float) -> None:  # fmt: skip
    with db.session() as s:
        s.add(Detection(key=key, kind=kind, service="api", function=function, onset_at=onset,
                        detected_at=onset, detector="share-regression", magnitude_rel=-0.5,
                        magnitude_cores=cores))  # fmt: skip


def test_the_improvement_after_the_proposal_is_its_realized_saving(db: Database) -> None:
    proposal_id = seed(db)
    # before the proposal, another function, a regression: none of them count
    detection(db, "early", "improvement", "parse (parse.py)", T0 - timedelta(hours=1), -1.0)
    detection(db, "other", "improvement", "render (parse.py)", T0 + timedelta(hours=1), -0.9)
    detection(db, "worse", "regression", "parse (parse.py)", T0 + timedelta(hours=1), 0.2)
    costs = CostModel(dollars_per_core_hour=0.05)
    with db.session() as s:
        assert realize_savings(s, costs, now=T0 + timedelta(hours=2)) == []
    detection(db, "fixed", "improvement", "parse (parse.py)", T0 + timedelta(hours=3), -0.35)
    with db.session() as s:
        assert realize_savings(s, costs, now=T0 + timedelta(hours=4)) == [proposal_id]
        assert realize_savings(s, costs, now=T0 + timedelta(hours=5)) == []  # once
    with db.session() as s:
        proposal = s.get_one(Proposal, proposal_id)
        (line,) = s.scalars(select(Saving).where(Saving.kind == "realized")).all()
        assert proposal.realized_savings_cores == 0.35
        assert line.cores == 0.35 and line.dollars == costs.monthly(cores=0.35)["dollars_per_month"]
        assert line.playbook == "hoist-re-compile" and line.service == "api"


def test_frames_and_detections_compare_by_function_and_file_name() -> None:
    assert frame_key("parse (/srv/api/app/parse.py:12)") == ("parse", "parse.py")
    assert frame_key("parse (parse.py)") == ("parse", "parse.py")
    assert frame_key("Router.match (app/routes.py:3)") == ("Router.match", "routes.py")
    assert frame_key("_int_malloc") == ("_int_malloc", "")
