"""How fast every dashboard page renders over a big store, on SQLite and on PostgreSQL.

The store (``benchmarks/dashboard_data.py``): 1,000,000 alert firings in 10,000 incidents, a
month of 10-minute profile windows for 50 services (4.3 M sample rows), 1.4 M metric points,
proposals and savings. Each page is rendered by Streamlit's AppTest (the script, every query
and every chart figure; not the browser's drawing) with the caches emptied first ("cold":
what the first visitor after ``dashboard.cache_ttl_seconds`` waits for), then again ("warm").
Peers in the same run: the list and profile reads the CLI and API used before
(``list_incidents``, ``top_frames``), against the dashboard's SQL-aggregated reads.

    make bench-dashboard     # builds the stores once under .bench-cache/, then measures
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.common import ROOT, cpu_model, load_average, write_section
from benchmarks.dashboard_data import Scale, counts, generate
from efficiency.store.db import Database
from efficiency.store.remediation import Watermark

APP = ROOT / "dashboards" / "app.py"
CACHE = ROOT / ".bench-cache"
PG_URL = os.environ.get("EFFICIENCY_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = "bench_dashboard_v1"
MARK = "bench.dashboard.v1"
#: (label, page, query string): every page, the incident detail twice (a typical incident
#: and the 5,000-alert storm) and the hot spots in both views
PAGES = [
    ("Overview", "overview", {}),
    ("Incidents (list)", "incidents", {}),
    ("Incident detail (120 alerts)", "incidents", {"incident": 2}),
    ("Incident detail (storm, 5,000 alerts)", "incidents", {"incident": 1}),
    ("Hot spots: flame graph, last day", "hotspots", {"service": "svc-07"}),
    ("Hot spots: differential at a deploy", "hotspots", {"service": "svc-07", "mode": "diff"}),
    ("GPU", "gpu", {}),
    ("Proposals", "proposals", {}),
    ("Savings", "savings", {}),
    ("Capacity (forecast of one service)", "capacity", {"service": "svc-07"}),
    ("Fleet", "fleet", {}),
]


def _marked(db: Database) -> bool:
    try:
        with db.session() as s:
            return s.get(Watermark, MARK) is not None
    except Exception:
        return False


def _mark(db: Database) -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    with db.session() as s:
        s.add(Watermark(stage=MARK, value=now, updated_at=now))


def sqlite_store(rebuild: bool) -> tuple[Database, float | None]:
    path = CACHE / "dashboard.db"
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    CACHE.mkdir(exist_ok=True)
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    if _marked(db):
        return db, None
    started = time.perf_counter()
    generate(db, Scale())
    _mark(db)
    return db, time.perf_counter() - started


def postgres_store(url: str, rebuild: bool) -> tuple[Database, float | None]:
    admin = Database(url)
    with admin.engine.begin() as conn:
        if rebuild:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    db = Database(f"{url}{sep}options=-csearch_path%3D{SCHEMA}")
    db.upgrade()
    if _marked(db):
        return db, None
    started = time.perf_counter()
    generate(db, Scale())
    _mark(db)
    return db, time.perf_counter() - started


def render_times(db: Database, repeat: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per page: cold and warm AppTest render seconds."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    config = Path(tempfile.mkdtemp()) / "efficiency.toml"
    config.write_text("[dashboard]\nrefresh_seconds = 0\ncache_ttl_seconds = 300\n")
    os.environ["EFFICIENCY_CONFIG"] = str(config)
    os.environ["EFFICIENCY_DB_URL"] = db.url
    st.cache_resource.clear()
    out: dict[str, tuple[list[float], list[float]]] = {}
    for _ in range(repeat):
        for label, page, query in PAGES:
            at = AppTest.from_file(str(APP), default_timeout=300)
            at.run()
            if page != "overview":
                at.switch_page(f"page_scripts/{page}.py")
            for k, v in query.items():
                at.query_params[k] = str(v)
            st.cache_data.clear()
            started = time.perf_counter()
            at.run()
            cold = time.perf_counter() - started
            started = time.perf_counter()
            at.run()
            warm = time.perf_counter() - started
            broken = [e.value for e in at.exception] + [e.value for e in at.error]
            if broken:
                raise RuntimeError(f"{label}: {broken[0][:500]}")
            if not (at.get("plotly_chart") or at.dataframe or at.metric) or at.info:
                shown = [i.value for i in at.info]
                raise RuntimeError(f"{label}: rendered no data ({shown[:1]}): not a measurement")
            times = out.setdefault(label, ([], []))
            times[0].append(cold)
            times[1].append(warm)
    st.cache_resource.clear()
    return out


def peer_times(db: Database, repeat: int) -> dict[str, list[float]]:
    """The reads the CLI and API used before, against the dashboard's, same store, ABAB."""
    from efficiency.store.flame_queries import profile_span, stack_counts
    from efficiency.store.incident_queries import list_incidents
    from efficiency.store.incident_views import IncidentFilter, search_incidents
    from efficiency.store.profile_queries import top_frames

    with db.session() as s:
        span = profile_span(s, "svc-07")
    assert span is not None
    month = (span[0], span[1] + timedelta(minutes=10))
    jobs: dict[str, Callable[[Any], Any]] = {
        "incidents: list_incidents(all) (CLI/API)": lambda s: list_incidents(s, "all"),
        "incidents: search_incidents, one page (dashboard)": lambda s: search_incidents(
            s, IncidentFilter(status="all")
        ),
        "a month of one service: top_frames (CLI)": lambda s: top_frames(s, "svc-07", *month),
        "a month of one service: stack_counts (dashboard)": lambda s: stack_counts(
            s, "svc-07", *month
        ),
    }
    out: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            with db.session() as s:
                started = time.perf_counter()
                job(s)
                out[name].append(time.perf_counter() - started)
    return out


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="Regenerate the stores.")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    backends: dict[str, tuple[Database, float | None]] = {"SQLite": sqlite_store(args.rebuild)}
    if not args.skip_postgres:
        backends["PostgreSQL"] = postgres_store(args.pg_url, args.rebuild)
    load_before = load_average()
    renders, peers, sizes = {}, {}, {}
    for name, (db, built) in backends.items():
        sizes[name] = (counts(db), built)
        renders[name] = render_times(db, args.repeat)
        peers[name] = peer_times(db, args.repeat)
        print(name, {k: _median(v[0]) for k, v in renders[name].items()})
    names = list(backends)
    lines = ["| page | " + " | ".join(f"{n} cold s | {n} warm s" for n in names) + " |",
             "| --- |" + " ---: | ---: |" * len(names)]  # fmt: skip
    for label, _page, _query in PAGES:
        cells = " | ".join(f"{_median(renders[n][label][0])} | {_median(renders[n][label][1])}"
                           for n in names)  # fmt: skip
        lines.append(f"| {label} | {cells} |")
    peer_lines = ["| read | " + " | ".join(f"{n} s" for n in names) + " |",
                  "| --- |" + " ---: |" * len(names)]  # fmt: skip
    for job in peers[names[0]]:
        peer_lines.append(f"| {job} | " + " | ".join(_median(peers[n][job]) for n in names) + " |")
    data = sizes[names[0]][0]
    built = ", ".join(
        f"{n} built in {b:.0f} s" if b else f"{n} reused" for n, (_, b) in sizes.items()
    )
    worst = max(statistics.median(v[0]) for r in renders.values() for v in r.values())
    section = (
        "## Dashboard at scale (`make bench-dashboard`)\n\n"
        f"Store: {data['alerts']:,} alert firings in {data['incidents']:,} incidents "
        f"({data['incident_alerts']:,} member links), {data['profile_windows']:,} profile "
        f"windows with {data['profile_samples']:,} sample rows (a month of 50 services), "
        f"{data['metric_points']:,} metric points, {data['pages']:,} pages; synthetic "
        "(`benchmarks/dashboard_data.py`), speed only. Each page rendered by Streamlit's AppTest "
        "(script, queries, figures; not the browser's drawing), cold = caches emptied first, "
        f"warm = the same page again; median of {args.repeat}. Slowest cold page: "
        f"{worst:.2f} s.\n\n" + "\n".join(lines) + "\n\n"
        "Peers, same stores, interleaved: the reads the CLI and API used before against the "
        "dashboard's aggregated ones.\n\n" + "\n".join(peer_lines) + "\n\n"
        f"{built}. {cpu_model()}, 2 cores shared with other jobs; load average {load_before} "
        "at start.\n"
    )
    print(section)
    if not args.no_write:
        write_section("dashboard", section)


if __name__ == "__main__":
    main()
