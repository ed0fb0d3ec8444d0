"""deepcopy-read-only through a defensive property or no-argument method read inside its own
class (``deepcopy_properties``): the class's read-only readers read an uncopied view, the
property keeps copying for everyone else, an override or patch still runs; refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from unittest import mock

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

#: the venue_seating spelling: a @property, a reader returning an element, Decimal arithmetic
PROPERTY = """\
import copy
from decimal import Decimal

CONFIG = {
    "fee": "2.50",
    "tiers": [{"name": "front", "rows": [1, 8], "base": "89.00"},
              {"name": "rear", "rows": [9, 30], "base": "64.00"}],
    "mods": {"aisle": "1.05", "view": "0.70"},
}


class Pricer:
    def __init__(self, config=None, demand=1):
        self._config = config if config is not None else CONFIG
        self.demand = Decimal(str(demand))

    @property
    def settings(self):
        return copy.deepcopy(self._config)

    def tier_for(self, row):
        for tier in self.settings["tiers"]:
            low, high = tier["rows"]
            if low <= row <= high:
                return tier
        return None

    def price(self, row, flags):
        tier = self.tier_for(row)
        if tier is None:
            return None
        amount = Decimal(tier["base"]) * self.demand  # a new number: += changes no data
        mods = self.settings["mods"]
        for flag in sorted(flags):
            if flag in mods:
                amount *= Decimal(mods[flag])
        amount += Decimal(self.settings["fee"])
        return str(amount)


def run(row, flags):
    return Pricer().price(row, flags)


def leak(row):
    pricer = Pricer()
    pricer.settings["mods"]["aisle"] = "9"
    tier = pricer.tier_for(row)
    if tier is not None:
        tier["base"] = "0"
    return [pricer.price(row, ["aisle"]), CONFIG["mods"]["aisle"], CONFIG["tiers"][0]["base"]]
"""

#: a no-argument method called through self
METHOD = (
    PROPERTY.replace("    @property\n", "")
    .replace('self.settings["', 'self.settings()["')
    .replace('pricer.settings["', 'pricer.settings()["')
)

#: ``from copy import deepcopy`` with another attribute, .get, in, iteration, len
FROM_IMPORT = """\
from copy import deepcopy


class Rules:
    def __init__(self, settings):
        self._settings = settings

    @property
    def rules(self):
        return deepcopy(self._settings)

    def allowed(self, user, region):
        if user in self.rules["banned"]:
            return False
        quota = self.rules.get("quota", {}).get(region, 0)
        hits = sum(1 for r in self.rules["regions"] if r == region)
        return quota > 0 and hits > 0 and len(self.rules["banned"]) < 5


SETTINGS = {"banned": ["eve"], "quota": {"eu": 3, "us": 0}, "regions": ["eu", "us"]}


def run(user, region):
    return Rules(SETTINGS).allowed(user, region)


def leak(user, region):
    rules = Rules(SETTINGS)
    rules.rules["banned"].append(user)
    return [rules.allowed(user, region), SETTINGS["banned"]]
"""

#: ``import copy as cp``, a method of the class reading it twice with arithmetic
ALIASED = PROPERTY.replace("import copy\n", "import copy as cp\n").replace(
    "copy.deepcopy(self._config)", "cp.deepcopy(self._config)"
)

CALLS = [(3, ["aisle"]), (12, ["view", "aisle", "x"]), (40, []), (1, [])]


@pytest.mark.parametrize(
    ("source", "view"),
    [
        (PROPERTY, "Pricer.__settings_view(self)"),
        (METHOD, "Pricer.__settings_view(self)"),
        (ALIASED, "Pricer.__settings_view(self)"),
    ],
    ids=["property", "no-argument method", "import copy as cp"],
)
def test_the_readers_read_a_view_with_the_same_results(source: str, view: str) -> None:
    result = DEEP.apply(source)
    after = result.source
    assert result.sites == 3, result.summary
    assert f'for tier in {view}["tiers"]:' in after
    # tier_for, a method price relies on, is checked to be the class's own
    assert f'mods = ({view} if _pricer_unchanged(self, "tier_for") else self.settings' in after
    assert "deepcopy(tier)" in after  # the element that leaves is still a copy
    assert "deepcopy(self._config)\n" in after  # the property keeps copying for others
    same_results(source, after, "run", *CALLS)
    # the defensive copy: changing what the property (and tier_for) hand out changes nothing
    same_results(source, after, "leak", (3,), (12,), (40,))
    assert load(after)["leak"](3) == ["95.9500", "1.05", "89.00"]


def test_from_copy_import_deepcopy_with_another_attribute() -> None:
    result = DEEP.apply(FROM_IMPORT)
    after = result.source
    assert result.sites == 4, result.summary
    assert 'if user in Rules.__rules_view(self)["banned"]:' in after
    assert "    @property\n    def rules(self):\n        return deepcopy(self._settings)\n" in after
    assert "settings → " not in result.summary and "rules → __rules_view()" in result.summary
    calls = [("eve", "eu"), ("bob", "eu"), ("bob", "us"), ("bob", "xx")]
    same_results(FROM_IMPORT, after, "run", *calls)
    same_results(FROM_IMPORT, after, "leak", ("bob", "eu"))


def test_an_override_a_patch_or_an_attribute_hook_still_runs_the_property() -> None:
    after = DEEP.apply(PROPERTY).source
    pricer_class = load(after)["Pricer"]

    class Cheap(pricer_class):  # type: ignore[misc, valid-type]
        @property
        def settings(self) -> dict[str, Any]:
            return {"fee": "0", "tiers": [{"rows": [1, 99], "base": "1"}], "mods": {}}

    assert Cheap().price(50, ["aisle"]) == "1"
    fake = {"fee": "1", "tiers": [{"rows": [1, 99], "base": "5"}], "mods": {}}
    with mock.patch.object(pricer_class, "settings", new=property(lambda self: fake)):
        assert pricer_class().price(50, []) == "6"
    looked: list[str] = []

    class Watched(pricer_class):  # type: ignore[misc, valid-type]
        def __getattribute__(self, name: str) -> Any:
            looked.append(name)
            return super().__getattribute__(name)

    assert Watched().price(3, []) == "91.50"
    assert looked.count("settings") == 3  # every read still goes through the property
    assert pricer_class().price(3, ["aisle"]) == "95.9500"


def test_a_caller_borrowed_by_another_class_reads_its_attribute() -> None:
    after = DEEP.apply(PROPERTY).source
    pricer_class = load(after)["Pricer"]

    class Other:
        settings = {"fee": "0", "tiers": [{"rows": [1, 9], "base": "7"}], "mods": {}}

    assert pricer_class.tier_for(Other(), 2) == {"rows": [1, 9], "base": "7"}


REFUSED = {
    "a reader that changes a nested value": (
        '    def discount(self):\n        tiers = self.settings["tiers"]\n'
        '        tiers[0]["base"] = "0"\n        return tiers[0]["base"]\n',
        "assigns to a subscript or attribute",
    ),
    "a reader that stores the value on self": (
        '    def remember(self):\n        self.mods = self.settings["mods"]\n'
        '        return self.mods["aisle"]\n',
        "assigns to a subscript or attribute",
    ),
    "a reader that calls a changing method between the reads": (
        '    def reload(self):\n        self._config["mods"]["aisle"] = "2"\n\n'
        '    def twice(self):\n        mods = self.settings["mods"]\n        self.reload()\n'
        '        return [mods["aisle"], mods["view"]]\n',
        "self.reload",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsafe_readers_keep_the_property(case: str) -> None:
    reader, reason = REFUSED[case]
    source = PROPERTY.replace("\n\ndef run(", f"\n{reader}\n\ndef run(")
    name = reader.split("def ")[-1].split("(")[0]
    result = DEEP.apply(source)
    after = result.source
    text = after[after.index(f"    def {name}(") :].split("\n\n")[0]
    assert "self.settings[" in text and "__settings_view" not in text, result.summary
    assert reason in result.summary, result.summary
    assert "    @property\n    def settings(self):\n" in after
    module = load(after)
    before = load(source)
    assert getattr(module["Pricer"](), name)() == getattr(before["Pricer"](), name)()


def test_a_subclass_in_the_module_overriding_the_property_is_left_alone() -> None:
    source = PROPERTY + (
        "\n\nclass Flat(Pricer):\n    @property\n    def settings(self):\n"
        '        return {"fee": "0", "tiers": [], "mods": {}}\n'
    )
    result = DEEP.apply(source)
    assert "__settings_view" not in result.source, result.summary
    assert 'for tier in self.settings["tiers"]:' in result.source


def test_a_property_read_only_outside_its_class_is_not_touched() -> None:
    source = PROPERTY.replace('self.settings["', 'CONFIG_COPY["').replace(
        "    def tier_for", "    CONFIG_COPY = CONFIG\n\n    def tier_for"
    )
    result = DEEP.apply(source)
    assert "__settings_view" not in result.source, result.summary


def test_decimal_is_a_read() -> None:
    result = DEEP.apply(PROPERTY)
    assert result.changed
    assert load(result.source)["run"](3, ["aisle"]) == str(
        Decimal("89.00") * Decimal("1.05") + Decimal("2.50")
    )


VIEWS = """\
import copy


class Menu:
    def __init__(self):
        self._config = {"mods": {"aisle": 1, "view": 2}}

    @property
    def settings(self):
        return copy.deepcopy(self._config)

    def names(self):
        return self.settings["mods"].METHOD()


def run():
    return sorted(map(str, Menu().names()))
"""


@pytest.mark.parametrize("method", ["keys", "values", "items"])
def test_a_returned_dict_view_keeps_the_copy(method: str) -> None:
    """A dict view cannot be deep-copied where it leaves (TypeError): the original returned
    a view of the property's copy."""
    source = VIEWS.replace("METHOD", method)
    result = DEEP.apply(source)
    if result.changed:
        same_results(source, result.source, "run", ())
    assert not result.changed


OWN_DECIMAL = """\
import copy


class Decimal:
    \"\"\"A mutable amount of the module's own, not decimal.Decimal.\"\"\"

    def __init__(self, v):
        self.v = [v]

    def __iadd__(self, other):
        self.v.append(other)
        return self


PRICES = {"fee": Decimal(1)}


def bumped(prices: dict[str, Decimal]):
    copied = copy.deepcopy(prices)
    amount = copied["fee"]
    amount += 2
    return len(amount.v)


def run():
    first = bumped(PRICES)
    return first, len(PRICES["fee"].v)
"""


@pytest.mark.parametrize(
    "binding", ["", "from money import Decimal\n", "import decimal\nDecimal = list\n"]
)
def test_a_decimal_that_is_not_decimal_decimal_is_no_scalar(binding: str) -> None:
    """``Decimal`` is a number only as ``from decimal import Decimal``: a class of the module's
    own (or another module's) may change in place under ``+=``."""
    source = OWN_DECIMAL
    if binding:
        source = source.replace("import copy\n", "import copy\n" + binding)
    result = DEEP.apply(source)
    if not binding:
        assert load(source)["run"]() == (2, 1)  # the copy's amount grew, not PRICES'
    assert not result.changed, result.source


@pytest.mark.parametrize(
    "body",
    [
        "out = self.settings['mods'].keys() if self._config else None\n        return out",
        "out = self.settings.get('mods').items()\n        return out",
        "out = self.settings['mods'].values() or None\n        return out",
    ],
)
def test_a_dict_view_bound_to_a_name_that_leaves_keeps_the_copy(body: str) -> None:
    source = VIEWS.replace('return self.settings["mods"].METHOD()', body)
    result = DEEP.apply(source)
    if result.changed:
        same_results(source, result.source, "run", ())
    assert not result.changed
