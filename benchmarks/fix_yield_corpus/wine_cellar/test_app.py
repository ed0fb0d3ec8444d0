from app import Cellar, Listing, detect_size, detect_varietal, drinking_window, parse_listing


def test_varietal_canonical_case():
    assert detect_varietal("2018 Ridge ZINFANDEL Lytton Springs") == "Zinfandel"
    assert detect_varietal("nero d'avola, sicily") == "Nero d'Avola"


def test_varietal_prefers_longer_names_and_word_boundaries():
    assert detect_varietal("Cabernet Sauvignon Blanc blend") == "Cabernet Sauvignon"
    assert detect_varietal("2020 Sauvignon Blanc Marlborough") == "Sauvignon Blanc"
    assert detect_varietal("Pinot Grisaille 2019") is None
    assert detect_varietal("Pinot Gris 2019") == "Pinot Gris"
    assert detect_varietal("Merlotte rose") is None


def test_first_grape_mentioned_wins():
    assert detect_varietal("Syrah / Grenache / Mourvedre") == "Syrah"


def test_parse_listing_full():
    listing = parse_listing("2016 Ch. Montrose Cabernet Sauvignon magnum x6")
    assert listing == Listing(
        "2016 Ch. Montrose Cabernet Sauvignon magnum x6", 2016, "Cabernet Sauvignon", 1500, 6
    )


def test_parse_listing_nv_and_quantity_forms():
    nv = parse_listing("NV Dr. Loosen Riesling 2 bottles")
    assert (nv.vintage, nv.varietal, nv.quantity, nv.size_ml) == (None, "Riesling", 2, 750)
    assert parse_listing("1999 Vietti Nebbiolo 375ml 3 btl").quantity == 3
    assert parse_listing("2001 Guigal Syrah").quantity == 1


def test_detect_size():
    assert detect_size("Felton Road Pinot Noir 1.5L") == 1500
    assert detect_size("something, half") == 375
    assert detect_size("plain") == 750


def test_drinking_window():
    assert drinking_window(Listing("", 2010, "Nebbiolo", 750, 1)) == (2020, 2040)
    assert drinking_window(Listing("", 2010, "Gamay", 1500, 1)) == (2011, 2019)
    assert drinking_window(Listing("", None, "Gamay", 750, 1)) is None


def test_cellar_receive_and_ready():
    cellar = Cellar()
    added = cellar.receive(
        [
            "# page 1",
            "2015 Guigal Syrah x6",
            "2015 Guigal SYRAH 75cl 2 bottles",
            "2021 Catena Malbec",
            "Penfolds gift box assorted",
            "   ",
            "1990 CVNE Tempranillo magnum",
        ]
    )
    assert added == 10
    assert cellar.bottles() == 10
    assert cellar.unparsed == ["Penfolds gift box assorted"]
    assert cellar.stock[(2015, "Syrah", 750)] == 8
    assert cellar.ready_to_drink(2025) == [(2015, "Syrah", 750, 8), (2021, "Malbec", 750, 1)]
    assert cellar.ready_to_drink(2010) == [(1990, "Tempranillo", 1500, 1)]
