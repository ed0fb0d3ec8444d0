from __future__ import annotations

from app import Dish, allergens_in, label_menu


def test_groups_reported_in_regulation_order() -> None:
    found = allergens_in(["Sesame Oil", "prawn", "wheat flour", "garlic"])
    assert found == ["gluten", "crustaceans", "sesame"]


def test_one_ingredient_can_hit_several_groups() -> None:
    assert allergens_in(["brioche"]) == ["gluten", "eggs", "milk"]
    assert allergens_in(["soy  sauce"]) == ["gluten", "soybeans"]


def test_normalisation_and_exact_names() -> None:
    assert allergens_in(["Creme-Fraiche"]) == ["milk"]
    assert allergens_in(["almond milk"]) == []
    assert allergens_in(["butternut squash", "eggplant"]) == []


def test_label_text_and_traces() -> None:
    dishes = [
        Dish("Pad thai", ["rice noodles", "peanut", "fish sauce", "egg"], ["sesame seed", "egg"]),
        Dish("Green salad", ["lettuce", "cucumber", "olive oil"]),
        Dish("Fruit cup", ["melon"], ["almond"]),
    ]
    labels = label_menu(dishes)
    assert labels[0].contains == ("eggs", "fish", "peanuts")
    assert labels[0].may_contain == ("sesame",)
    assert labels[0].text == "Pad thai: contains eggs, fish, peanuts; may contain sesame"
    assert labels[1].text == "Green salad: no declarable allergens"
    assert labels[2].text == "Fruit cup: contains none; may contain nuts"


def test_empty_inputs() -> None:
    assert allergens_in([]) == []
    assert label_menu([]) == []
