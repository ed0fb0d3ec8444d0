"""Annotate per-sample variant calls against a curated pathogenic-variant panel."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Call:
    sample: str
    chrom: str
    pos: int
    rsid: str
    ref: str
    alt: str
    genotype: str  # "0/1", "1/1", "0/0", "./."
    depth: int
    qual: float


@dataclass(frozen=True)
class Gene:
    symbol: str
    chrom: str
    start: int
    end: int


def load_panel(lines: list[str]) -> list[str]:
    """Panel export: one 'rsID<TAB>significance' row per line, '#' comments allowed."""
    panel = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rsid, significance = line.split("\t")[:2]
        if significance in ("pathogenic", "likely_pathogenic"):
            panel.append(rsid)
    return panel


def build_gene_index(
    genes: list[Gene], bin_size: int = 100_000
) -> dict[tuple[str, int], list[Gene]]:
    index: dict[tuple[str, int], list[Gene]] = defaultdict(list)
    for gene in genes:
        for b in range(gene.start // bin_size, gene.end // bin_size + 1):
            index[(gene.chrom, b)].append(gene)
    return index


def gene_at(index: dict, chrom: str, pos: int, bin_size: int = 100_000) -> str:
    for gene in index.get((chrom, pos // bin_size), ()):
        if gene.start <= pos <= gene.end:
            return gene.symbol
    return "intergenic"


def passes_filters(call: Call, min_depth: int = 10, min_qual: float = 30.0) -> bool:
    return call.genotype not in ("0/0", "./.") and call.depth >= min_depth and call.qual >= min_qual


class Annotator:
    def __init__(self, panel_lines: list[str], genes: list[Gene]) -> None:
        self.pathogenic = load_panel(panel_lines)
        self.gene_index = build_gene_index(genes)

    def annotate(self, call: Call) -> dict:
        zygosity = "hom" if call.genotype == "1/1" else "het"
        return {
            "sample": call.sample,
            "variant": f"{call.chrom}:{call.pos}{call.ref}>{call.alt}",
            "rsid": call.rsid,
            "gene": gene_at(self.gene_index, call.chrom, call.pos),
            "zygosity": zygosity,
            "flag": call.rsid in self.pathogenic,
        }

    def report(self, calls: list[Call]) -> dict[str, dict]:
        """Per-sample summary: counts of passing calls, flagged findings and affected genes."""
        samples: dict[str, dict] = {}
        for call in calls:
            entry = samples.setdefault(
                call.sample, {"passing": 0, "filtered": 0, "findings": [], "genes": set()}
            )
            if not passes_filters(call):
                entry["filtered"] += 1
                continue
            entry["passing"] += 1
            ann = self.annotate(call)
            if ann["flag"]:
                entry["findings"].append(f"{ann['gene']} {ann['rsid']} ({ann['zygosity']})")
                entry["genes"].add(ann["gene"])
        for entry in samples.values():
            entry["findings"].sort()
            entry["genes"] = sorted(entry["genes"])
        return dict(sorted(samples.items()))
