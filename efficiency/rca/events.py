"""How far an event count series (log lines, spans) moved at ``T``: counts, judged as counts.

``efficiency ingest logs`` and ``ingest spans`` store per-minute counts per service: lines per
level and per message template, calls per operation (:mod:`efficiency.ingest.logs`,
:mod:`efficiency.ingest.spans`). Nezha (Yu et al., FSE 2023) finds code-level faults from
exactly such events: a template or an operation whose frequency changes at the fault, most of
all one that was never seen before. Two things make counts unlike the metric series
:func:`efficiency.rca.signals.series_move` judges:

- most of them sit at **zero** in their history (an error template that never happened): a
  robust scale of zero would make one line a move of a hundred units. A count's noise is at
  least Poisson's, so its scale is ``sqrt(mean + 1)`` or the history's own spread, whichever
  is larger: one new error line per minute is a move of about 1, forty of them of about 40;
- the history can be **short** (logs are often kept, or sampled, for minutes around a
  problem): ``min_history`` (2) minutes are enough, since a count's scale does not need to be
  learned from its spread.

Which counts are evidence, and in which direction:

- ``log_error_lines``, ``log_warn_lines``, ``span_errors`` and the templates of error, warn
  (and unknown-level) lines: **rises** only — a service starting to fail logs them;
- templates of info and debug lines and ``span_calls`` per operation: **falls relative to
  the calls into the service** (:func:`share_moves`; the sum of its ``edge_requests``). A
  statement that stops being reached, or an operation that stops being called, while the
  calls keep coming is what an exception thrown before it leaves; their plain counts move
  with the traffic every caller and callee of a failing service also sees, so they are not
  judged on their own; nor is ``log_lines``.

A trouble template whose text **names another service** (``No instances available for
ts-route-service``, ``Connection refused: orders``, ``call to orders failed``) is evidence
about the named service, not about the one that logged it (:func:`named_service`): a caller
logs what its callee did to it. The names are the known services (every service the ranked
series name), matched as whole names, case-insensitively; a template naming several is
given to the longest name it contains (the most specific one).

The result has the shape of :class:`~efficiency.rca.signals.SeriesMove` (z over the series'
own record: the surprise), so the ranking treats a log template like any other series.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from efficiency.rca.signals import SeriesMove, summarise

#: count series that ``ingest logs`` / ``ingest spans`` write, judged by :func:`count_move`
COUNT_SERIES = frozenset(
    {"log_lines", "log_error_lines", "log_warn_lines", "log_template_lines", "span_calls",
     "span_errors"}
)  # fmt: skip
_TROUBLE_LEVELS = frozenset({"error", "warn", "other", "mixed"})


def is_count_series(name: str) -> bool:
    return name in COUNT_SERIES


def judged(name: str, labels: dict[str, str]) -> bool:
    """Whether a count series is evidence at all (see the module)."""
    if name in ("log_error_lines", "log_warn_lines", "span_errors"):
        return True
    return name == "log_template_lines" and labels.get("level", "") in _TROUBLE_LEVELS


def named_service(labels: dict[str, str], logger: str, known: Iterable[str]) -> str | None:
    """The known service, other than ``logger``, that a trouble template's text names
    (the longest such name), else None (see the module)."""
    text = labels.get("template", "")
    if not text or labels.get("level", "") not in _TROUBLE_LEVELS:
        return None
    found = [
        name
        for name in known
        if name and name != logger and _name_pattern(name).search(text) is not None
    ]
    return max(found, key=lambda n: (len(n), n)) if found else None


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class EventParams:
    """How an event count's move at ``T`` is measured (``rca.*`` config keys)."""

    history: timedelta = timedelta(minutes=60)
    after: timedelta = timedelta(minutes=5)
    lead: timedelta = timedelta(minutes=1)
    #: fewest history minutes for a count to be judged
    min_history: int = 2
    #: added to the mean under the square root: the noise of a count that was always zero
    prior: float = 1.0
    #: the move is the ``persist``-th largest z of the window
    persist: int = 1
    #: quantile of the history's own z-scores a move is measured against
    record_quantile: float = 0.8
    #: z from which a window minute counts as moved (the onset)
    onset_z: float = 3.0
    #: weight of event evidence against metric evidence in a service's abnormality
    weight: float = 1.0
    #: judge a template's or operation's share of the calls only when it is expected this
    #: many times a minute (fewer: one missing line is noise)
    min_expected: float = 3.0
    #: the count series judged on their share of the calls into their service
    share_of: tuple[str, ...] = ("log_template_lines", "span_calls")


def count_move(
    ts: pd.DatetimeIndex, values: np.ndarray, at: pd.Timestamp, params: EventParams
) -> SeriesMove | None:
    """The rise of one count series (``ts`` sorted) at ``at``; None when it cannot be
    judged (fewer than ``min_history`` history minutes, or none in the window)."""
    start, lead_at = at - pd.Timedelta(params.history), at - pd.Timedelta(params.lead)
    end = at + pd.Timedelta(params.after)
    hist_mask = (ts >= start) & (ts < lead_at)
    win_mask = (ts >= lead_at) & (ts <= end)
    if hist_mask.sum() < params.min_history or not win_mask.any():
        return None
    return _rise(values[hist_mask], values[win_mask], ts[win_mask], params)


def _rise(
    hist: np.ndarray, window: np.ndarray, win_ts: pd.DatetimeIndex, params: EventParams
) -> SeriesMove:
    mean = float(np.mean(hist))
    spread = float(np.quantile(np.abs(hist - np.median(hist)), 0.75))
    scale = max(math.sqrt(mean + params.prior), spread)
    z = np.maximum((window - mean) / scale, 0.0)
    hist_z = np.maximum((hist - mean) / scale, 0.0)
    return summarise(
        z, hist_z, win_ts, window, mean, scale,
        persist=params.persist, record_quantile=params.record_quantile, onset_z=params.onset_z,
    )  # fmt: skip


def _move(
    ts: pd.DatetimeIndex, z_all: np.ndarray, values: np.ndarray, expected: np.ndarray,
    hist: np.ndarray, win: np.ndarray, params: EventParams,
) -> SeriesMove:  # fmt: skip
    expect = expected[win]
    return summarise(
        z_all[win], z_all[hist], ts[win], values[win], expect, np.sqrt(expect + params.prior),
        persist=params.persist, record_quantile=params.record_quantile, onset_z=params.onset_z,
    )  # fmt: skip


def share_moves(
    points: pd.DataFrame, at: pd.Timestamp, params: EventParams
) -> list[tuple[int, str, dict[str, str], SeriesMove]]:
    """Falls of info templates and operations relative to the calls into their service.

    The history gives each one's calls-share ``rho`` (its count over the calls into the
    service, summed over the history minutes); a window minute expects ``rho x calls`` and
    the fall is ``(expected - count) / sqrt(expected + prior)``. The value shown is the
    count, the baseline what was expected."""
    names = points["name"]
    edges = points[names == "edge_requests"]
    if edges.empty:
        return []
    callee = edges["labels"].map(lambda lb: lb.get("destination_workload", ""))
    calls = edges.groupby([callee, edges["ts"]])["value"].sum()
    start, lead_at = at - pd.Timedelta(params.history), at - pd.Timedelta(params.lead)
    end = at + pd.Timedelta(params.after)
    candidates = points[names.isin(params.share_of)]
    out = []
    for series_id, group in candidates.groupby("series_id", sort=False):
        labels = dict(group["labels"].iloc[0])
        name = str(group["name"].iloc[0])
        if name == "log_template_lines" and labels.get("level") not in ("info", "debug"):
            continue
        service = labels.get("service", "")
        if service not in calls.index.get_level_values(0):
            continue
        traffic = calls.loc[service]
        ts = pd.DatetimeIndex(group["ts"])
        mine = traffic.reindex(ts).to_numpy(np.float64)
        ok = ~np.isnan(mine)
        ts, mine, values = ts[ok], mine[ok], group["value"].to_numpy(np.float64)[ok]
        hist = (ts >= start) & (ts < lead_at)
        win = (ts >= lead_at) & (ts <= end)
        if hist.sum() < params.min_history or not win.any() or mine[hist].sum() <= 0:
            continue
        rho = values[hist].sum() / mine[hist].sum()
        expected = rho * mine
        if np.median(expected[hist]) < params.min_expected:
            continue
        z_all = np.maximum((expected - values) / np.sqrt(expected + params.prior), 0.0)
        move = _move(ts, z_all, values, expected, hist, win, params)
        out.append((int(series_id), name, labels, move))
    return out
