import pytest
from app import (
    FeedError,
    GateIn,
    check_digit,
    classify_token,
    parse_line,
    process_feed,
    yard_summary,
)


def test_check_digit_reference_example():
    assert check_digit("CSQU305438") == 3
    assert check_digit("MSCU123456") == 6


def test_classify_tokens():
    assert classify_token("CSQU3054383") == ("cn", "CSQU3054383")
    assert classify_token("45R1") == ("st", "45R1")
    assert classify_token("SEAL:AB123456") == ("seal", "AB123456")
    assert classify_token("VGM:24500") == ("vgm", "24500")
    assert classify_token("POD:NLRTM") == ("pod", "NLRTM")
    assert classify_token("SET:-25.5C") == ("temp", "-25.5")


def test_classify_rejects_garbage():
    with pytest.raises(FeedError, match="unrecognised token 'VGM'"):
        classify_token("VGM")
    with pytest.raises(FeedError):
        classify_token("csqu3054383")


def test_parse_line_any_order():
    unit = parse_line("POL:CNSHA SET:+4C CSQU3054383 VGM:21000 45R1 POD:NLRTM")
    assert unit == GateIn("CSQU3054383", "40", "RF", None, 21000, "CNSHA", "NLRTM", 4.0)


def test_parse_line_with_seal():
    unit = parse_line("  MSCU1234566 22G1 SEAL:X1234567 VGM:30480 POL:DEHAM POD:SGSIN ")
    assert unit == GateIn("MSCU1234566", "20", "GP", "X1234567", 30480, "DEHAM", "SGSIN", None)


@pytest.mark.parametrize(
    "line, message",
    [
        ("MSCU1234565 22G1 VGM:3000 POL:DEHAM POD:SGSIN", "bad check digit: MSCU1234565"),
        ("MSCU1234566 22G1 VGM:30481 POL:DEHAM POD:SGSIN", "overweight 30481kg: MSCU1234566"),
        ("MSCU1234566 22R1 VGM:3000 POL:DEHAM POD:SGSIN", "reefer without setpoint: MSCU1234566"),
        ("MSCU1234566 25B1 VGM:3000 POL:DEHAM POD:SGSIN", "unknown size/type 25B1: MSCU1234566"),
        ("MSCU1234566 22G1 VGM:3000 POL:DEHAM", "missing pod: MSCU1234566 22G1 VGM:3000 POL:DEHAM"),
        ("MSCU1234566 22G1 VGM:3000 VGM:3100 POL:DEHAM POD:SGSIN", "repeated vgm: MSCU1234566"),
    ],
)
def test_parse_line_errors(line, message):
    with pytest.raises(FeedError) as exc:
        parse_line(line)
    assert str(exc.value) == message


def test_process_feed_and_summary():
    lines = [
        "# header",
        "",
        "CSQU3054383 45G1 SEAL:AB123456 VGM:24500 POL:CNSHA POD:NLRTM",
        "MSCU1234566 22R1 VGM:12000 POL:DEHAM POD:SGSIN SET:-18C",
        "CSQU3054383 22G1 VGM:9000 POL:CNSHA POD:NLRTM",
        "MSCU1234566 22G1 VGM 9000 POL:CNSHA POD:NLRTM",
    ]
    units, errors = process_feed(lines)
    assert [u.container for u in units] == ["CSQU3054383", "MSCU1234566"]
    assert errors == ["duplicate: CSQU3054383", "unrecognised token 'VGM'"]
    assert yard_summary(units) == {"units": 2, "teu": 3, "reefers": 1, "unsealed": 1, "gross_t": 36}
