"""Hard-filter small-variant calls before they reach the clinical review queue.

Calls arrive as parsed VCF-like records. Each call is checked against the lab's
hard-filter thresholds, against a panel-of-normals list of recurrent artifact
sites, and annotated with the overlapping gene from a sorted interval table.
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

VALID_BASES = frozenset("ACGTN")


class MalformedCall(ValueError):
    """Raised when a call record cannot be interpreted."""


@dataclass(frozen=True)
class VariantCall:
    chrom: str
    pos: int
    ref: str
    alt: str
    qual: float
    depth: int
    alt_reads: int
    strand_bias: float = 0.0

    @property
    def site_key(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}>{self.alt}"

    @property
    def vaf(self) -> float:
        return self.alt_reads / self.depth if self.depth else 0.0

    @property
    def kind(self) -> str:
        if len(self.ref) == len(self.alt) == 1:
            return "SNV"
        if len(self.ref) > len(self.alt):
            return "DEL"
        if len(self.ref) < len(self.alt):
            return "INS"
        return "MNV"


@dataclass(frozen=True)
class FilterThresholds:
    min_qual: float = 30.0
    min_depth: int = 20
    min_vaf: float = 0.05
    max_strand_bias: float = 0.9
    indel_min_qual: float = 50.0


@dataclass
class FilterResult:
    call: VariantCall
    status: str
    reasons: list[str] = field(default_factory=list)
    gene: str | None = None


@dataclass(frozen=True)
class GeneInterval:
    chrom: str
    start: int
    end: int
    name: str


class GeneIndex:
    """Per-chromosome sorted intervals; lookups by bisect on start positions."""

    def __init__(self, intervals: Iterable[GeneInterval]) -> None:
        by_chrom: dict[str, list[GeneInterval]] = {}
        for iv in intervals:
            if iv.end < iv.start:
                raise ValueError(f"interval {iv.name} ends before it starts")
            by_chrom.setdefault(iv.chrom, []).append(iv)
        self._starts: dict[str, list[int]] = {}
        self._intervals: dict[str, list[GeneInterval]] = {}
        for chrom, ivs in by_chrom.items():
            ivs.sort(key=lambda iv: iv.start)
            self._intervals[chrom] = ivs
            self._starts[chrom] = [iv.start for iv in ivs]

    def gene_at(self, chrom: str, pos: int) -> str | None:
        starts = self._starts.get(chrom)
        if not starts:
            return None
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0:
            return None
        iv = self._intervals[chrom][i]
        return iv.name if iv.start <= pos <= iv.end else None


def parse_artifact_lines(lines: Iterable[str]) -> list[str]:
    """Read the panel-of-normals export: ``chrom<TAB>pos<TAB>ref<TAB>alt`` per line."""
    sites: list[str] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            log.warning("artifact list line %d has %d fields, skipped", lineno, len(parts))
            continue
        chrom, pos, ref, alt = parts
        sites.append(f"{chrom}:{int(pos)}:{ref.upper()}>{alt.upper()}")
    return sites


def validate_call(call: VariantCall) -> None:
    if call.pos <= 0:
        raise MalformedCall(f"{call.chrom}:{call.pos} has a non-positive position")
    if not call.ref or not call.alt:
        raise MalformedCall(f"{call.chrom}:{call.pos} has an empty allele")
    if not set(call.ref) <= VALID_BASES or not set(call.alt) <= VALID_BASES:
        raise MalformedCall(f"{call.chrom}:{call.pos} has non-nucleotide alleles")
    if call.alt_reads > call.depth:
        raise MalformedCall(f"{call.chrom}:{call.pos} has more alt reads than depth")


class HardFilter:
    def __init__(
        self,
        thresholds: FilterThresholds,
        artifact_sites: Sequence[str],
        genes: GeneIndex,
    ) -> None:
        self.thresholds = thresholds
        self.artifact_sites = artifact_sites
        self.genes = genes

    def _reasons(self, call: VariantCall) -> list[str]:
        t = self.thresholds
        reasons = []
        min_qual = t.min_qual if call.kind == "SNV" else t.indel_min_qual
        if call.qual < min_qual:
            reasons.append("LowQual")
        if call.depth < t.min_depth:
            reasons.append("LowDepth")
        if call.vaf < t.min_vaf:
            reasons.append("LowVAF")
        if call.strand_bias > t.max_strand_bias:
            reasons.append("StrandBias")
        if call.site_key in self.artifact_sites:
            reasons.append("PanelOfNormals")
        return reasons

    def apply(self, call: VariantCall) -> FilterResult:
        try:
            validate_call(call)
        except MalformedCall as exc:
            log.debug("rejecting malformed call: %s", exc)
            return FilterResult(call, "MALFORMED", [str(exc)])
        reasons = self._reasons(call)
        status = "PASS" if not reasons else "FILTERED"
        return FilterResult(call, status, reasons, self.genes.gene_at(call.chrom, call.pos))

    def run(self, calls: Iterable[VariantCall]) -> list[FilterResult]:
        return [self.apply(c) for c in calls]


def summarize(results: Sequence[FilterResult]) -> dict[str, object]:
    statuses = Counter(r.status for r in results)
    reasons = Counter(reason for r in results if r.status == "FILTERED" for reason in r.reasons)
    genes = Counter(r.gene for r in results if r.status == "PASS" and r.gene)
    return {
        "total": len(results),
        "status": dict(statuses),
        "reasons": dict(reasons),
        "top_genes": genes.most_common(5),
    }
