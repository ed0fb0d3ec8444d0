from app import check, failures
from workload import make_input


def test_check_is_whole_value_and_ascii():
    assert check(r"\d{5}", "12345")
    assert not check(r"\d{5}", "123456")
    arabic_indic = "\u0661\u0662\u0663\u0664\u0665"
    assert not check(r"\d{5}", arabic_indic)  # not ASCII digits
    assert not check(r"[A-Z]{2}", "us")


def test_failures_name_fields_in_rule_order():
    records = [
        {"username": "ok_name", "zip": "12345", "phone": "+1 555 0000", "country": "US"},
        {"username": "9bad", "zip": "12345-6789", "phone": "555", "country": "us"},
        {"zip": "12345", "phone": "555-123-4567", "country": "DE"},
    ]
    assert failures(records) == [(1, ["username", "phone", "country"]), (2, ["username"])]


def test_fixed_input():
    found = failures(make_input())
    assert len(found) == 1324
    assert found[:3] == [(0, ["username", "zip", "phone"]), (2, ["country"]), (6, ["country"])]
