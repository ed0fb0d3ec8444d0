from __future__ import annotations

from app import Listing, find_hits, screen, screen_all, tokenize


def test_clean_listing_is_approved() -> None:
    v = screen(Listing("a1", "Oak Table", "Solid wood, seats six. Pickup only."))
    assert v.status == "approved"
    assert v.hits == {}


def test_matching_is_case_insensitive_and_counts_repeats() -> None:
    listing = Listing("a2", "REPLICA watch", "a replica of a classic, Replica box too")
    assert find_hits(listing) == {"replica": 3}
    assert screen(listing).status == "rejected"


def test_whole_words_only_no_substrings() -> None:
    listing = Listing("a3", "Weedwhacker and hashtag sign", "brass knuckle handles; thctrl key")
    assert find_hits(listing) == {}
    assert screen(listing).status == "approved"


def test_hyphenated_terms_and_tags_with_spaces() -> None:
    listing = Listing("a4", "Self defence kit", "includes pepper-spray", tags=["Stun Gun", "misc"])
    assert tokenize("Stun-Gun deal!") == ["stun-gun", "deal"]
    v = screen(listing)
    assert v.hits == {"pepper-spray": 1, "stun-gun": 1}
    assert v.status == "review"


def test_hits_are_reported_in_sorted_order() -> None:
    listing = Listing("a5", "vape juul cbd", "nothing else")
    v = screen(listing)
    assert list(v.hits) == ["cbd", "juul", "vape"]
    assert v.status == "rejected"


def test_screen_all_buckets_preserve_input_order() -> None:
    listings = [
        Listing("x1", "lamp", "brass finish"),
        Listing("x2", "ivory carving", "antique"),
        Listing("x3", "sofa", "grey"),
        Listing("x4", "fake bag", "knockoff, dupe quality"),
        Listing("x5", "tent", "two person", tags=["outdoor"]),
    ]
    assert screen_all(listings) == {
        "approved": ["x1", "x3", "x5"],
        "review": ["x2"],
        "rejected": ["x4"],
    }
