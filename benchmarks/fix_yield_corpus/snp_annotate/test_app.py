from app import Annotator, Call, Gene, build_gene_index, gene_at, load_panel, passes_filters
from workload import make_input, run

PANEL = [
    "#rsid\tclinical_significance",
    "rs100\tpathogenic",
    "rs200\tbenign",
    "",
    "rs300\tlikely_pathogenic\textra",
    "rs400\tuncertain",
]
GENES = [Gene("BRCA1", "17", 43_044_295, 43_125_483), Gene("TP53", "17", 7_661_779, 7_687_550)]


def _call(sample, rsid, pos, gt="0/1", depth=30, qual=50.0, chrom="17"):
    return Call(sample, chrom, pos, rsid, "A", "G", gt, depth, qual)


def test_load_panel_keeps_pathogenic_only():
    assert load_panel(PANEL) == ["rs100", "rs300"]


def test_gene_lookup_across_bins():
    index = build_gene_index(GENES)
    assert gene_at(index, "17", 43_100_000) == "BRCA1"
    assert gene_at(index, "17", 43_044_295) == "BRCA1"
    assert gene_at(index, "17", 7_670_000) == "TP53"
    assert gene_at(index, "17", 10_000_000) == "intergenic"
    assert gene_at(index, "13", 43_100_000) == "intergenic"


def test_passes_filters():
    assert passes_filters(_call("s", "rs1", 1))
    assert not passes_filters(_call("s", "rs1", 1, gt="0/0"))
    assert not passes_filters(_call("s", "rs1", 1, gt="./."))
    assert not passes_filters(_call("s", "rs1", 1, depth=9))
    assert not passes_filters(_call("s", "rs1", 1, qual=29.9))


def test_annotate_record():
    ann = Annotator(PANEL, GENES)
    assert ann.annotate(_call("S1", "rs300", 7_670_000, gt="1/1")) == {
        "sample": "S1",
        "variant": "17:7670000A>G",
        "rsid": "rs300",
        "gene": "TP53",
        "zygosity": "hom",
        "flag": True,
    }
    assert ann.annotate(_call("S1", "rs200", 5))["flag"] is False


def test_report_small():
    ann = Annotator(PANEL, GENES)
    calls = [
        _call("S2", "rs100", 43_050_000),
        _call("S1", "rs300", 7_670_000, gt="1/1"),
        _call("S1", "rs100", 43_050_000, depth=4),
        _call("S1", "rs200", 43_060_000),
        _call("S1", "rs100", 99_000_000),
    ]
    assert ann.report(calls) == {
        "S1": {
            "passing": 3,
            "filtered": 1,
            "findings": ["TP53 rs300 (hom)", "intergenic rs100 (het)"],
            "genes": ["TP53", "intergenic"],
        },
        "S2": {"passing": 1, "filtered": 0, "findings": ["BRCA1 rs100 (het)"], "genes": ["BRCA1"]},
    }


def test_workload_first_sample():
    annotator, calls = make_input()
    assert len(annotator.pathogenic) == 5997
    report = annotator.report(calls)
    first = report["S000"]
    assert (first["passing"], first["filtered"], len(first["findings"])) == (123, 177, 12)
    assert first["findings"][:3] == [
        "GENE0001 rs24752919 (hom)",
        "GENE0093 rs72456053 (het)",
        "GENE0126 rs39733511 (het)",
    ]


def test_workload_checksum():
    assert run(make_input()) == 157448
