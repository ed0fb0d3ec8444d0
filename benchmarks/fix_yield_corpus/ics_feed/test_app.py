from datetime import UTC, datetime, timedelta

from app import FOLD_AT, Shift, build_feed

GEN = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)


def _shift(uid, hour, **kw):
    start = datetime(2025, 5, 2, hour, 0, tzinfo=UTC)
    return Shift(
        uid=uid,
        summary=kw.pop("summary", "Front desk"),
        start=start,
        end=start + timedelta(hours=4),
        **kw,
    )


def test_envelope_and_crlf():
    feed = build_feed("Ops", [_shift("a", 9)], GEN)
    assert feed.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert feed.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert "\n" not in feed.replace("\r\n", "")


def test_event_fields_in_order():
    feed = build_feed(
        "Ops", [_shift("a", 9, location="Lobby", attendees=("x@ex.com", "y@ex.com"))], GEN
    )
    lines = feed.split("\r\n")
    i = lines.index("BEGIN:VEVENT")
    assert lines[i + 1 : i + 8] == [
        "UID:a",
        "DTSTAMP:20250501T080000Z",
        "DTSTART:20250502T090000Z",
        "DTEND:20250502T130000Z",
        "SUMMARY:Front desk",
        "LOCATION:Lobby",
        "ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:x@ex.com",
    ]


def test_escaping_and_folding():
    notes = "Bring keys; badge, and\nlaptop " + "z" * 200
    feed = build_feed("A,B", [_shift("a", 9, notes=notes)], GEN)
    assert "X-WR-CALNAME:A\\,B\r\n" in feed
    for line in feed.split("\r\n"):
        assert len(line) <= FOLD_AT
    unfolded = feed.replace("\r\n ", "")
    assert "DESCRIPTION:Bring keys\\; badge\\, and\\nlaptop " + "z" * 200 + "\r\n" in unfolded


def test_sorted_and_invalid_skipped():
    bad = Shift("bad", "x", GEN, GEN)
    feed = build_feed("Ops", [_shift("late", 15), bad, _shift("early", 7)], GEN)
    uids = [ln[4:] for ln in feed.split("\r\n") if ln.startswith("UID:")]
    assert uids == ["early", "late"]


def test_writer_is_reusable():
    from app import FeedWriter

    w = FeedWriter("Ops", GEN)
    first = w.render([_shift("a", 9)])
    assert w.render([_shift("a", 9)]) == first
    assert first.count("BEGIN:VEVENT") == 1
