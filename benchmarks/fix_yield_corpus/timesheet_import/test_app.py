import pytest
from app import CodeError, Entry, classify_code, import_week


def test_classify_code_buckets_and_parts():
    assert classify_code(" cap-1042-b ") == ("capital", ("1042", "B"))
    assert classify_code("MNT-2001-A") == ("maintenance", ("2001", "A"))
    assert classify_code("OPS-QA") == ("operations", ("QA",))
    assert classify_code("TRN-07") == ("training", ("07",))
    assert classify_code("sick") == ("leave", ("SICK",))


def test_bad_codes_raise():
    for code in ["CAP-12-A", "OPS-", "MISC", "PTOX"]:
        with pytest.raises(CodeError, match="unrecognised charge code"):
            classify_code(code)


def test_week_rollup_overtime_and_projects():
    entries = [Entry("E1", d, "CAP-1000-A", 9.0) for d in range(5)]
    entries += [
        Entry("E1", 5, "PTO", 8.0),
        Entry("E2", 0, "MNT-2002-C", 4.0),
        Entry("E2", 0, "OH-ADM", 4.0),
    ]
    out = import_week(entries)
    assert out["employees"] == 2
    assert out["billable_hours"] == 49.0
    assert out["overtime"] == {"E1": 5.0}
    assert out["projects"] == ["1000", "2002"]
    assert out["rejected"] == []


def test_rejects_bad_code_and_long_day():
    entries = [
        Entry("E3", 1, "OPS-LINE", 10.0),
        Entry("E3", 1, "OPS-SHIP", 7.0),
        Entry("E3", 2, "XX", 1.0),
    ]
    out = import_week(entries)
    assert [reason for _, reason in out["rejected"]] == [
        "more than 16 hours in a day",
        "unrecognised charge code 'XX'",
    ]
    assert out["overtime"] == {}
    assert out["billable_hours"] == 0.0
