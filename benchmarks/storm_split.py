"""Alert storms, development and test split, with and without the service topology.

The development split is :func:`benchmarks.storm.generate_storm` (our generator) and the
held-out generator's seeds that have been read while changing the correlator (101-103 and 201:
they were the test split until rules were found by reading their losses, so they are
development storms now), and its seeds 1001-1100 (a fresh draw, batch and stream only, added
to check that what was fitted on the seeds above generalises); settings may be tuned on it.
The test split is
:func:`benchmarks.storm_heldout.generate_heldout_storm` (an independently designed generator)
on fresh seeds (501-503, 601) that no rule was fitted to. Every storm is correlated through the
default path a user gets - ``Correlator()`` with default rules - twice, once given the
dependency graph and once not, and in two deliveries:

- **batch**: the whole storm in one :meth:`Correlator.add` (one large webhook);
- **stream**: in Alertmanager's rhythm, every 30 s of event time the alerts that started in it
  (changes and detections when they happen), so incidents open early and later evidence has
  to join - or merge - them;
- **daemon**: the same rhythm through the daemon's own path - webhook bodies stored in a real
  SQLite file, the correlate stage after each, the topology from the services catalog, the
  grouping read back from the store (:mod:`benchmarks.storm_daemon`; no detections).

Metrics are :mod:`benchmarks.storm`'s: pairwise F1 pooled over the storms of a row (pair
counts summed), root cause first (hits summed), and ``topology >= none``: on how many storms
the topology-given grouping's F1 is at least the topology-free one's.

Run with ``make bench-storm-heldout``. It writes the "storm-heldout" section of
``docs/benchmarks.md`` (``--no-docs`` leaves it alone).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from benchmarks.common import cpu_model, load_average, write_section
from benchmarks.storm import (
    Storm,
    generate_storm,
    loss_breakdown,
    pairwise_scores,
    root_cause_hits,
)
from benchmarks.storm_daemon import correlate_through_stage
from benchmarks.storm_heldout import generate_heldout_storm
from benchmarks.storm_split_notes import NOTES
from efficiency.correlate import (
    AlertRecord,
    ChangeRecord,
    Correlator,
    DetectionRecord,
    Topology,
)

COMMAND = "make bench-storm-heldout"
STEP = timedelta(seconds=30)


def _event_time(record: AlertRecord | ChangeRecord | DetectionRecord) -> datetime:
    if isinstance(record, AlertRecord):
        return record.starts_at
    if isinstance(record, DetectionRecord):
        return record.onset_at
    return record.at


def correlate(
    storm: Storm, topology: bool, stream: bool
) -> tuple[list[str], dict[str, str | None]]:
    """The incident of each alert item and each incident's top service, by the default path."""
    correlator = Correlator(topology=Topology(dependencies=storm.topology) if topology else None)
    records = [*storm.changes, *storm.detections, *storm.alerts]
    at = {id(r): _event_time(r) for r in records}
    if not stream:
        correlator.add(records, max(at.values()))
    else:
        records.sort(key=lambda r: at[id(r)])
        tick = min(at.values()) + STEP
        batch: list = []
        for record in records:
            while at[id(record)] >= tick:
                correlator.add(batch, tick)
                batch, tick = [], tick + STEP
            batch.append(record)
        correlator.add(batch, tick)
    owner = {fp: key for key, inc in correlator.incidents.items() for fp in inc.alerts}
    for inc in correlator.incidents.values():
        merged_into = getattr(inc, "merged_into", None)
        if merged_into:
            for fp in inc.alerts:
                owner.setdefault(fp, merged_into)
    predicted = [owner.get(a.fingerprint, f"unassigned:{a.fingerprint}") for a in storm.alerts]
    top: dict[str, str | None] = {}
    for key, inc in correlator.incidents.items():
        services = [rc.name for rc in inc.root_causes if rc.kind == "service"]
        top[key] = services[0] if services else None
    return predicted, top


@dataclass
class Row:
    split: str
    storms: str
    delivery: str
    topology: bool
    tp: int = 0
    pred: int = 0
    true: int = 0
    hits: int = 0
    total: int = 0
    seed_f1: list[float] = field(default_factory=list)
    losses: Counter[str] = field(default_factory=Counter)

    @property
    def f1(self) -> float:
        p = self.tp / self.pred if self.pred else 1.0
        r = self.tp / self.true if self.true else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def measure(
    split: str,
    storms: str,
    make: Callable[[int], Storm],
    seeds: Sequence[int],
    delivery: str,
) -> tuple[Row, Row]:
    """(without topology, with topology) over ``seeds``."""
    rows = (Row(split, storms, delivery, False), Row(split, storms, delivery, True))
    for seed in seeds:
        storm = make(seed)
        for row in rows:
            if delivery == "daemon":
                predicted, top, _ = correlate_through_stage(storm, row.topology)
            else:
                predicted, top = correlate(storm, row.topology, delivery == "stream")
            cells = Counter(zip(predicted, storm.truth, strict=True))
            row.tp += sum(_pairs(n) for n in cells.values())
            row.pred += sum(_pairs(n) for n in Counter(predicted).values())
            row.true += sum(_pairs(n) for n in Counter(storm.truth).values())
            hits, total = root_cause_hits(predicted, storm.truth, storm.roots, top)
            row.hits += hits
            row.total += total
            row.seed_f1.append(pairwise_scores(predicted, storm.truth)[2])
            row.losses.update(loss_breakdown(predicted, storm.truth, list(storm.roots)))
            print(
                f"{split} {storms} seed {seed} {delivery} topology={row.topology}: "
                f"F1 {row.seed_f1[-1]:.3f} root {hits}/{total}",
                flush=True,
            )
    return rows


WHY = (
    "Reading the rows: without the call graph a failure's services share no label but the "
    "region (each service sits on its own nodes, there is no cluster label) and failures are "
    "staggered a minute or two apart, so only time and place link a caller to the dependency "
    "it failed from: the held-out generator's 'no topology' rows join by take-off in a "
    "region (last paragraph), our generator's (each service in one cluster, failures in one "
    "minute) keep each service's alerts a group of their own. Measured before this version "
    "(commit cf2073e, the same seeds; "
    "its daemon rows stored no detections), topology given: dev our generator 5,000 stream "
    "0.987; dev held-out generator ~600 batch 0.918, stream 0.803, daemon 0.802 (root first "
    "86% / 82%); seeds 104-125 batch 0.924, stream 0.863, daemon 0.853 (root first 92%, "
    "86%, 85%); ~5,000 batch 0.998, stream 0.988, daemon 0.987; test ~600 batch 0.956, "
    "stream 0.898, daemon 0.682 (root first 90%, 76%, 72%); ~5,000 batch 0.972, stream 0.826, "
    "daemon 0.826; no topology, test: ~600 0.463 / 0.464 / 0.464 (root first 79%), ~5,000 "
    "0.244 (75%). What changed, all found on the development split (the held-out "
    "generator's seeds 104-125 were read pair by pair, stream against batch and daemon "
    "against stream): (1) the daemon rows lost to the stream rows only because the daemon "
    "benchmark stored no detections (seed 112: stream 0.957, daemon 0.724, stream without "
    "its detections 0.724); it now stores them as the detect stage does, and daemon equals "
    "stream on all 25 dev storms of the held-out generator. (2) A stream's first batches show "
    "each service in one region only, so the cascade join took another region's failing "
    "dependency for the cause (seed 108 merged two failures of two regions): the correlator "
    "now remembers where each service has alerted, and a callee of an already open incident "
    "in the caller's own location is preferred to one elsewhere. (3) An open incident holds "
    "only services with a fifth of its loudest one's alerts; its quieter services are now "
    "callees a later caller may have failed from, as their buckets are in one batch (seed "
    "109 stream, with (2) and (4): 0.803 -> 0.971). (4) Alerts that continue a session an "
    "open incident holds (the "
    "same deployment, within the window) go to it, as one batch folds them into one bucket, "
    "when the incident holds a real part of the session in a location its main services run "
    "in (our generator's 5,000 seed 2 stream 0.838 without it). The cost: a background "
    "source on a failing service's database that joined early now brings its later alerts "
    "too (our generator's 5,000 stream 0.987 -> 0.983). Without the call graph nothing in a "
    "storm itself separates the failures: grouping buckets of one location that take off "
    "within a minute (tried before, not kept) raised the held-out generator's dev rows "
    "(~600 batch 0.526 -> 0.756) but lowered our generator's, whose failures all start in one "
    "minute (600 batch 0.556 -> 0.463, root first 88% -> 40%); and a lag-ordered "
    "co-occurrence learned inside one storm has nothing to learn from (service pairs taking "
    "off together within 90 s in two separate episodes: none on the dev ~600 storms, 6 on "
    "the ~5,000 one, 1 of them wrong). So the topology-free path now takes the call graph "
    "from where a fleet without a services file has it: the call-edge metric series in the "
    "store (a mesh's `source_workload`/`destination_workload`, read by the correlate stage) "
    "and the alerts' own peer labels (`destination_service`, `destination_workload`, "
    "`peer_service`, `upstream`, ...: `CorrelationRules.peer_labels`), both on by default; "
    "these storms carry neither, so their 'no topology' rows are unchanged. What the "
    "stream then still lost on the dev storms was mostly joins across regions made before "
    "the storm had shown any service alerting in two regions (seed 118: a caller in "
    "us-east-1 joined a database failing in ap-south-1 at minute 14), where a fleet that "
    "calls across clusters and one with a copy per region look alike. Issue 12, next "
    "version (measured before it, commit f5e682d, topology given: dev held-out generator "
    "~600 batch / stream / daemon 0.918 / 0.918 / 0.918, root first 82% / 86% / 86%; seeds "
    "104-125 0.924 / 0.944 / 0.944, root first 178 / 181 / 181 of 194; our generator and "
    "the ~5,000 rows as now but our 5,000 stream 0.983; test ~600 0.956 / 0.907 / 0.907, "
    "root first 90% / 79% / 79%; ~5,000 0.972 everywhere), all found on dev seeds 104-125 "
    "and 118: (5) when a service first alerts in two locations, a stream regroups each open "
    "incident as one batch of its alerts would be and splits out the groups that alerted "
    "only in locations its main group never did (`efficiency/correlate/split.py`; the "
    "daemon moves the stored alerts as the manual split does, with its audit rows): seed "
    "118 stream 0.978 -> 0.988, and 103, 105, 112, 123 up, none down. (6) Seeds 104, 110 "
    "and 120 were weak in batch because the cascade join read a callee's onset as exact: a "
    "store with 5 alerts scattered over two minutes stood 35 s after its first callers "
    "(seed 120), and a database whose session began with background alerts 400 s before its "
    "take-off looked like background (seed 110); the join now allows a callee's onset to "
    "stand late by the mean delay of its alerts over their number (the first of n scattered "
    "alerts lands about spread / n after the failure reached it) and reads a callee with a "
    "trickle long before by its take-off in the window before the caller (twice the alerts "
    "of the window before): seed 120 batch 0.417 -> 0.868, stream 0.511 -> 0.540; 104 "
    "stream 0.666 -> 0.880; 110 batch 0.748 -> 0.757. What is left on these three is a "
    "root whose few alerts come a minute or more after its callers' (104: 90 s, 110: 100 s) "
    "and, on a stream, an open incident read through the service its ranking puts first "
    "rather than the one that took off first (120; reading both lowered our generator's "
    "5,000 seed 5 stream 0.982 -> 0.975, not kept). Issue 12, no-topology version "
    "(`efficiency/correlate/takeoff.py`; measured before it, commit 2accbb3, no topology, "
    "batch / stream / daemon: dev held-out generator ~600 0.526 / 0.528 / 0.528, root first "
    "18/28; seeds 104-125 0.447 / 0.449 / 0.449, root first 146/194; ~5,000 0.385 / 0.386 / "
    "0.386, root first 17/21; our generator 0.561 and 0.556 as now; test ~600 0.463 / 0.464 "
    "/ 0.464, root first 79%; ~5,000 0.244, 75%; the topology rows as now). With no call "
    "graph at all (no services file, mesh call metrics or peer labels) and a fleet that runs "
    "a copy of its services per location (a service has alerted in two regions, so calls "
    "stay in their region), a group whose head takes off at most `takeoff_lag` (60 s) after "
    "a service of its region with `root_support` of its alerts is joined to that failure; "
    "two candidate failures: the one with more support, then the nearer; a group with a "
    "deploy of its service in the lookback before its take-off or a detection at it is not "
    "joined as a cascade; the ranking reads the take-off order as the call graph. Our "
    "generator's fleet has each service in one cluster, so the join stays off there and its "
    "rows are unchanged: its failures start in one minute and nothing in a storm tells them "
    "apart. Steps, dev held-out generator batch, no topology (~600 seeds 101-125 pooled, "
    "~5,000): joining only when all candidates are one failure, later take-offs counted as "
    "candidates, 0.457 -> 0.522 and 0.385 -> 0.521 (a cascade's next caller made every "
    "caller ambiguous); earlier take-offs only 0.863 / 0.979 (root first 152/222, 16/21; "
    "lag 30 / 45 / 60 / 75 / 90 / 150 s: 0.850 / 0.854 / 0.863 / 0.870 / 0.862 / 0.837 and "
    "0.746 / 0.913 / 0.979 / 0.976 / 0.972 / 0.957, 60 s kept); ranking by take-off order: "
    "root first 155/222; the better supported failure instead of none, with the own-cause "
    "guard: 0.899 / 0.973, root first 173/222, 18/21 (without the guard 0.894, 151/222; the "
    "guard without choosing 0.703; the guard on deploys of the last 10 minutes only 0.890, "
    "on detections only 0.900, root first 158 / 162). Tried, not kept: a floor of 3-8 alerts "
    "on the support (0.901, 174/222); a second, 90 s lag when one failure is the only "
    "candidate (0.901, 169/222); later take-offs (within the slack) as candidates again, "
    "now that the better supported failure is chosen (0.891, 156/222); taking the groups in "
    "the order of their onset less its onset error (0.898, 172/222); take-off joins in the "
    "topology path too, after the cascade "
    "join, to callees the graph reaches (topology rows ~600 0.946 -> 0.961, but ~5,000 "
    "0.998 -> 0.996, root first 20 -> 19/21). What is left: overlapping failures of one "
    "region whose later root takes off within a minute of the other's services (false "
    "joins), roots a minute or more before their first caller, and a decoy deploy blocking a "
    "caller. The topology-free rows now beat the topology-given ones on some storms (dev "
    "~600 batch: 7 of 25, e.g. seed 104 0.911 against 0.665), where the cascade join needs a "
    "callee's onset in cascade order that the take-off join does not ask for: the "
    "`topology >= none` column counts them. The test split was run once, after all of "
    "this: ~600 0.463 -> 0.492 batch (per storm 501 0.855, 502 0.178, 503 0.757), ~5,000 "
    "0.244 -> 0.976; root first 79% -> 79% / 76% (batch / stream) and 75% -> 90% / 85%; "
    "nothing was fitted to it and its losses were not read. Next version, topology given "
    "(measured before it, commit b8737da, topology rows: dev held-out generator ~600 batch "
    "0.918, `topology >= none` 2/3; seeds 104-125 batch 0.950, root first 178/194, 16/22, "
    "stream and daemon 0.953; "
    "~5,000 batch 0.998, 20/21; test ~5,000 batch 0.972, 0/1; every other row as now): the "
    "take-off join now runs after the cascade join when a call graph is given too, on what "
    "the cascade join left apart, where the graph does not contradict it - the follower's "
    "head calls a service that alerted at least twice in its own groups or in the failure it "
    "would join (a failure spreads only through services it hit, so a head calling no "
    "failing service took off by itself), or the graph does not know the head; take-offs "
    "of service-less alerts do not count (no graph places them); the ranking still reads "
    "the graph. Dev held-out generator batch, topology F1 (~600 seeds 101-125 pooled / "
    "storms below none of 25 / root first of 222; ~5,000): before 0.946 / 7 / 201; 0.998, "
    "20/21; any take-off, as without a graph: 0.948 / 4 / 187; 0.994, 18/21; the head "
    "reaching the take-off's service in the graph: 4 / 202; 0.996, 19/21; reaching any "
    "service of the failure: 3 / 204; reaching the failure's head: 0.964 / 4 / 205; 0.996, "
    "19/21 (a service-less background group joined first, then a caller 9 s after another "
    "failure's root, two hops away); the head calling a failing service of either side: "
    "0.981 / 2 / 204; 0.996, 19/21 (through one background alert on the callee); the same "
    "with at least two alerts (kept; three: the same): 0.981 / 2 / 204; 0.998, 20/21; "
    "counting a callee failing anywhere in the batch: 0.968 / 1 / 200; 0.996, 18/21 (not "
    "kept). Left below none on dev: batch seeds 104 (0.911 vs 0.880: a root that alerted "
    "90 s after its callers) and 108 (0.993 vs 0.982); stream and daemon 101-103 (1 of 3 "
    "kept, as before) and 104-125 seeds 108, 110, 120 (110: the callee the head fails "
    "through alerts only after the head's incident opened, so the graph cannot agree yet). "
    "The test split, run once after this: ~600 rows unchanged (batch 0.956), ~5,000 batch "
    "topology 0.972 -> 0.994 (`topology >= none` 0/1 -> 1/1), stream and daemon unchanged. "
    "Next version, no topology (issue 12; measured before it, commit 542b7fa: every row as "
    "now but the two named below and the fresh dev row, which was not run; on it, batch "
    "0.814, root first 655/852, seeds 1001-1050 "
    "stream 0.831, 321/419), all found on the fresh dev seeds 1001-1100: the worst storms "
    "there (F1 0.22-0.51, 7 of the 8 lowest of 100) were the 12 in which no service alerted "
    "in two regions, so the take-off join never ran (the fleet looked like our generator's, "
    "each service in one cluster calling across); dev seeds 101-125 have none such. Whether "
    "failures stay in their location is now also read from the take-offs themselves "
    "(`efficiency/correlate/locality.py`): pairs of services taking off at most `takeoff_lag` "
    "apart (a service's session per location with 3 alerts or more) share their location "
    "more often than two take-offs drawn at random do (the location shares squared, summed) "
    "by 2 standard deviations or more, over 10 pairs or more. Our generator's 15 dev storms "
    "stand at -1.6 to -0.3 standard deviations (calls cross clusters; rows unchanged), the "
    "12 fresh storms at -0.7 to 5.8; 5 pass: 1002 0.222 -> 0.573, 1010 0.367 -> 0.767, 1055 "
    "0.506 -> 0.626, 1093 0.285 -> 0.759 (batch; 1053 unchanged). Fresh dev row batch "
    "0.814 -> 0.825 (root "
    "first 655 -> 656 of 852), seeds 1001-1050 stream 0.831 -> 0.850; held-out seeds "
    "104-125 stream and daemon 0.894 -> 0.897, root first 149 -> 146 of 194 (109, 112, 124: a "
    "stream now joins by take-off before any service has alerted in two regions, as the batch "
    "does, and ranks as the batch does: 109 5/6 -> 3/6, 112 6/7 -> 5/7, batch 3/6 and 5/7); "
    "topology rows, our generator's rows and the other held-out dev rows unchanged. "
    "What the fresh dev storms still lose without topology "
    "(batch, after this): pairs of one failure split apart (1.52M) far more than pairs of two "
    "failures joined (0.22M) or background joined (0.05M); of the split fragments, 99 are "
    "callers whose own deploy (a decoy) blocks the join, 146 the failure's root standing "
    "apart (a quiet root under `root_support` of its loud first caller, or a root alerting "
    "after its callers), 67 a take-off more than 60 s after any service of its failure, 71 "
    "other. Tried, not kept: the own-cause guard has no evidence to go by here (of 284 "
    "guarded take-offs on dev seeds 101-125 and 1001-1100, 146 would have joined their own "
    "failure and 138 another one, with no clear difference in lag, deploy age or size); "
    "a floor of 3 / 5 / 8 "
    "alerts on the support (fresh batch 0.825 -> 0.826, seeds 101-125 0.899 -> 0.901, root "
    "first +3 / +1); counting a group's quieter services (under `root_support` of its largest "
    "bucket, 2 alerts or more) as take-offs too (no change). `topology >= none` is unchanged "
    "on dev (below none: batch 104, 108; stream and daemon 101, 102, 108, 110, 120: roots "
    "alerting after their callers, see above). The test split, run once after all of "
    "this (aggregates only; nothing was fitted to it and its losses were not read): ~600 no "
    "topology batch 0.492 -> 0.774, stream and daemon 0.489 -> 0.795, root first 23 -> 22 "
    "and 22 -> 21 of 29; the ~5,000 rows and every topology row unchanged. The no-topology "
    "targets are still missed on ~600 (F1 and root first)."
)


def render(rows: list[Row], load: str, seeds: dict[str, Sequence[int]]) -> str:
    lines = [
        "## Alert storms: development and held-out test split, with and without topology",
        "",
        f"Command: `{COMMAND}` (runs `.venv/bin/python -m benchmarks.storm_split`; `--no-docs` "
        "leaves this file alone). Generated by `benchmarks/storm_split.py`.",
        "",
        "Development split (settings may be tuned on it): `benchmarks/storm.py`'s generator, "
        "20 services in 3 tiers, failures starting in one minute; and the held-out "
        "generator's seeds 101-103 and 201, which were the test split until rules were found "
        "by reading their losses (so they are development storms now), and its seeds 104-125, "
        "read while making the stream and daemon deliveries match the batch, and its seeds "
        "1001-1100, a fresh draw added to check generalisation (batch and stream). **Test split "
        "(never "
        "tuned on)**: fresh seeds (501-503, 601) of `benchmarks/storm_heldout.py`, designed "
        "separately - a random layered DAG of "
        "30-60 services per seed with shared, high fan-in data stores, three regions with "
        "regional failures staggered over the storm, lognormal hop delays, lognormal alert "
        "volume per service, other rule names and labels (`node`, `namespace`, `pod`, no "
        "`cluster`), Zipf-sized background sources and service-less node alerts. Every storm "
        "runs through `Correlator()` with default rules, once given the dependency graph "
        "(`topology`) and once not; *batch* delivers it as one call, *stream* every 30 s of "
        "event time (Alertmanager's rhythm), *daemon* the same through the daemon's path: each "
        "30 s stored as a webhook in a real SQLite file (the storm's detections as rows of the "
        "detections table) and the correlate stage run after it, the topology from the services "
        "catalog, the grouping read back from the store. F1 is pairwise over alert items, "
        "pooled over the storms of the row; root cause first per true failure; "
        "`topology >= none` counts the storms on which the topology-given F1 is not below "
        "the topology-free one.",
        "",
        "| split | storms | delivery | F1 no topology | F1 topology | root first no topology "
        "| root first topology | topology >= none |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for none, topo in zip(rows[::2], rows[1::2], strict=True):
        ok = sum(t >= n - 1e-9 for n, t in zip(none.seed_f1, topo.seed_f1, strict=True))
        lines.append(
            f"| {none.split} | {none.storms} | {none.delivery} | {none.f1:.3f} | {topo.f1:.3f} "
            f"| {none.hits}/{none.total} ({none.hits / none.total:.0%}) "
            f"| {topo.hits}/{topo.total} ({topo.hits / topo.total:.0%}) "
            f"| {ok}/{len(none.seed_f1)} |"
        )
    lines += ["", "Where the pairs go, test split (summed over the storms of the row):", ""]
    for row in rows:
        if row.split == "test":
            loss = row.losses
            lines.append(
                f"- {row.storms}, {row.delivery}, {'topology' if row.topology else 'no topology'}: "
                f"missed {loss['split_failures']:,} pairs of a failure split apart; false "
                f"{loss['merged_failures']:,} joining two failures, {loss['noise_joined']:,} "
                "joining background alerts"
            )
    lines += ["", "Targets (issue 12: on held-out storms F1 >= 0.95 and root first >= 80%, "
              "with and without the topology), test split:", ""]  # fmt: skip
    for row in rows:
        if row.split == "test":
            rc = row.hits / row.total
            lines.append(
                f"- {row.storms}, {row.delivery}, {'topology' if row.topology else 'no topology'}: "
                f"F1 {row.f1:.3f} {'met' if row.f1 >= 0.95 else 'MISSED'}, root first {rc:.0%} "
                f"{'met' if rc >= 0.8 else 'MISSED'}"
            )
    lines += ["", WHY, "", NOTES]
    lines += ["", "Seeds: " + "; ".join(f"{k}: {list(v)}" for k, v in seeds.items()) + "."]
    lines += ["", f"Machine: {cpu_model()}, 1-minute load average {load}."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--dev-seeds", type=int, nargs="+", default=list(range(1, 6)))
    parser.add_argument("--dev-heldout-seeds", type=int, nargs="+", default=[101, 102, 103])
    parser.add_argument(
        "--dev-heldout-extra-seeds", type=int, nargs="+", default=list(range(104, 126))
    )
    parser.add_argument(
        "--dev-heldout-fresh-seeds", type=int, nargs="+", default=list(range(1001, 1101))
    )
    parser.add_argument("--dev-heldout-large-seeds", type=int, nargs="+", default=[201])
    parser.add_argument("--test-seeds", type=int, nargs="+", default=[501, 502, 503])
    parser.add_argument("--test-large-seeds", type=int, nargs="+", default=[601])
    parser.add_argument("--deliveries", nargs="+", default=["batch", "stream", "daemon"])
    args = parser.parse_args(argv)
    load = load_average()
    plan = [
        ("dev", "5,000 alerts", lambda s: generate_storm(s), args.dev_seeds),
        ("dev", "600 alerts", lambda s: generate_storm(s, n_alerts=600), args.dev_seeds),
        (
            "dev",
            "~600 alerts, held-out generator",
            lambda s: generate_heldout_storm(s, 600),
            args.dev_heldout_seeds,
        ),
        (
            "dev",
            "~600 alerts, held-out generator, seeds 104-125",
            lambda s: generate_heldout_storm(s, 600),
            args.dev_heldout_extra_seeds,
        ),
        (
            "dev",
            "~600 alerts, held-out generator, seeds 1001-1100",
            lambda s: generate_heldout_storm(s, 600),
            args.dev_heldout_fresh_seeds,
        ),
        (
            "dev",
            "~5,000 alerts, held-out generator",
            lambda s: generate_heldout_storm(s, 5000),
            args.dev_heldout_large_seeds,
        ),
        ("test", "~600 alerts", lambda s: generate_heldout_storm(s, 600), args.test_seeds),
        (
            "test",
            "~5,000 alerts",
            lambda s: generate_heldout_storm(s, 5000),
            args.test_large_seeds,
        ),
    ]
    rows: list[Row] = []
    for split, storms, make, seeds in plan:
        for delivery in args.deliveries:
            # the daemon path on the 5,000-alert dev storms: make bench-webhook; on the 100
            # fresh dev storms it would take most of the run (it equals stream elsewhere)
            many = storms.startswith("5") or storms.endswith("1001-1100")
            if delivery == "daemon" and split == "dev" and many:
                continue
            rows.extend(measure(split, storms, make, seeds, delivery))
    seeds = {
        "dev": args.dev_seeds,
        "dev held-out generator ~600": args.dev_heldout_seeds,
        "dev held-out generator ~600, more": args.dev_heldout_extra_seeds,
        "dev held-out generator ~600, fresh": args.dev_heldout_fresh_seeds,
        "dev held-out generator ~5,000": args.dev_heldout_large_seeds,
        "test ~600": args.test_seeds,
        "test ~5,000": args.test_large_seeds,
    }
    text = render(rows, load, seeds)
    print(text)
    if not args.no_docs:
        write_section("storm-heldout", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
