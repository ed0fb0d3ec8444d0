from datetime import datetime, timedelta

import pytest
from app import AdifWriter, Qso, adif_field, band_for, band_summary, export_adif

T0 = datetime(2024, 6, 22, 18, 0, 0)
CREATED = datetime(2024, 6, 23, 9, 30, 5)

HEADER = (
    "ADIF export from shacklog\n"
    "<ADIF_VER:5>3.1.4\n"
    "<PROGRAMID:8>shacklog\n"
    "<PROGRAMVERSION:3>1.4\n"
    "<CREATED_TIMESTAMP:15>20240623 093005\n"
    "<EOH>\n"
)


def test_band_for():
    assert band_for(14.074) == "20m"
    assert band_for(146.52) == "2m"
    with pytest.raises(ValueError):
        band_for(11.0)


def test_adif_field_length():
    assert adif_field("NAME", "Hiro") == "<NAME:4>Hiro"
    assert adif_field("COMMENT", "") == "<COMMENT:0>"


def test_header_only():
    assert export_adif("w1aw", [], CREATED) == HEADER


def test_single_contact_exact():
    qso = Qso("ja1xyz", T0, 7.074, "FT8", grid="pm95", name="Hiro", comment="tnx\nfer QSO")
    expected = HEADER + (
        "<CALL:6>JA1XYZ<QSO_DATE:8>20240622<TIME_ON:6>180000<BAND:3>40m"
        "<FREQ:6>7.0740<MODE:3>FT8<RST_SENT:3>-10<RST_RCVD:3>-10"
        "<GRIDSQUARE:4>PM95<NAME:4>Hiro<COMMENT:11>tnx fer QSO"
        "<STATION_CALLSIGN:4>W1AW<EOR>\n"
    )
    assert export_adif("w1aw", [qso], CREATED) == expected


def test_explicit_reports_and_optional_fields_omitted():
    qso = Qso("G4ABC", T0, 14.040, "CW", rst_sent="579", rst_rcvd="449")
    out = export_adif("K1ABC", [qso], CREATED)
    body = out[len(HEADER) :]
    assert body == (
        "<CALL:5>G4ABC<QSO_DATE:8>20240622<TIME_ON:6>180000<BAND:3>20m"
        "<FREQ:7>14.0400<MODE:2>CW<RST_SENT:3>579<RST_RCVD:3>449"
        "<STATION_CALLSIGN:5>K1ABC<EOR>\n"
    )


def test_contacts_sorted_by_time():
    late = Qso("W2B", T0 + timedelta(hours=1), 21.3, "SSB")
    early = Qso("W2A", T0, 21.3, "SSB")
    out = export_adif("w1aw", [late, early], CREATED)
    assert out.index("<CALL:3>W2A") < out.index("<CALL:3>W2B")
    assert out.count("<EOR>") == 2


def test_dupes_within_window_dropped():
    writer = AdifWriter("w1aw")
    writer.header(CREATED)
    assert writer.add(Qso("DL1AA", T0, 14.2, "SSB"))
    assert not writer.add(Qso("dl1aa", T0 + timedelta(minutes=5), 14.3, "SSB"))
    assert writer.add(Qso("DL1AA", T0 + timedelta(minutes=6), 7.1, "SSB"))  # other band
    assert writer.add(Qso("DL1AA", T0 + timedelta(minutes=30), 14.2, "SSB"))
    assert (writer.count, writer.dupes) == (3, 1)
    assert writer.getvalue().count("<EOR>\n") == 3


def test_band_summary():
    qsos = [Qso("A", T0, f, "CW") for f in (7.02, 14.01, 7.03, 3.55, 14.02)]
    assert band_summary(qsos) == {"20m": 2, "40m": 2, "80m": 1}
