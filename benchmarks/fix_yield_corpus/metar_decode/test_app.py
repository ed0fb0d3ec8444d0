import pytest
from app import decode, summarise, worst_airfields


def test_full_report_decodes_every_group():
    obs = decode(
        "METAR KJFK 121851Z 28016G24KT 250V310 10SM -RA BKN050 OVC250 M02/M08 A3012 RMK AO2 OVC003"
    )
    assert (obs.station, obs.day, obs.time_utc) == ("KJFK", 12, "1851")
    assert (obs.wind_dir, obs.wind_kt, obs.gust_kt) == (280, 16, 24)
    assert obs.visibility_sm == 10.0
    assert obs.layers == [("BKN", 5000), ("OVC", 25000)]
    assert obs.ceiling_ft == 5000  # the remark after RMK is ignored
    assert obs.weather == ["-RA"]
    assert (obs.temp_c, obs.dewpoint_c) == (-2, -8)
    assert obs.altimeter_inhg == pytest.approx(30.12)
    assert obs.category == "VFR" and not obs.special


def test_split_and_less_than_visibility():
    assert decode("SPECI KBOS 010000Z VRB03KT 1 1/2SM BR OVC008 05/04 A2990").visibility_sm == 1.5
    low = decode("METAR KBOS 010000Z 00000KT M1/4SM FG VV002 01/01 A2990")
    assert low.visibility_sm == pytest.approx(0.125)
    assert low.ceiling_ft == 200 and low.category == "LIFR"
    assert low.wind_dir == 0 and low.gust_kt is None


def test_flight_categories_boundaries():
    def cat(rest):
        return decode(f"METAR EGLL 010020Z 27010KT {rest} 10/05 Q1013").category

    assert cat("10SM BKN030") == "MVFR"
    assert cat("10SM BKN031") == "VFR"
    assert cat("6SM SCT005") == "VFR"  # scattered layers are not a ceiling
    assert cat("2SM FEW100") == "IFR"
    assert cat("10SM OVC009") == "IFR"
    assert cat("10SM CLR") == "VFR"


def test_variable_wind_and_weather_groups():
    obs = decode("METAR KDEN 020153Z VRB05KT 3SM +TSRA VCSH FZFG SCT040CB 22/18 A2999")
    assert obs.wind_dir is None and obs.wind_kt == 5
    assert obs.weather == ["+TSRA", "VCSH", "FZFG"]
    assert obs.layers == [("SCT", 4000)] and obs.ceiling_ft is None
    assert obs.category == "MVFR"


def test_bad_reports_are_rejected_and_skipped():
    for raw in ("METAR", "METAR KJFK", "METAR kjfk 121851Z 10SM", "METAR KJFK 1218Z 10SM"):
        with pytest.raises(ValueError):
            decode(raw)
    summaries = summarise(["METAR KJFK 1251", "METAR KJFK 120051Z 10010KT 10SM CLR 10/01 A3000"])
    assert list(summaries) == ["KJFK"] and summaries["KJFK"].reports == 1


def test_summary_and_ranking():
    reports = [
        "METAR KSEA 010053Z 18012KT 2SM -RA OVC006 10/09 A2980",
        "SPECI KSEA 010112Z 18022G35KT 1/2SM +RA OVC003 10/10 A2978",
        "METAR KSEA 010153Z 20010KT 10SM BKN040 11/07 A2982",
        "METAR KSFO 010056Z 30008KT 10SM FEW010 16/12 A3001",
        "METAR KSFO 010156Z 30030G45KT 10SM CLR 17/11 A3000",
    ]
    s = summarise(reports)["KSEA"]
    assert s.reports == 3 and s.specials == 1
    assert s.peak_gust_kt == 35
    assert s.lowest_ceiling_ft == 300 and s.lowest_visibility_sm == 0.5
    assert s.categories == {"IFR": 1, "LIFR": 1, "VFR": 1}
    assert s.weather_hours == 1 and s.min_spread_c == 0
    assert worst_airfields(reports) == [("KSEA", 2, 35), ("KSFO", 0, 45)]
    assert worst_airfields(reports, limit=1) == [("KSEA", 2, 35)]
