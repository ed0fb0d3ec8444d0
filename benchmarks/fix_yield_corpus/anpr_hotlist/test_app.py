from app import Alert, HotlistMatcher, Read, alert_summary, normalise_plate, parse_hotlist

HOTLIST = [
    "# refreshed 06:00",
    "AB12CDE,stolen",
    "",
    "xy 05 zzz,NO INSURANCE",
    "GBKL70MNO,",
    "AB12CDE,WANTED",
    "LONGPLATE1,NO TAX",
]


def test_normalise_plate_fixes_ocr_and_spacing():
    assert normalise_plate("ab12 cde") == "AB12CDE"
    assert normalise_plate("A812CDE") == "AB12CDE"
    assert normalise_plate("AB1ZCDE") == "AB12CDE"
    assert normalise_plate("KL7OMN0") == "KL70MNO"
    assert normalise_plate("GB-KL70 MNO") == "KL70MNO"
    assert normalise_plate("w-123 ab") == "W123AB"


def test_parse_hotlist():
    plates, reasons = parse_hotlist(HOTLIST)
    assert plates == ["AB12CDE", "XY05ZZZ", "KL70MNO", "AB12CDE", "LONGPLATE1"]
    assert reasons == {
        "AB12CDE": "STOLEN",
        "XY05ZZZ": "NO INSURANCE",
        "KL70MNO": "INTEREST",
        "LONGPLATE1": "NO TAX",
    }


def test_check_hit_and_miss():
    m = HotlistMatcher(HOTLIST)
    assert m.check(Read("RR01N", 100, "ab12 cde", 0.9)) == Alert("AB12CDE", "RR01N", 100, "STOLEN")
    assert m.check(Read("RR01N", 101, "ZZ99ZZZ", 0.99)) is None
    assert m.stats == {"reads": 2, "low_confidence": 0, "hits": 1, "suppressed": 0}


def test_low_confidence_skipped():
    m = HotlistMatcher(HOTLIST)
    assert m.check(Read("RR02S", 5, "AB12CDE", 0.71)) is None
    assert m.stats["low_confidence"] == 1
    assert m.stats["hits"] == 0


def test_suppression_window():
    m = HotlistMatcher(HOTLIST)
    assert m.check(Read("RR01N", 1000, "XY05ZZZ", 0.8)) is not None
    assert m.check(Read("RR02N", 1000 + 899, "XY05ZZZ", 0.8)) is None
    assert m.check(Read("RR03N", 1000 + 900, "XY05ZZZ", 0.8)) == Alert(
        "XY05ZZZ", "RR03N", 1900, "NO INSURANCE"
    )
    assert m.stats["suppressed"] == 1
    assert m.stats["hits"] == 3


def test_process_batch_orders_by_time_then_camera():
    m = HotlistMatcher(HOTLIST)
    reads = [
        Read("RR09S", 50, "KL70MNO", 0.95),
        Read("RR01N", 10, "AB12CDE", 0.95),
        Read("RR02N", 50, "AB12CDE", 0.95),
        Read("RR01S", 50, "XY05ZZZ", 0.60),
        Read("RR05N", 20, "QQ11QQQ", 0.95),
    ]
    assert m.process_batch(reads) == [
        Alert("AB12CDE", "RR01N", 10, "STOLEN"),
        Alert("KL70MNO", "RR09S", 50, "INTEREST"),
    ]
    assert m.stats == {"reads": 5, "low_confidence": 1, "hits": 3, "suppressed": 1}


def test_alert_summary_sorted_counts():
    alerts = [
        Alert("A", "c", 1, "WANTED"),
        Alert("B", "c", 2, "STOLEN"),
        Alert("C", "c", 3, "WANTED"),
    ]
    assert alert_summary(alerts) == {"STOLEN": 1, "WANTED": 2}
    assert list(alert_summary(alerts)) == ["STOLEN", "WANTED"]
