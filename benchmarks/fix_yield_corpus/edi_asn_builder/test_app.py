import pytest
from app import AsnWriter, Carton, Order, Shipment, build_asn


def _shipment(orders=None):
    if orders is None:
        orders = [Order("PO1", "STORE001", [Carton("001234567890123456", "SKU-1", 12, "LOT9")])]
    return Shipment("SHP1", "2024-06-11", "ABCD", "BOL1", orders)


def test_single_carton_document():
    assert build_asn(_shipment(), control_number=7) == (
        "ST*856*0007~\n"
        "BSN*00*SHP1*20240611*1200~\n"
        "HL*1**S~\n"
        "TD5*B*2*ABCD~\n"
        "REF*BM*BOL1~\n"
        "HL*2*1*O~\n"
        "PRF*PO1~\n"
        "N1*BY*92*STORE001~\n"
        "HL*3*2*P~\n"
        "MAN*GM*001234567890123456~\n"
        "HL*4*3*I~\n"
        "LIN**SK*SKU-1~\n"
        "SN1**12*EA~\n"
        "REF*LT*LOT9~\n"
        "CTT*4*1~\n"
        "SE*16*0007~\n"
    )


def test_lot_segment_omitted_when_blank():
    text = build_asn(_shipment([Order("PO1", "S1", [Carton("1", "A", 1)])]))
    assert "REF*LT" not in text
    assert text.endswith("CTT*4*1~\nSE*15*0001~\n")


def test_separators_in_data_are_scrubbed():
    text = build_asn(_shipment([Order("PO*1", "ST~ORE", [Carton("1", " A*B ", 1)])]))
    assert "PRF*PO 1~" in text
    assert "N1*BY*92*ST ORE~" in text
    assert "LIN**SK*A B~" in text


def test_se_count_matches_segments():
    orders = [
        Order(
            f"PO{o}", "S", [Carton(str(c), f"K{c}", c + 1, "L" if c % 2 else "") for c in range(5)]
        )
        for o in range(3)
    ]
    text = build_asn(_shipment(orders))
    lines = text.splitlines()
    assert lines[-1] == f"SE*{len(lines)}*0001~"
    assert lines[-2] == "CTT*34*15~"


def test_hl_parents_nest_correctly():
    orders = [
        Order("PO1", "S", [Carton("1", "A", 1), Carton("2", "B", 1)]),
        Order("PO2", "S", [Carton("3", "C", 1)]),
    ]
    hls = [line for line in build_asn(_shipment(orders)).splitlines() if line.startswith("HL*")]
    assert hls == [
        "HL*1**S~",
        "HL*2*1*O~",
        "HL*3*2*P~",
        "HL*4*3*I~",
        "HL*5*2*P~",
        "HL*6*5*I~",
        "HL*7*1*O~",
        "HL*8*7*P~",
        "HL*9*8*I~",
    ]


def test_empty_shipment_rejected():
    with pytest.raises(ValueError, match="SHP1 has no orders"):
        build_asn(_shipment([]))


def test_writer_counts_segments():
    writer = AsnWriter(3)
    writer.segment("REF", "ZZ", 5)
    writer.segment("REF", "YY")
    assert writer.segment_count == 2
