import copy

import pytest
from app import UnknownRecipe, make_scaler, prep_sheet, shopping_totals

CATALOGUE = {
    "risotto": {
        "yield": 4,
        "station": "sauce",
        "prep_minutes": 20,
        "minutes_per_10": 5,
        "allergens": ["dairy"],
        "ingredients": [
            {"item": "rice", "qty": 320, "unit": "g"},
            {"item": "stock", "qty": 1200, "unit": "ml"},
            {"item": "parmesan", "qty": 60, "unit": "g"},
            {"item": "onion", "qty": 1, "unit": "each"},
            {"item": "salt", "qty": 1, "unit": "tsp", "fixed": True},
        ],
    },
    "tart": {
        "yield": 8,
        "station": "pastry",
        "prep_minutes": 45,
        "allergens": ["gluten", "egg", "dairy"],
        "ingredients": [
            {"item": "flour", "qty": 250, "unit": "g"},
            {"item": "egg", "qty": 3, "unit": "each"},
        ],
    },
}
PRICES = {"rice": 0.004, "stock": 0.001, "parmesan": 0.03, "flour": 0.001, "egg": 0.25}


@pytest.fixture
def scale():
    return make_scaler(CATALOGUE, PRICES)


def test_scale_up_with_unit_conversion(scale):
    out = scale("risotto", 10)
    assert out["lines"] == [
        {"item": "rice", "qty": 800.0, "unit": "g"},
        {"item": "stock", "qty": 3.0, "unit": "l"},
        {"item": "parmesan", "qty": 150.0, "unit": "g"},
        {"item": "onion", "qty": 3.0, "unit": "each"},
        {"item": "salt", "qty": 1.0, "unit": "tsp"},
    ]
    assert out["cost"] == pytest.approx(10.7)
    assert out["minutes"] == 25
    assert out["allergens"] == ["dairy"]


def test_scale_down_rounds_to_steps(scale):
    out = scale("tart", 3)
    assert out["lines"] == [
        {"item": "flour", "qty": 95.0, "unit": "g"},
        {"item": "egg", "qty": 2.0, "unit": "each"},
    ]
    assert out["allergens"] == ["dairy", "egg", "gluten"]


def test_errors(scale):
    with pytest.raises(UnknownRecipe):
        scale("soup", 4)
    with pytest.raises(ValueError):
        scale("tart", 0)


def test_catalogue_not_modified(scale):
    before = copy.deepcopy(CATALOGUE)
    out = scale("tart", 16)
    out["lines"][0]["qty"] = -1
    out["allergens"].append("nuts")
    scale("risotto", 7)
    assert before == CATALOGUE
    assert scale("tart", 16)["lines"][0]["qty"] == 500.0


def test_prep_sheet_groups_and_sorts(scale):
    orders = [("north", "tart", 8), ("south", "risotto", 4), ("east", "risotto", 40)]
    sheet = prep_sheet(orders, scale)
    assert list(sheet) == ["pastry", "sauce"]
    assert [(j["outlet"], j["minutes"]) for j in sheet["sauce"]] == [("east", 40), ("south", 22)]
    assert sheet["pastry"][0]["outlet"] == "north"


def test_shopping_totals(scale):
    sheet = prep_sheet([("a", "risotto", 4), ("b", "risotto", 4), ("c", "tart", 8)], scale)
    totals = shopping_totals(sheet)
    assert totals[("rice", "g")] == 640.0
    assert totals[("stock", "l")] == 2.4
    assert totals[("egg", "each")] == 3.0
    assert list(totals) == sorted(totals)
