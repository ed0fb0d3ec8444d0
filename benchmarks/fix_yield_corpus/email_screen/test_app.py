from app import screen
from workload import make_input


def test_keeps_well_formed_in_order():
    valid, domains = screen(["a@b.io", "no-at.example", "x+y@Mail.Example.com", "c@d", " e@f.org "])
    assert valid == ["a@b.io", "x+y@Mail.Example.com", " e@f.org "]
    assert domains == {"b.io": 1, "mail.example.com": 1, "f.org ": 1}


def test_fixed_input():
    valid, domains = screen(make_input())
    assert len(valid) == 2909
    assert domains.most_common(2) == [("x.io", 728), ("mail.example.org", 727)]
