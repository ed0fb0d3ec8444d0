"""dataloader-workers: exact rewrites, the same batches before and after, refusals.

torch is not installed here: the samples define a stand-in ``DataLoader`` with the real one's
positional parameters, and the codemod matches by name.
"""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

LOADER = codemod("dataloader-workers")

STAND_IN = """\
class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, **rest):
        self.dataset, self.batch_size = dataset, batch_size
        self.num_workers, self.pin_memory = num_workers, pin_memory

    def __iter__(self):
        for start in range(0, len(self.dataset), self.batch_size):
            yield list(self.dataset[start:start + self.batch_size])


class IterableDataset:
    pass


class Stream(IterableDataset):
    pass


class utils:
    class data:
        DataLoader = DataLoader


class torch:
    utils = utils

"""

SOURCE = (
    STAND_IN
    + """
def loaders(ds):
    a = DataLoader(ds, batch_size=2)
    b = torch.utils.data.DataLoader(
        ds,
        batch_size=3,  # big batches
    )
    c = DataLoader(ds, 4,
                   shuffle=False)
    d = DataLoader(ds, num_workers=0)
    e = DataLoader(ds, 1, False, None, None, 2, None, False)
    return a, b, c, d, e
"""
)

AFTER = (
    STAND_IN
    + """
def loaders(ds):
    a = DataLoader(ds, batch_size=2, num_workers=4, pin_memory=True)
    b = torch.utils.data.DataLoader(
        ds,
        batch_size=3,  # big batches
        num_workers=4,
        pin_memory=True,
    )
    c = DataLoader(ds, 4,
                   shuffle=False,
                   num_workers=4,
                   pin_memory=True)
    d = DataLoader(ds, num_workers=0, pin_memory=True)
    e = DataLoader(ds, 1, False, None, None, 2, None, False)
    return a, b, c, d, e
"""
)


def test_missing_keywords_are_added_in_the_calls_own_layout() -> None:
    result = LOADER.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 4
    assert "num_workers=4" in result.summary and "pin_memory=True" in result.summary


def test_same_batches_and_explicit_values_untouched() -> None:
    dataset = list(range(10))
    before = load(SOURCE)["loaders"](dataset)
    after = load(LOADER.apply(SOURCE).source)["loaders"](dataset)
    assert [list(x) for x in before] == [list(x) for x in after]
    assert [(x.num_workers, x.pin_memory) for x in after] == [
        (4, True),
        (4, True),
        (4, True),
        (0, True),
        (2, False),
    ]


def test_parameters_choose_the_values() -> None:
    source = STAND_IN + "def f(ds):\n    return DataLoader(ds)\n"
    result = LOADER.apply(source, params={"num_workers": 8, "pin_memory": False})
    assert result.source.endswith("return DataLoader(ds, num_workers=8)\n")
    assert load(result.source)["f"]([1]).num_workers == 8
    with pytest.raises(ValueError, match="num_workers"):
        LOADER.apply(source, params={"num_workers": "4"})
    with pytest.raises(ValueError, match="pin_memory"):
        LOADER.apply(source, params={"pin_memory": 1})
    with pytest.raises(ValueError, match="num_workers"):
        LOADER.apply("x = 1\n", params={"num_workers": -1})  # checked even with nothing to do


def test_an_iterable_dataset_or_a_lambda_gets_no_workers() -> None:
    source = STAND_IN + (
        "def f(ds):\n    s = Stream()\n    a = DataLoader(s)\n    b = DataLoader(Stream())\n"
        "    c = DataLoader(ds, collate_fn=lambda b: b)\n    return a, b, c\n"
    )
    result = LOADER.apply(source)
    assert "num_workers" not in result.source.split("def f")[1]
    assert result.source.count("pin_memory=True") == 3
    assert "IterableDataset" in result.summary and "lambda" in result.summary


REFUSED = {
    "both given": "def f(ds):\n    return DataLoader(ds, num_workers=2, pin_memory=False)\n",
    "kwargs": "def f(ds, kw):\n    return DataLoader(ds, **kw)\n",
    "star args": "def f(a):\n    return DataLoader(*a)\n",
    "other class": "def f(ds):\n    return Loader(ds)\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = LOADER.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_import_aliases_are_matched() -> None:
    source = "from torch.utils.data import DataLoader as DL\n\nloader = DL(range(3))\n"
    result = LOADER.apply(source)
    assert result.source.endswith("loader = DL(range(3), num_workers=4, pin_memory=True)\n")
