"""Flame-graph trees from stack counts: one node per call path (root first), its inclusive
samples, and for a differential graph the change of its share between two ranges.

Pure: counts and stack paths in (as :func:`efficiency.store.flame_queries.stack_counts` gives
them), a table of nodes out, which :mod:`dashboards.charts` draws as an icicle. Paths below
``min_share`` of the samples are folded into their parent so a month of stacks stays a
readable, fast graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pandas as pd

ROOT = "all"


def _tree(
    counts: Mapping[int, int], paths: Mapping[int, tuple[str, ...]]
) -> tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], int]]:
    """Inclusive and self samples per call path."""
    total: dict[tuple[str, ...], int] = defaultdict(int)
    own: dict[tuple[str, ...], int] = defaultdict(int)
    for sid, n in counts.items():
        path = paths.get(sid, ())
        for depth in range(1, len(path) + 1):
            total[path[:depth]] += n
        if path:
            own[path] += n
    return total, own


def _frame(
    keep: list[tuple[str, ...]], value: Mapping[tuple[str, ...], float], root_value: float
) -> pd.DataFrame:
    ids = {path: f"n{i}" for i, path in enumerate(keep, start=1)}
    rows = [{"id": "n0", "parent": "", "label": ROOT, "function": ROOT, "depth": 0,
             "value": root_value}]  # fmt: skip
    for path in keep:
        rows.append({
            "id": ids[path], "parent": ids.get(path[:-1], "n0"), "label": path[-1].split(" (")[0],
            "function": path[-1], "depth": len(path), "value": float(value[path]),
        })  # fmt: skip
    return pd.DataFrame(rows)


def flame_nodes(
    counts: Mapping[int, int], paths: Mapping[int, tuple[str, ...]], min_share: float = 0.002
) -> pd.DataFrame:
    """Columns ``id, parent, label, function, depth, value, self, share``: one row per call
    path with at least ``min_share`` of the samples, plus the root."""
    total, own = _tree(counts, paths)
    samples = sum(counts.values())
    floor = samples * min_share
    keep = sorted((p for p, n in total.items() if n >= floor), key=lambda p: (len(p), p))
    frame = _frame(keep, total, float(samples))
    frame["self"] = [float(samples - sum(total[p] for p in keep if len(p) == 1))] + [
        float(own.get(p, 0)) for p in keep
    ]
    frame["share"] = frame["value"] / samples if samples else 0.0
    return frame


def diff_nodes(
    before: Mapping[int, int],
    after: Mapping[int, int],
    paths: Mapping[int, tuple[str, ...]],
    min_share: float = 0.002,
) -> pd.DataFrame:
    """A differential tree: ``before`` and ``after`` are stack counts of two ranges. Each
    node's size is its share before plus its share after (so both sides show), ``share_before``
    and ``share_after`` its inclusive shares and ``delta`` the change in percentage points
    (positive: it takes more of the service's time after)."""
    total_b, _ = _tree(before, paths)
    total_a, _ = _tree(after, paths)
    n_b, n_a = sum(before.values()) or 1, sum(after.values()) or 1
    share_b = {p: v / n_b for p, v in total_b.items()}
    share_a = {p: v / n_a for p, v in total_a.items()}
    size = {p: share_b.get(p, 0.0) + share_a.get(p, 0.0) for p in set(share_b) | set(share_a)}
    keep = sorted((p for p, v in size.items() if v >= 2 * min_share), key=lambda p: (len(p), p))
    frame = _frame(keep, size, 2.0)
    frame["share_before"] = [1.0] + [share_b.get(p, 0.0) for p in keep]
    frame["share_after"] = [1.0] + [share_a.get(p, 0.0) for p in keep]
    frame["delta"] = 100 * (frame["share_after"] - frame["share_before"])
    return frame


def top_functions(
    counts: Mapping[int, int], paths: Mapping[int, tuple[str, ...]], limit: int = 30
) -> pd.DataFrame:
    """Functions by self samples (recursion counted once per stack): columns ``function,
    self, inclusive, self_share, inclusive_share``."""
    own: dict[str, int] = defaultdict(int)
    incl: dict[str, int] = defaultdict(int)
    for sid, n in counts.items():
        path = paths.get(sid, ())
        if not path:
            continue
        own[path[-1]] += n
        for name in set(path):
            incl[name] += n
    samples = sum(counts.values()) or 1
    rows = [{"function": f, "self": own.get(f, 0), "inclusive": incl[f],
             "self_share": own.get(f, 0) / samples, "inclusive_share": incl[f] / samples}
            for f in incl]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["function", "self", "inclusive", "self_share",
                                        "inclusive_share"])  # fmt: skip
    return frame.sort_values(["self", "inclusive"], ascending=False).head(limit)


def stacks_with(paths: Mapping[int, tuple[str, ...]], function: str) -> tuple[set[int], set[int]]:
    """The stacks with ``function`` on top (self) and anywhere (inclusive)."""
    own = {sid for sid, p in paths.items() if p and p[-1] == function}
    anywhere = {sid for sid, p in paths.items() if function in p}
    return own, anywhere
