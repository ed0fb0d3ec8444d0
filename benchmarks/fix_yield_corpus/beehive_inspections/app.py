"""Apiary inspection grading.

Beekeepers fill in an inspection sheet per hive visit: queen status, temperament, an
alcohol-wash mite count and a frame tally per box.  ``ApiaryGrader`` turns each sheet
into a colony health score, a letter grade and a short list of follow-up actions, and
rolls the grades up per bee yard for the season report.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field

log = logging.getLogger("apiary.inspections")

TEMPERAMENT_SCORES = {"calm": 1.0, "nervous": 0.75, "runny": 0.6, "defensive": 0.35}
QUEEN_SCORES = {"seen": 1.0, "eggs_only": 0.9, "cells": 0.55, "missing": 0.2}
MITE_TREATMENT_THRESHOLD = 3.0  # mites per 100 bees, alcohol wash
FRAMES_PER_BOX = 10
GRADE_CUTOFFS = ((85.0, "A"), (70.0, "B"), (55.0, "C"), (40.0, "D"))


class InspectionError(ValueError):
    """Raised for an inspection sheet that cannot be graded."""


@dataclass(frozen=True)
class BoxTally:
    box: int
    brood: int
    honey: int
    pollen: int
    empty: int

    @property
    def frames(self) -> int:
        return self.brood + self.honey + self.pollen + self.empty


@dataclass
class Inspection:
    hive_id: str
    yard: str
    day: int
    queen: str
    temperament: str
    mite_wash: float
    boxes: list[BoxTally]
    notes: list[str] = field(default_factory=list)


@dataclass
class HiveGrade:
    hive_id: str
    yard: str
    day: int
    score: float
    grade: str
    actions: list[str]


def validate(insp: Inspection) -> None:
    if insp.queen not in QUEEN_SCORES:
        raise InspectionError(f"{insp.hive_id}: unknown queen status {insp.queen!r}")
    if insp.temperament not in TEMPERAMENT_SCORES:
        raise InspectionError(f"{insp.hive_id}: unknown temperament {insp.temperament!r}")
    if insp.mite_wash < 0:
        raise InspectionError(f"{insp.hive_id}: negative mite count")
    if not insp.boxes:
        raise InspectionError(f"{insp.hive_id}: no boxes tallied")
    for box in insp.boxes:
        if min(box.brood, box.honey, box.pollen, box.empty) < 0:
            raise InspectionError(f"{insp.hive_id}: negative frame count in box {box.box}")
        if box.frames > FRAMES_PER_BOX:
            raise InspectionError(f"{insp.hive_id}: box {box.box} has {box.frames} frames")


def frame_totals(boxes: list[BoxTally]) -> dict[str, int]:
    totals = {"brood": 0, "honey": 0, "pollen": 0, "empty": 0}
    for box in boxes:
        totals["brood"] += box.brood
        totals["honey"] += box.honey
        totals["pollen"] += box.pollen
        totals["empty"] += box.empty
    return totals


def letter_grade(score: float) -> str:
    for cutoff, grade in GRADE_CUTOFFS:
        if score >= cutoff:
            return grade
    return "F"


class ApiaryGrader:
    def __init__(self, weights: dict[str, float] | None = None) -> None:
        self.weights = weights or {"queen": 30.0, "brood": 25.0, "stores": 20.0, "mites": 25.0}
        self._last_seen: dict[str, Inspection] = {}

    def grade(self, insp: Inspection) -> HiveGrade:
        validate(insp)
        totals = frame_totals(insp.boxes)
        capacity = FRAMES_PER_BOX * len(insp.boxes)
        log.debug("hive %s frame totals %s", insp.hive_id, json.dumps(totals, sort_keys=True))

        brood_ratio = min(1.0, totals["brood"] / max(1, capacity * 0.5))
        stores_ratio = min(1.0, (totals["honey"] + 0.5 * totals["pollen"]) / max(1, capacity * 0.4))
        mite_ratio = max(0.0, 1.0 - insp.mite_wash / (2 * MITE_TREATMENT_THRESHOLD))
        components = {
            "queen": self.weights["queen"] * QUEEN_SCORES[insp.queen],
            "brood": self.weights["brood"] * brood_ratio,
            "stores": self.weights["stores"] * stores_ratio,
            "mites": self.weights["mites"] * mite_ratio,
        }
        score = sum(components.values()) * TEMPERAMENT_SCORES[insp.temperament] ** 0.25
        log.debug(
            "hive %s day %d components %s from sheet %s",
            insp.hive_id,
            insp.day,
            json.dumps(components, sort_keys=True),
            json.dumps(asdict(insp), sort_keys=True),
        )

        actions = self._actions(insp, totals, capacity)
        self._last_seen[insp.hive_id] = insp
        return HiveGrade(
            insp.hive_id, insp.yard, insp.day, round(score, 2), letter_grade(score), actions
        )

    def _actions(self, insp: Inspection, totals: dict[str, int], capacity: int) -> list[str]:
        actions = []
        if insp.mite_wash >= MITE_TREATMENT_THRESHOLD:
            actions.append("treat for varroa")
        if insp.queen in ("missing", "cells"):
            actions.append("requeen" if insp.queen == "missing" else "check for virgin queen")
        if totals["empty"] <= 1 and totals["brood"] + totals["honey"] >= capacity - 2:
            actions.append("add super")
        if totals["honey"] < 2:
            actions.append("feed syrup")
        previous = self._last_seen.get(insp.hive_id)
        if previous is not None and previous.day < insp.day:
            before = frame_totals(previous.boxes)["brood"]
            if before >= 4 and totals["brood"] < before / 2:
                actions.append("investigate brood collapse")
        if insp.temperament == "defensive":
            actions.append("consider requeening for temperament")
        return actions

    def grade_season(self, inspections: list[Inspection]) -> list[HiveGrade]:
        grades = []
        for insp in sorted(inspections, key=lambda i: (i.day, i.hive_id)):
            try:
                grades.append(self.grade(insp))
            except InspectionError as exc:
                log.warning("skipping sheet: %s", exc)
        return grades


def yard_report(grades: list[HiveGrade]) -> dict[str, dict[str, float]]:
    latest: dict[str, HiveGrade] = {}
    for g in grades:
        if g.hive_id not in latest or latest[g.hive_id].day <= g.day:
            latest[g.hive_id] = g
    by_yard: dict[str, list[HiveGrade]] = defaultdict(list)
    for g in latest.values():
        by_yard[g.yard].append(g)
    report = {}
    for yard, hives in sorted(by_yard.items()):
        report[yard] = {
            "hives": len(hives),
            "mean_score": round(sum(h.score for h in hives) / len(hives), 2),
            "needs_treatment": sum("treat for varroa" in h.actions for h in hives),
            "failing": sum(h.grade == "F" for h in hives),
        }
    return report
