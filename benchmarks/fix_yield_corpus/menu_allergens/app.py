"""Menu labelling: flag the regulated allergens present in each dish's recipe."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

# EU FIC Annex II style groups; ingredient names as they appear in supplier specs.
# fmt: off
ALLERGEN_SOURCES: dict[str, list[str]] = {
    "gluten": [
        "wheat flour", "spelt", "rye", "barley", "oats", "semolina", "couscous", "bulgur",
        "durum wheat", "malt extract", "breadcrumbs", "seitan", "farro", "kamut", "panko",
        "udon", "soy sauce", "beer", "pasta", "brioche",
    ],
    "crustaceans": ["prawn", "shrimp", "crab", "lobster", "langoustine", "crayfish", "krill"],
    "eggs": [
        "egg", "egg yolk", "egg white", "mayonnaise", "aioli", "meringue", "albumen",
        "hollandaise", "brioche", "fresh pasta",
    ],
    "fish": [
        "anchovy", "cod", "salmon", "tuna", "fish sauce", "worcestershire sauce", "bonito",
    ],
    "peanuts": ["peanut", "peanut butter", "groundnut oil", "satay sauce"],
    "soybeans": ["soy sauce", "tofu", "edamame", "miso", "tempeh", "soy lecithin", "tamari"],
    "milk": [
        "butter", "cream", "milk", "whey", "yoghurt", "parmesan", "mozzarella", "ricotta",
        "ghee", "buttermilk", "creme fraiche", "mascarpone", "feta", "paneer", "brioche",
        "custard", "cheddar", "gruyere", "skimmed milk powder", "casein",
    ],
    "nuts": [
        "almond", "hazelnut", "walnut", "cashew", "pecan", "pistachio", "macadamia",
        "brazil nut", "praline", "marzipan", "pesto", "frangipane", "nougat",
    ],
    "celery": ["celery", "celeriac", "celery salt", "celery seed"],
    "mustard": ["mustard", "dijon mustard", "mustard seed", "wholegrain mustard"],
    "sesame": ["sesame seed", "sesame oil", "tahini", "hummus", "halva", "gomasio"],
    "sulphites": ["white wine", "red wine", "dried apricot", "wine vinegar", "sherry"],
    "lupin": ["lupin flour", "lupin seed"],
    "molluscs": ["mussel", "clam", "oyster", "squid", "octopus", "scallop", "oyster sauce"],
}
# fmt: on

# Every ingredient that triggers at least one group; most recipe lines match none of them.
DECLARABLE = [name for sources in ALLERGEN_SOURCES.values() for name in sources]


@dataclass
class Dish:
    name: str
    ingredients: list[str]
    may_contain: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Label:
    dish: str
    contains: tuple[str, ...]
    may_contain: tuple[str, ...]

    @property
    def text(self) -> str:
        if not self.contains and not self.may_contain:
            return f"{self.dish}: no declarable allergens"
        parts = [f"{self.dish}: contains {', '.join(self.contains) or 'none'}"]
        if self.may_contain:
            parts.append(f"may contain {', '.join(self.may_contain)}")
        return "; ".join(parts)


def _normalise(ingredient: str) -> str:
    return " ".join(ingredient.lower().replace("-", " ").split())


def allergens_in(ingredients: list[str]) -> list[str]:
    """Allergen groups hit by ``ingredients``, in ALLERGEN_SOURCES order."""
    names = [name for name in map(_normalise, ingredients) if name in DECLARABLE]
    if not names:
        return []
    found = []
    for allergen, sources in ALLERGEN_SOURCES.items():
        if any(name in sources for name in names):
            found.append(allergen)
    return found


def label_menu(dishes: list[Dish]) -> list[Label]:
    labels = []
    for dish in dishes:
        contains = allergens_in(dish.ingredients)
        traces = [a for a in allergens_in(dish.may_contain) if a not in contains]
        labels.append(Label(dish.name, tuple(contains), tuple(traces)))
    free = sum(1 for label in labels if not label.contains)
    logger.debug("labelled %d dishes, %d allergen-free", len(labels), free)
    return labels
