from __future__ import annotations

import pytest
from app import (
    FilterThresholds,
    GeneIndex,
    GeneInterval,
    HardFilter,
    VariantCall,
    parse_artifact_lines,
    summarize,
)


@pytest.fixture
def hard_filter() -> HardFilter:
    sites = parse_artifact_lines(["# header", "chr1\t500\tA\tG", "", "chr2\t900\tac\tA"])
    genes = GeneIndex(
        [GeneInterval("chr1", 100, 1000, "BRCA9"), GeneInterval("chr1", 2000, 3000, "TP99")]
    )
    return HardFilter(FilterThresholds(), sites, genes)


def good(chrom="chr1", pos=700, ref="C", alt="T", **kw) -> VariantCall:
    base = dict(qual=60.0, depth=100, alt_reads=40, strand_bias=0.1)
    base.update(kw)
    return VariantCall(chrom, pos, ref, alt, **base)


def test_parse_artifacts_normalises_and_skips_bad_lines():
    sites = parse_artifact_lines(["chr3\t10\tc\tt", "bad line", "# c"])
    assert sites == ["chr3:10:C>T"]


def test_clean_call_passes_with_gene(hard_filter):
    result = hard_filter.apply(good())
    assert result.status == "PASS"
    assert result.reasons == []
    assert result.gene == "BRCA9"


def test_panel_of_normals_site_is_filtered(hard_filter):
    result = hard_filter.apply(good(pos=500, ref="A", alt="G"))
    assert result.status == "FILTERED"
    assert result.reasons == ["PanelOfNormals"]


def test_same_position_different_allele_not_artifact(hard_filter):
    assert hard_filter.apply(good(pos=500, ref="A", alt="T")).status == "PASS"


def test_indel_uses_stricter_quality(hard_filter):
    result = hard_filter.apply(good(pos=2500, ref="AC", alt="A", qual=40.0))
    assert result.status == "FILTERED"
    assert "LowQual" in result.reasons
    assert result.call.kind == "DEL"


def test_multiple_reasons_in_order(hard_filter):
    result = hard_filter.apply(good(depth=10, alt_reads=0, strand_bias=0.95))
    assert result.reasons == ["LowDepth", "LowVAF", "StrandBias"]


def test_malformed_call_reported(hard_filter):
    result = hard_filter.apply(good(alt_reads=200))
    assert result.status == "MALFORMED"
    assert "more alt reads" in result.reasons[0]


def test_gene_lookup_outside_intervals():
    genes = GeneIndex([GeneInterval("chr1", 100, 200, "X")])
    assert genes.gene_at("chr1", 250) is None
    assert genes.gene_at("chr1", 50) is None
    assert genes.gene_at("chr5", 150) is None
    assert genes.gene_at("chr1", 200) == "X"


def test_summary_counts(hard_filter):
    results = hard_filter.run([good(), good(pos=500, ref="A", alt="G"), good(pos=0)])
    summary = summarize(results)
    assert summary["total"] == 3
    assert summary["status"] == {"PASS": 1, "FILTERED": 1, "MALFORMED": 1}
    assert summary["reasons"] == {"PanelOfNormals": 1}
    assert summary["top_genes"] == [("BRCA9", 1)]
