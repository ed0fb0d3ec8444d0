from __future__ import annotations

import pytest
from app import (
    ExportStats,
    FastaWriter,
    InvalidEntry,
    ProteinEntry,
    deduplicate,
    export_release,
    parse_fasta,
    validate,
)


def entry(acc="P00001", seq="MKTAYIAKQRQISFVKSHFSRQ", reviewed=True, pe=1, gene="ABC1", taxon=9606):
    return ProteinEntry(
        acc, f"{acc}_HUMAN", "Test protein", "Homo sapiens", taxon, gene, pe, reviewed, seq
    )


def test_header_format():
    assert entry().header() == (
        ">sp|P00001|P00001_HUMAN Test protein OS=Homo sapiens OX=9606 GN=ABC1 PE=1 SV=1"
    )
    assert entry(reviewed=False, gene=None).header().startswith(">tr|P00001|")
    assert "GN=" not in entry(gene=None).header()


def test_writer_wraps_lines():
    writer = FastaWriter("r1", width=10)
    writer.write(entry(seq="A" * 25))
    lines = writer.getvalue().splitlines()
    assert lines[1:] == ["A" * 10, "A" * 10, "A" * 5]
    assert writer.getvalue().endswith("\n")


def test_writer_rejects_bad_width():
    with pytest.raises(ValueError):
        FastaWriter("r1", width=0)


def test_validate_rejects_bad_residues_and_short():
    with pytest.raises(InvalidEntry, match="unexpected residues"):
        validate(entry(seq="MKT*AYIAKQRQISF"))
    with pytest.raises(InvalidEntry, match="shorter"):
        validate(entry(seq="MKT"))
    with pytest.raises(InvalidEntry, match="evidence"):
        validate(entry(pe=7))


def test_dedup_prefers_reviewed_then_evidence():
    stats = ExportStats()
    kept = deduplicate([entry("P2", reviewed=False), entry("P3", pe=3), entry("P1", pe=2)], stats)
    assert [e.accession for e in kept] == ["P1"]
    assert stats.duplicates == 2


def test_export_round_trip():
    entries = [entry(f"P{i}", seq="M" + "ACDEFGHIKL" * i) for i in range(1, 15)]
    text, stats = export_release(entries, "2024_01", width=60)
    assert stats.written == 14
    assert stats.residues == sum(len(e.sequence) for e in entries)
    parsed = parse_fasta(text)
    assert parsed == {e.accession: e.sequence for e in entries}


def test_export_header_and_checksum_stable():
    entries = [entry("P1"), entry("P2", seq="MAAAAAAAAAAAAAAAAW")]
    text1, _ = export_release(entries, "r9")
    text2, _ = export_release(list(reversed(entries)), "r9")
    assert text1 == text2
    assert text1.startswith(";release=r9 entries=2 sha256=")


def test_export_records_rejections():
    text, stats = export_release([entry("P1"), entry("P|2"), entry("P3", seq="MK")], "r2")
    assert stats.written == 1
    assert len(stats.rejected) == 2
    assert list(parse_fasta(text)) == ["P1"]


def test_sorted_by_taxon_then_accession():
    entries = [
        entry("P9", seq="MAAAAAAAAAAAAC", taxon=10090),
        entry("P5", seq="MAAAAAAAAAAAAD", taxon=9606),
        entry("P7", seq="MAAAAAAAAAAAAE", taxon=9606),
    ]
    text, _ = export_release(entries, "r3")
    assert list(parse_fasta(text)) == ["P5", "P7", "P9"]
