from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from app import Animal, Fix, KmlDocument, ScreeningRules, build_kml, haversine_m, screen, segments

NS = {"k": "http://www.opengis.net/kml/2.2"}
T0 = datetime(2024, 5, 1, 6, 0)
WOLF = Animal("C1", "Luna & co", "Gray wolf", 60.0)


def fix(minutes, lat=44.0, lon=-110.0, hdop=1.0, sats=8, collar="C1"):
    return Fix(collar, T0 + timedelta(minutes=minutes), lat, lon, 2000.0, hdop, sats)


def test_haversine_one_degree_latitude():
    assert abs(haversine_m(fix(0, 0.0, 0.0), fix(0, 1.0, 0.0)) - 111_195) < 50


def test_screen_drops_poor_geometry_and_sorts():
    kept = screen([fix(60), fix(0), fix(30, hdop=9.0), fix(45, sats=2)], WOLF, ScreeningRules())
    assert [f.taken_at for f in kept] == [T0, T0 + timedelta(minutes=60)]


def test_screen_drops_implausible_jump():
    kept = screen([fix(0), fix(30, lat=45.0), fix(60, lat=44.001)], WOLF, ScreeningRules())
    assert [f.lat for f in kept] == [44.0, 44.001]


def test_segments_split_on_gap_and_drop_singletons():
    fixes = [fix(0), fix(30), fix(60), fix(60 * 10), fix(60 * 20), fix(60 * 20 + 30)]
    segs = segments(fixes, timedelta(hours=6))
    assert [len(s) for s in segs] == [3, 2]


def test_document_is_valid_kml_with_escaped_names():
    doc = KmlDocument("Range <north>")
    doc.add_segment("Gray wolf", WOLF, 1, [fix(0), fix(30, lat=44.001)])
    root = ET.fromstring(doc.render())
    assert root.find("k:Document/k:name", NS).text == "Range <north>"
    name = root.find("k:Document/k:Folder/k:Placemark/k:name", NS).text
    assert name == "Luna & co #1"
    assert doc.placemarks == 1


def test_coordinates_order_lon_lat_alt():
    doc = KmlDocument("t")
    doc.add_segment("Elk", WOLF, 1, [fix(0, 44.5, -110.25), fix(30, 44.5001, -110.25)])
    root = ET.fromstring(doc.render())
    coords = root.find(".//k:coordinates", NS).text.split()
    assert coords[0] == "-110.250000,44.500000,2000.0"


def test_build_kml_folders_per_species_sorted():
    elk = Animal("C2", "Big Elk", "Elk", 45.0)
    fixes = [fix(0), fix(30), fix(0, collar="C2"), fix(30, collar="C2"), fix(0, collar="C9")]
    text, counts = build_kml("May", [WOLF, elk], fixes)
    root = ET.fromstring(text)
    folders = [f.find("k:name", NS).text for f in root.findall("k:Document/k:Folder", NS)]
    assert folders == ["Elk", "Gray wolf"]
    assert counts == {"C1": 2, "C2": 2}


def test_animal_without_fixes_gets_zero():
    text, counts = build_kml("May", [WOLF], [])
    assert counts == {"C1": 0}
    assert ET.fromstring(text).find("k:Document/k:Folder", NS) is None
