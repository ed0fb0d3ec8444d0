import copy

from app import Quote, Shipment, TariffBook


def test_cheapest_road_lane_with_breakdown():
    book = TariffBook()
    quote = book.rate(Shipment("s1", "road", "DE", "NL", 1000.0))
    # RoadRunner: 180 + toll 12 + fuel 19.8 = 211.8; CityVan: 400 + 36 = 436; EuroHaul: no NL
    assert quote == Quote(
        "s1", "RoadRunner", 211.8, "RoadRunner [2 surcharges]: base 180.00, fuel 19.80, toll 12.00"
    )


def test_volumetric_weight_and_limits():
    book = TariffBook(volumetric_kg_per_m3=300.0)
    assert book.chargeable_kg(Shipment("v", "air", "DE", "US", 10.0, volume_m3=0.5)) == 150
    quote = book.rate(Shipment("v", "air", "DE", "US", 10.0, volume_m3=0.5))
    # SkyCargo: 150 kg * 2.9 = 435 + security 35 + screening 15 + fuel 95.7
    assert (quote.carrier, quote.charge) == ("SkyCargo", 580.7)
    assert book.rate(Shipment("heavy", "air", "DE", "US", 6000.0)) is None
    assert book.rate(Shipment("sea", "sea", "DE", "US", 10.0)) is None


def test_hazardous_goods_only_on_allowed_lanes():
    book = TariffBook()
    quote = book.rate(Shipment("h", "road", "DE", "PL", 2000.0, hazardous=True))
    # EuroHaul would be cheaper (385.0) but refuses hazardous goods
    assert quote == Quote(
        "h",
        "RoadRunner",
        491.6,
        "RoadRunner [3 surcharges]: base 360.00, fuel 39.60, hazmat 80.00, toll 12.00",
    )
    plain = book.rate(Shipment("h", "road", "DE", "PL", 2000.0))
    assert (plain.carrier, plain.charge) == ("EuroHaul", 385.0)


def test_minimum_charge_applies():
    quote = TariffBook().rate(Shipment("tiny", "road", "NL", "DE", 5.0))
    # CityVan: max(20, 2.0) = 20 + fuel 1.8 = 21.8
    assert quote == Quote("tiny", "CityVan", 21.8, "CityVan [1 surcharges]: base 20.00, fuel 1.80")


def test_tariff_book_is_never_changed():
    before = copy.deepcopy(TariffBook.RULES)
    book = TariffBook()
    shipments = [
        Shipment(f"r{i}", mode, o, d, w, hazardous=i % 2 == 0)
        for i, (mode, o, d, w) in enumerate(
            [
                ("road", "DE", "FR", 800.0),
                ("road", "PL", "HU", 300.0),
                ("air", "CN", "JP", 40.0),
                ("air", "US", "DE", 900.0),
                ("road", "NL", "NL", 100.0),
            ]
        )
    ]
    quotes = book.rate_all(shipments)
    assert before == TariffBook.RULES
    assert list(quotes) == ["r0", "r1", "r2", "r3", "r4"]
    assert quotes == book.rate_all(shipments)
    assert "hazmat" not in TariffBook.RULES[0]["surcharges"]
    assert TariffBook.RULES[0]["surcharges"]["fuel"] == 0.11
