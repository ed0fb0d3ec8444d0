import pytest
from app import check_digit, decode, intake_report


def test_decodes_reference_vin():
    vin = decode("1HGCM82633A004352")
    assert vin is not None
    assert vin.manufacturer == "Honda USA"
    assert vin.model_year == 2003
    assert vin.plant == "A"
    assert vin.serial == "004352"
    assert vin.check_ok


@pytest.mark.parametrize(("vin", "digit"), [("1HGCM82633A004352", "3"), ("JTDKB20U793512345", "X")])
def test_check_digit(vin, digit):
    assert check_digit(vin) == digit


def test_normalizes_case_spaces_and_dashes():
    vin = decode("  1hgcm8263-3a004352 ")
    assert vin is not None and vin.vin == "1HGCM82633A004352"


def test_rejects_unknown_manufacturer_and_bad_shapes():
    assert decode("ZZZCM82633A004352") is None
    assert decode("1HGCM82633A00435") is None
    assert decode("1HGCM8263IA004352") is None
    assert decode("") is None


def test_year_cycle_uses_latest_not_past_limit():
    assert decode("5YJ3E1EA2KF317000").model_year == 2019
    assert decode("WBA3A5C55VF256551").model_year == 1997


def test_bad_check_digit_is_flagged():
    vin = decode("1HGCM82643A004352")
    assert vin is not None and not vin.check_ok


def test_intake_report():
    report = intake_report(["1HGCM82633A004352", "1HGCM82643A004352", "nope", "5YJ3E1EA2KF317000"])
    assert report == {
        "accepted": 2,
        "rejected": ["1HGCM82643A004352", "nope"],
        "by_manufacturer": {"Honda USA": 1, "Tesla USA": 1},
        "oldest": 2003,
    }


def test_intake_report_empty():
    assert intake_report([]) == {
        "accepted": 0,
        "rejected": [],
        "by_manufacturer": {},
        "oldest": None,
    }
