from app import Contact, merge_contacts, normalize_email
from workload import make_input


def test_normalize_email():
    assert normalize_email(" A.B+news@GoogleMail.com ") == "ab@gmail.com"
    assert normalize_email("x.y@corp.example") == "x.y@corp.example"


def test_first_row_wins_and_bad_addresses_are_dropped():
    exports = {
        "a": [{"name": "Ann ", "email": "ann@x.example", "phone": "1-2"}],
        "b": [
            {"name": "Ann B", "email": " ANN@x.example"},
            {"name": "Nobody", "email": "nope"},
            {"name": "Bo", "email": "bo@x.example", "phone": ""},
        ],
    }
    assert merge_contacts(exports) == [
        Contact("Ann", "ann@x.example", "+12", "a"),
        Contact("Bo", "bo@x.example", "", "b"),
    ]


def test_fixed_input():
    merged = merge_contacts(make_input())
    assert len(merged) == 1800
    assert merged[0] == Contact("Ana.0", "ana.0@example.com", "+5550000", "sales")
    assert [c.source for c in merged].count("billing") == 600
