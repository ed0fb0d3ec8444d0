"""Veterinary drug dosing calculator.

Turns a prescribing order (patient, drug, optional target mg/kg) into a dispensable
dose: milligrams, millilitres rounded to the syringe graduation, and any clinical
warnings raised by the formulary (species limits, breed sensitivities, renal or
hepatic adjustments, contraindications and interactions with current medication).
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

SPECIES = ("canine", "feline", "equine", "bovine", "rabbit", "ferret")
SYRINGE_GRADUATIONS_ML = ((1.0, 0.01), (3.0, 0.1), (10.0, 0.2), (60.0, 1.0))


class DosingError(ValueError):
    """The order cannot be dosed at all (unknown drug, species not labelled...)."""


@dataclass(frozen=True)
class Patient:
    patient_id: str
    species: str
    weight_kg: float
    breed: str = ""
    age_years: float = 3.0
    conditions: frozenset[str] = frozenset()
    current_drugs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Order:
    order_id: str
    patient: Patient
    drug: str
    target_mg_per_kg: float | None = None


@dataclass
class DoseResult:
    order_id: str
    drug: str
    dose_mg: float
    volume_ml: float
    route: str
    frequency: str
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return any(w.startswith("REVIEW") for w in self.warnings)


def syringe_increment(volume_ml: float) -> float:
    """Smallest graduation on the smallest syringe that holds ``volume_ml``."""
    for capacity, step in SYRINGE_GRADUATIONS_ML:
        if volume_ml <= capacity:
            return step
    return SYRINGE_GRADUATIONS_ML[-1][1]


def round_to_graduation(volume_ml: float) -> float:
    step = syringe_increment(volume_ml)
    rounded = round(volume_ml / step) * step
    if rounded <= 0:
        rounded = step
    return round(rounded, 2)


def metabolic_weight(weight_kg: float) -> float:
    """Allometric scaling weight (kg^0.75) used for drugs dosed by metabolic size."""
    return weight_kg**0.75


def _species_entry(drug_entry: Mapping[str, Any], species: str) -> Mapping[str, Any]:
    try:
        return drug_entry["species"][species]
    except KeyError:
        raise DosingError(f"{drug_entry['name']} is not labelled for {species}") from None


def _base_dose_mg(
    entry: Mapping[str, Any], spec: Mapping[str, Any], patient: Patient, target: float | None
) -> tuple[float, list[str]]:
    warnings: list[str] = []
    low, high = spec["mg_per_kg"]
    mg_per_kg = spec.get("default_mg_per_kg", (low + high) / 2) if target is None else target
    if mg_per_kg < low:
        warnings.append(f"REVIEW {mg_per_kg:g} mg/kg below labelled range {low:g}-{high:g}")
    elif mg_per_kg > high:
        warnings.append(f"REVIEW {mg_per_kg:g} mg/kg above labelled range {low:g}-{high:g}")
    basis = metabolic_weight(patient.weight_kg) if entry["scaling"] == "metabolic" else None
    dose = mg_per_kg * (basis if basis is not None else patient.weight_kg)
    return dose, warnings


def _apply_adjustments(
    entry: Mapping[str, Any], spec: Mapping[str, Any], patient: Patient, dose_mg: float
) -> tuple[float, list[str]]:
    warnings: list[str] = []
    for condition, factor in entry["adjustments"].items():
        if condition in patient.conditions:
            dose_mg *= factor
            warnings.append(f"dose x{factor:g} for {condition}")
    if patient.age_years >= spec.get("geriatric_age", math.inf):
        dose_mg *= entry.get("geriatric_factor", 1.0)
        warnings.append("geriatric patient: consider lower end of range")
    cap = spec.get("max_dose_mg")
    if cap is not None and dose_mg > cap:
        warnings.append(f"capped at {cap:g} mg absolute maximum")
        dose_mg = float(cap)
    return dose_mg, warnings


def _safety_flags(entry: Mapping[str, Any], patient: Patient) -> list[str]:
    flags: list[str] = []
    breed = patient.breed.lower()
    for sensitive in entry["breed_sensitivities"]:
        if sensitive["breed"] in breed:
            flags.append(f"REVIEW {sensitive['note']} ({patient.breed})")
    for condition in entry["contraindications"]:
        if condition in patient.conditions:
            flags.append(f"REVIEW contraindicated with {condition}")
    for other in entry["interactions"]:
        if other["drug"] in patient.current_drugs:
            flags.append(f"interaction with {other['drug']}: {other['effect']}")
    return flags


class DoseCalculator:
    """Computes doses against a formulary of drug monographs."""

    def __init__(self, formulary: Mapping[str, Mapping[str, Any]]) -> None:
        self._formulary = {name.lower(): dict(entry) for name, entry in formulary.items()}

    def drugs(self) -> list[str]:
        return sorted(self._formulary)

    def dose(self, order: Order) -> DoseResult:
        formulary = copy.deepcopy(self._formulary)
        entry = formulary.get(order.drug.lower())
        if entry is None:
            raise DosingError(f"{order.drug} is not in the formulary")
        patient = order.patient
        if patient.weight_kg <= 0:
            raise DosingError(f"invalid weight {patient.weight_kg} for {patient.patient_id}")
        spec = _species_entry(entry, patient.species)

        dose_mg, warnings = _base_dose_mg(entry, spec, patient, order.target_mg_per_kg)
        dose_mg, adjust_notes = _apply_adjustments(entry, spec, patient, dose_mg)
        warnings.extend(adjust_notes)
        warnings.extend(_safety_flags(entry, patient))

        volume = round_to_graduation(dose_mg / entry["concentration_mg_per_ml"])
        dispensed_mg = round(volume * entry["concentration_mg_per_ml"], 3)
        return DoseResult(
            order_id=order.order_id,
            drug=entry["name"],
            dose_mg=dispensed_mg,
            volume_ml=volume,
            route=spec.get("route", entry["route"]),
            frequency=spec.get("frequency", entry["frequency"]),
            warnings=warnings,
        )

    def dose_many(self, orders: Iterable[Order]) -> tuple[list[DoseResult], list[str]]:
        results: list[DoseResult] = []
        rejected: list[str] = []
        for order in orders:
            try:
                results.append(self.dose(order))
            except DosingError as exc:
                log.debug("order %s rejected: %s", order.order_id, exc)
                rejected.append(order.order_id)
        return results, rejected


def ward_summary(results: Iterable[DoseResult]) -> dict[str, Any]:
    """Totals the pharmacy needs to prepare the ward round."""
    by_drug: dict[str, float] = {}
    review = 0
    count = 0
    for result in results:
        count += 1
        by_drug[result.drug] = round(by_drug.get(result.drug, 0.0) + result.volume_ml, 2)
        if result.needs_review:
            review += 1
    return {"orders": count, "needs_review": review, "volume_ml_by_drug": by_drug}


def build_formulary(drug_names: Iterable[str], seed_values: Iterable[float]) -> dict[str, Any]:
    """Assemble monographs from a list of drug names and a stream of scalar parameters."""
    values = iter(seed_values)

    def nxt() -> float:
        return next(values)

    formulary: dict[str, Any] = {}
    names = list(drug_names)
    for idx, name in enumerate(names):
        species: dict[str, Any] = {}
        for s_idx, sp in enumerate(SPECIES):
            if (idx + s_idx) % 7 == 6:
                continue  # not labelled for this species
            low = round(0.1 + nxt() * 10, 2)
            high = round(low * (1.5 + nxt() * 2), 2)
            species[sp] = {
                "mg_per_kg": (low, high),
                "default_mg_per_kg": round((low + high) / 2, 2),
                "max_dose_mg": round(high * (40 + nxt() * 400), 1),
                "route": ("PO", "IV", "IM", "SC")[(idx + s_idx) % 4],
                "frequency": ("SID", "BID", "TID", "q8h")[(idx * s_idx) % 4],
                "geriatric_age": 8 + (idx + s_idx) % 6,
                "withdrawal_days": {"meat": (idx + s_idx) % 30, "milk": (idx * 3 + s_idx) % 7},
                "reference_sources": [f"BSAVA-{idx}-{s_idx}", f"Plumb-{idx}"],
            }
        formulary[name] = {
            "name": name,
            "concentration_mg_per_ml": round(1 + nxt() * 99, 1),
            "route": "PO",
            "frequency": "BID",
            "scaling": "metabolic" if idx % 5 == 0 else "linear",
            "species": species,
            "adjustments": {"renal": round(0.5 + nxt() * 0.3, 2), "hepatic": 0.75},
            "geriatric_factor": 0.85,
            "contraindications": ["pregnancy", "seizures"] if idx % 3 == 0 else ["dehydration"],
            "breed_sensitivities": (
                [
                    {"breed": "collie", "note": "MDR1 sensitivity"},
                    {"breed": "sheltie", "note": "MDR1 sensitivity"},
                    {"breed": "australian shepherd", "note": "MDR1 sensitivity"},
                ]
                if idx % 4 == 0
                else [{"breed": "greyhound", "note": "low body fat, prolonged recovery"}]
            ),
            "interactions": [
                {"drug": names[(idx + k) % len(names)], "effect": "additive sedation"}
                for k in (1, 3, 7)
            ],
        }
    return formulary
