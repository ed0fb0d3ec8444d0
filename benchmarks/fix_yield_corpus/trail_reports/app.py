"""Tag hiker-submitted trail condition reports with hazards and build a per-trail digest."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

# hazard category -> phrases volunteers tend to use
HAZARD_TERMS: dict[str, list[str]] = {
    "blowdown": ["blowdown", "downed tree", "fallen tree", "deadfall", "log across"],
    "washout": ["washout", "washed out", "landslide", "rockfall", "eroded"],
    "snow": ["snow", "ice", "icy", "postholing", "cornice", "microspikes"],
    "water": ["high water", "ford", "creek crossing", "flooded", "bridge out"],
    "wildlife": ["bear", "cougar", "rattlesnake", "moose", "wasp nest"],
    "access": ["road closed", "gate closed", "trailhead closed", "parking full"],
    "brush": ["overgrown", "brushy", "nettles", "poison oak"],
}

SEVERITY_WORDS = {
    "impassable": 3,
    "dangerous": 3,
    "sketchy": 2,
    "difficult": 2,
    "minor": -1,
    "cleared": -2,
}
MILEPOST = re.compile(r"\b(?:mile|mi\.?|mp)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class Report:
    report_id: int
    trail: str
    date: str  # ISO yyyy-mm-dd
    text: str


def find_hazards(text: str) -> list[str]:
    """Categories whose phrases appear as whole words (plural 's' tolerated)."""
    found = []
    for category, phrases in HAZARD_TERMS.items():
        for phrase in phrases:
            pattern = r"\b" + re.escape(phrase).replace(r"\ ", r"\s+") + r"s?\b"
            if re.search(pattern, text, flags=re.IGNORECASE):
                found.append(category)
                break
    return found


def severity(text: str) -> int:
    words = Counter(w.strip(".,!?;:()").lower() for w in text.split())
    score = sum(weight * words[w] for w, weight in SEVERITY_WORDS.items())
    return max(0, min(5, 1 + score))


def mileposts(text: str) -> list[float]:
    return sorted({float(m) for m in MILEPOST.findall(text)})


def tag_report(report: Report) -> dict:
    hazards = find_hazards(report.text)
    return {
        "id": report.report_id,
        "trail": report.trail,
        "date": report.date,
        "hazards": hazards,
        "severity": severity(report.text) if hazards else 0,
        "mileposts": mileposts(report.text),
    }


def digest(reports: list[Report], since: str = "") -> dict[str, dict]:
    """Per trail: latest report date, hazard counts, worst severity, and mileposts mentioned."""
    trails: dict[str, dict] = defaultdict(
        lambda: {"reports": 0, "latest": "", "hazards": Counter(), "worst": 0, "mileposts": set()}
    )
    for report in reports:
        if report.date < since:
            continue
        tagged = tag_report(report)
        entry = trails[report.trail]
        entry["reports"] += 1
        entry["latest"] = max(entry["latest"], report.date)
        entry["hazards"].update(tagged["hazards"])
        entry["worst"] = max(entry["worst"], tagged["severity"])
        entry["mileposts"].update(tagged["mileposts"])
    return {
        name: {
            "reports": e["reports"],
            "latest": e["latest"],
            "hazards": dict(sorted(e["hazards"].items())),
            "worst": e["worst"],
            "mileposts": sorted(e["mileposts"]),
        }
        for name, e in sorted(trails.items())
    }
