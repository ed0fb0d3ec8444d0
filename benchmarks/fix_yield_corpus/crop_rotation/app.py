"""Audit multi-year crop rotation plans for a farm cooperative.

Planting the same botanical family on a field in consecutive seasons builds up
soil-borne disease, so agronomy flags those back-to-back pairs.  The audit
also credits legumes for the nitrogen they leave behind and reports a
per-field score the co-op uses to rank plans for cost-share payments.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

CROP_FAMILIES: dict[str, tuple[str, ...]] = {
    "solanaceae": ("tomato", "potato", "pepper", "eggplant", "tomatillo"),
    "brassicaceae": ("cabbage", "broccoli", "kale", "canola", "turnip", "radish", "mustard"),
    "fabaceae": ("soybean", "pea", "lentil", "alfalfa", "clover", "chickpea", "faba"),
    "poaceae": ("wheat", "barley", "oats", "rye", "corn", "sorghum", "millet"),
    "cucurbitaceae": ("cucumber", "squash", "pumpkin", "melon", "zucchini"),
    "amaranthaceae": ("beet", "spinach", "chard", "quinoa", "sugarbeet"),
    "apiaceae": ("carrot", "parsnip", "celery", "dill"),
    "alliaceae": ("onion", "garlic", "leek", "shallot"),
}

# Families whose residue carries over nitrogen credit (kg N / ha).
NITROGEN_CREDIT = {"fabaceae": 45.0}
CONFLICT_PENALTY = 3.0
FALLOW = "fallow"


@dataclass(frozen=True)
class FieldPlan:
    field_id: str
    hectares: float
    seasons: tuple[str, ...]


@dataclass(frozen=True)
class FieldAudit:
    field_id: str
    conflicts: tuple[tuple[int, str, str], ...]
    nitrogen_kg: float
    score: float

    @property
    def is_compliant(self) -> bool:
        return not self.conflicts


class RotationAuditor:
    def __init__(self, families: dict[str, tuple[str, ...]] | None = None) -> None:
        self._families = families if families is not None else CROP_FAMILIES
        self._family_of = {c: fam for fam, crops in self._families.items() for c in crops}

    @property
    def known_crops(self) -> list[str]:
        return sorted(self._family_of)

    @property
    def same_family_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for crops in self._families.values():
            for a in crops:
                for b in crops:
                    pairs.append((a, b))
        return pairs

    def family(self, crop: str) -> str | None:
        return self._family_of.get(crop)

    def _nitrogen(self, crop: str, hectares: float) -> float:
        return NITROGEN_CREDIT.get(self.family(crop) or "", 0.0) * hectares

    def audit_field(self, plan: FieldPlan, banned: list[tuple[str, str]]) -> FieldAudit:
        conflicts = []
        nitrogen = 0.0
        for season, (prev, crop) in enumerate(pairwise(plan.seasons), start=1):
            if crop == FALLOW or prev == FALLOW:
                continue
            if (prev, crop) in banned:
                conflicts.append((season, prev, crop))
            nitrogen += self._nitrogen(prev, plan.hectares)
        distinct = len({c for c in plan.seasons if c != FALLOW})
        score = distinct + nitrogen / 100.0 - CONFLICT_PENALTY * len(conflicts)
        return FieldAudit(plan.field_id, tuple(conflicts), round(nitrogen, 2), round(score, 3))

    def audit(self, plans: list[FieldPlan]) -> list[FieldAudit]:
        banned = self.same_family_pairs
        audits = [self.audit_field(p, banned) for p in plans]
        audits.sort(key=lambda a: (-a.score, a.field_id))
        return audits

    def summary(self, plans: list[FieldPlan]) -> dict[str, float]:
        audits = self.audit(plans)
        ok = sum(1 for a in audits if a.is_compliant)
        return {
            "fields": len(audits),
            "compliant": ok,
            "nitrogen_kg": round(sum(a.nitrogen_kg for a in audits), 2),
        }
