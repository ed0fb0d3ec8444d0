"""The NAB corpus for :mod:`benchmarks.nab`: the application profiles, the data files and
their labeled windows as row ranges."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from benchmarks.common import datasets_dir
from benchmarks.nab_scoring import Array, Profile

NAB = datasets_dir() / "nab"
PROFILE_ORDER = ("standard", "reward_low_FP_rate", "reward_low_FN_rate")


@dataclass
class Series:
    """One NAB data file with its windows as row ranges (inclusive, 0-based)."""

    key: str  #: ``category/file.csv`` as in the label files
    timestamps: pd.Series
    values: Array
    windows: list[tuple[int, int]]

    @property
    def category(self) -> str:
        return self.key.split("/")[0]

    @property
    def file_name(self) -> str:
        return self.key.split("/")[1]

    def labels(self) -> NDArray[np.int64]:
        """1 inside a window, 0 elsewhere: NAB's ``label`` column."""
        out = np.zeros(len(self.values), dtype=np.int64)
        for a, b in self.windows:
            out[a : b + 1] = 1
        return out


def load_profiles(root: Path = NAB) -> list[Profile]:
    raw = json.loads((root / "config" / "profiles.json").read_text())
    out = []
    for name in PROFILE_ORDER:
        cost = raw[name]["CostMatrix"]
        out.append(Profile(name, cost["tpWeight"], cost["fpWeight"], cost["fnWeight"]))
    return out


def window_rows(timestamps: pd.Series, windows: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """Window limits (timestamps) to row ranges. NAB enters a window only at a row whose
    timestamp equals its start, so a limit that is not a row of the file is an error here."""
    stamps = pd.DatetimeIndex(timestamps).as_unit("ns").asi8

    def first_row(limit: str) -> int:  # NAB takes the first row with that timestamp
        hits = np.flatnonzero(stamps == pd.Timestamp(limit).as_unit("ns").value)
        return int(hits[0]) if hits.size else -1

    rows = []
    for start, end in windows:
        a, b = first_row(start), first_row(end)
        if a < 0 or b < 0 or b < a:
            raise ValueError(f"window {start} .. {end} does not match rows of the file")
        rows.append((int(a), int(b)))
    return rows


def load_corpus(root: Path = NAB) -> list[Series]:
    windows = json.loads((root / "labels" / "combined_windows.json").read_text())
    corpus = []
    for key in sorted(windows):
        frame = pd.read_csv(root / "data" / key)
        stamps = pd.to_datetime(frame["timestamp"])
        corpus.append(
            Series(
                key=key,
                timestamps=frame["timestamp"],
                values=frame["value"].to_numpy(dtype=np.float64),
                windows=window_rows(stamps, windows[key]),
            )
        )
    return corpus
