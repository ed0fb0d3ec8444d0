from app import count_tokens
from workload import make_input


def test_each_kind():
    result = count_tokens(["Hello, world! 42 #Tag #tag @bob http://x.y/z ... +1.5% -- foo_bar"])
    assert dict(result["kinds"]) == {
        "word": 2,
        "number": 2,
        "hashtag": 2,
        "mention": 1,
        "link": 1,
        "other": 3,
    }
    assert dict(result["hashtags"]) == {"#tag": 2}


def test_contractions_are_words_and_trailing_punctuation_is_stripped():
    result = count_tokens(["don't stop!!! 7%."])
    assert dict(result["kinds"]) == {"word": 2, "number": 1}


def test_anchored_whole_token_only():
    # a number followed by letters, or a link without a scheme, is "other"
    result = count_tokens(["42abc example.com #", "@"])
    assert dict(result["kinds"]) == {"other": 4}


def test_empty_posts():
    result = count_tokens(["", "   "])
    assert sum(result["kinds"].values()) == 0
    assert not result["hashtags"]


def test_fixed_input():
    result = count_tokens(make_input())
    assert dict(result["kinds"]) == {
        "word": 6750,
        "hashtag": 1125,
        "number": 3000,
        "mention": 375,
        "link": 375,
        "other": 375,
    }
    assert result["hashtags"].most_common() == [
        ("#release", 375),
        ("#monday", 375),
        ("#coffee", 375),
    ]
