from __future__ import annotations

import pytest
from app import CaptionWriter, Cue, export_captions, wrap_caption


def test_srt_document_layout() -> None:
    cues = [
        Cue(61_500, 63_000, "second line", speaker="ana"),
        Cue(0, 1_250, "hello there"),
    ]
    assert export_captions(cues) == (
        "1\n00:00:00,000 --> 00:00:01,250\nhello there\n\n"
        "2\n00:01:01,500 --> 00:01:03,000\nANA: second line\n\n"
    )


def test_vtt_header_and_separator() -> None:
    text = export_captions([Cue(3_723_004, 3_725_000, "late cue")], fmt="vtt")
    assert text == "WEBVTT\n\n01:02:03.004 --> 01:02:05.000\nlate cue\n\n"


def test_short_and_blank_cues_are_skipped() -> None:
    writer = CaptionWriter().extend([Cue(0, 500, "blink"), Cue(0, 2000, "   "), Cue(0, 900, "ok")])
    assert writer.skipped == 2
    assert writer.count == 1
    assert writer.getvalue().startswith("1\n00:00:00,000 --> 00:00:00,900\nok\n")


def test_wrap_caption_respects_width() -> None:
    text = "the quick brown fox jumps over the lazy dog while the band plays on"
    lines = wrap_caption(text)
    assert all(len(line) <= 42 for line in lines)
    assert " ".join(lines) == text
    assert wrap_caption("") == []


def test_multiline_cue_numbering() -> None:
    long = "word " * 30
    doc = export_captions([Cue(0, 5000, long), Cue(6000, 9000, "tail")])
    blocks = doc.split("\n\n")
    assert blocks[-1] == ""
    assert blocks[1].startswith("2\n00:00:06,000")
    assert len(blocks[0].splitlines()) == 2 + len(wrap_caption(long))


def test_unknown_format_rejected() -> None:
    with pytest.raises(ValueError):
        CaptionWriter("ass")
