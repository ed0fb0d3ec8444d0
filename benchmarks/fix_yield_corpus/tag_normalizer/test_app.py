from app import TagNormalizer
from workload import make_input


def test_slugs_dedup_and_length():
    got = TagNormalizer(max_length=8).normalize(["Python 3!", "python-3", "", "  ", "Data Science"])
    assert got == ["python-3", "data-sci"]


def test_fixed_input():
    got = TagNormalizer().normalize_all(make_input())
    assert len(got) == 1000
    assert sum(len(tags) for tags in got) == 4997
    assert got[4] == [
        "web-dev-0",
        "rust-go-1",
        "data-eng-2",
        "ops-0",
        "machine-learning-1",
        "python-2",
    ]
