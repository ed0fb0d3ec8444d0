import hashlib

from app import permalinks, slugify
from workload import make_input


def test_slugify_rules():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  Crème   Brûlée -- Recipe ") == "creme-brulee-recipe"
    assert slugify("C++ & Rust_2024") == "c-rust_2024"
    assert slugify("Ünïcödé") == "unicode"
    assert slugify("---") == ""


def test_permalinks_are_unique_in_order():
    assert permalinks(["A b", "a-B", "!!", "a b", "?"]) == [
        "a-b",
        "a-b-2",
        "post",
        "a-b-3",
        "post-2",
    ]


def test_fixed_input():
    out = permalinks(make_input())
    assert len(out) == len(set(out)) == 3000
    assert hashlib.sha256("\n".join(out).encode()).hexdigest() == (
        "8d34c80b5235657ff7314f59ed3618e7e6834a26980067739c04ef8f95dd172c"
    )
