import logging

from app import ChipRead, Mat, RaceTimer, Runner, format_duration, format_pace

MATS = [
    Mat("START", "Start line", 0.0),
    Mat("K10", "10 km", 10.0),
    Mat("FIN", "Finish", 21.0975),
]


def make_timer():
    runners = [Runner(1, "Ana", "F35"), Runner(2, "Ben", "M18"), Runner(3, "Cy", "M18")]
    return RaceTimer(MATS, runners), runners


def test_format_helpers():
    assert format_duration(3725.4) == "1:02:05"
    assert format_duration(59.6) == "0:01:00"
    assert format_pace(3000, 10) == "5:00/km"
    assert format_pace(100, 0) == "--:--"


def test_results_order_and_places():
    timer, _ = make_timer()
    reads = [
        ChipRead(1, "START", 10),
        ChipRead(2, "START", 30),
        ChipRead(3, "START", 5),
        ChipRead(1, "K10", 2410),
        ChipRead(2, "K10", 2200),
        ChipRead(3, "K10", 2500),
        ChipRead(2, "FIN", 4700),
        ChipRead(1, "FIN", 5010),
        ChipRead(3, "FIN", 5205),
    ]
    assert timer.record_all(reads) == 9
    rows = timer.results()
    assert [r["bib"] for r in rows] == [2, 1, 3]
    assert [r["place"] for r in rows] == [1, 2, 3]
    assert [r["cat_place"] for r in rows] == [1, 1, 2]
    assert rows[0]["chip"] == "1:17:50"
    assert rows[0]["gun"] == "1:18:20"
    assert rows[1]["pace"] == format_pace(5000, 21.0975)


def test_duplicate_read_within_debounce_is_ignored_silently():
    timer, runners = make_timer()
    timer.record_all([ChipRead(1, "START", 0), ChipRead(1, "K10", 2400)])
    assert timer.record(ChipRead(1, "K10", 2403)) is False
    assert timer.rejected == 0
    assert runners[0].splits["K10"] == 2400


def test_late_duplicate_counts_as_rejected():
    timer, _ = make_timer()
    timer.record_all([ChipRead(1, "START", 0), ChipRead(1, "K10", 2400)])
    assert timer.record(ChipRead(1, "K10", 2460)) is False
    assert timer.rejected == 1


def test_unknown_bib_or_mat_rejected():
    timer, _ = make_timer()
    assert timer.record(ChipRead(99, "K10", 100)) is False
    assert timer.record(ChipRead(1, "K25", 100)) is False
    assert timer.rejected == 2


def test_skipped_mat_rejected_and_dnf_not_in_results():
    timer, _ = make_timer()
    timer.record(ChipRead(1, "START", 0))
    assert timer.record(ChipRead(1, "FIN", 5000)) is False
    assert timer.rejected == 1
    assert timer.results() == []


def test_read_before_start_rejected():
    timer, _ = make_timer()
    timer.record(ChipRead(2, "START", 50))
    assert timer.record(ChipRead(2, "K10", 40)) is False
    assert timer.rejected == 1


def test_start_mat_keeps_last_crossing():
    timer, runners = make_timer()
    timer.record_all([ChipRead(3, "START", 5), ChipRead(3, "START", 20)])
    assert runners[2].start == 20


def test_debug_log_describes_split(caplog):
    timer, _ = make_timer()
    with caplog.at_level(logging.DEBUG, logger="app"):
        timer.record_all([ChipRead(1, "START", 10), ChipRead(1, "K10", 2410)])
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "bib 1 (Ana, F35) crossed 10 km at 0:40:10: chip 0:40:00, segment 0:40:00, pace 4:00/km"
    ]


def test_no_debug_records_at_info(caplog):
    timer, _ = make_timer()
    with caplog.at_level(logging.INFO, logger="app"):
        timer.record_all([ChipRead(1, "START", 10), ChipRead(1, "K10", 2410)])
    assert caplog.records == []
