"""The 5,000-alert webhook, end to end: accepted, stored and correlated before the answer.

Two real servers run side by side on loopback, each over its own SQLite file:

- **daemon**: ``efficiency daemon`` — the webhook stores the alerts, then the correlate stage
  groups them into incidents, ranks root causes and plans the pages, all before it answers
  (``correlate.on_ingest``); pages go to a local receiver from the daemon's delivery loop;
- **ingest only**: ``efficiency serve`` — the same webhook storing the same alerts and nothing
  else, the floor any receiver pays to keep the alerts.

Each round posts one storm from :func:`benchmarks.storm.generate_storm` (5,000 alerts, 20
services, several simultaneous failures, its deploys posted first) to both servers, the order
alternating round by round; each round's storm is a new seed a day after the previous one, so
the database grows as it would in service and earlier incidents are still there. The latency is
the client's: from sending the request to the complete answer.

Run with ``make bench-webhook`` (about a minute). It writes the "webhook" section of
``docs/benchmarks.md`` (``--no-docs`` leaves it alone).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from benchmarks.common import cpu_model, load_average, write_section
from benchmarks.storm import DATA, DEPENDS_ON, FRONT, MIDDLE, Storm, generate_storm
from efficiency.serving import free_port

COMMAND = "make bench-webhook"
TOKEN = "bench"


def _iso(t: Any) -> str:
    return t.isoformat().replace("+00:00", "Z")


def webhook(storm: Storm, shift: timedelta, resolved: bool = False) -> dict[str, Any]:
    """The storm as one Alertmanager webhook v4 body; ``resolved``: the notification that
    every one of its alerts resolved ten minutes after it started."""
    alerts = []
    for a in storm.alerts:
        end = a.ends_at + shift if a.ends_at else None
        if resolved:
            end = a.starts_at + shift + timedelta(minutes=10)
        alerts.append({
            "status": "resolved" if resolved else a.status,
            "labels": {**a.labels, "severity": a.level},
            "annotations": {"summary": f"{a.alertname} on {a.service}"},
            "startsAt": _iso(a.starts_at + shift),
            "endsAt": _iso(end) if end else "0001-01-01T00:00:00Z",
            "fingerprint": a.fingerprint,
        })  # fmt: skip
    return {"version": "4", "status": "resolved" if resolved else "firing",
            "receiver": "efficiency", "groupKey": "{}:{}", "alerts": alerts}  # fmt: skip


def changes(storm: Storm, shift: timedelta) -> dict[str, Any]:
    return {
        "changes": [
            {"service": c.service, "kind": c.kind, "at": _iso(c.at + shift), "version": c.version}
            for c in storm.changes
        ]
    }


def services_yaml(receiver: str) -> str:
    lines = ["default_team: sre", "teams:", "  sre:", "    routes:",
             f"      - webhook: {{url: '{receiver}'}}", "services:"]  # fmt: skip
    for name in FRONT + MIDDLE + DATA:
        deps = ", ".join(DEPENDS_ON.get(name, ()))
        lines.append(f"  {name}: {{team: sre, dependencies: [{deps}]}}")
    return "\n".join(lines) + "\n"


@contextmanager
def page_receiver() -> Iterator[tuple[str, list[int]]]:
    """A loopback receiver answering 200; yields its URL and a list growing by one per page."""
    got: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            got.append(1)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()


@contextmanager
def server(workdir: Path, command: str, services: Path | None) -> Iterator[str]:
    """``efficiency daemon`` or ``efficiency serve`` on a free loopback port."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "efficiency.toml"
    text = f'[database]\nurl = "sqlite:///{workdir / "store.db"}"\n'
    text += f'[api]\nport = {port}\ntoken = "{TOKEN}"\nmax_body_bytes = 67108864\n'
    if services is not None:
        text += f'[notify]\nservices_file = "{services}"\n'
        text += "[daemon]\ntick_seconds = 1.0\ndetect_seconds = 0\n"
    config.write_text(text)
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "efficiency", "--config", str(config), command],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{command} did not start: {(workdir / 'server.log').read_text()}"
                )
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def post(client: httpx.Client, url: str, path: str, body: dict[str, Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = client.post(f"{url}{path}", json=body)
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    return elapsed, answer.json()


def run(rounds: int) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {"daemon": [], "ingest only": []}
    opened: list[int] = []
    alerts = 0
    with (
        tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp,
        page_receiver() as (
            receiver_url,
            pages,
        ),
    ):
        root = Path(tmp)
        services = root / "services.yaml"
        services.write_text(services_yaml(receiver_url))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with (
            server(root / "daemon", "daemon", services) as daemon_url,
            server(root / "serve", "serve", None) as serve_url,
            httpx.Client(timeout=120, headers=headers) as client,
        ):
            arms = {"daemon": daemon_url, "ingest only": serve_url}
            for k in range(rounds):
                storm = generate_storm(seed=1000 + k)
                shift = timedelta(days=k)
                body = webhook(storm, shift)
                alerts = len(body["alerts"])
                order = list(arms) if k % 2 == 0 else list(reversed(arms))
                for arm in order:
                    if storm.changes:
                        post(client, arms[arm], "/api/v1/changes", changes(storm, shift))
                    seconds, answer = post(client, arms[arm], "/api/v1/alerts/alertmanager", body)
                    latencies[arm].append(seconds)
                    if arm == "daemon" and "correlated" not in answer:
                        raise RuntimeError(f"the daemon did not correlate: {answer}")
                opened.append(len(get_open(client, daemon_url)))
                # the storm ends (untimed): every alert resolves, the daemon resolves its
                # incidents, and the next storm's alerts are recurrences, as in service
                for url in arms.values():
                    post(client, url, "/api/v1/alerts/alertmanager", webhook(storm, shift, True))
                deadline = time.monotonic() + 60
                while get_open(client, daemon_url) and time.monotonic() < deadline:
                    time.sleep(0.2)
            time.sleep(2.0)  # the delivery loop's next ticks
    return {"latencies": latencies, "opened": opened, "alerts": alerts, "pages": len(pages)}


def get_open(client: httpx.Client, url: str) -> list[dict[str, Any]]:
    answer = client.get(f"{url}/api/v1/incidents", params={"status": "open"})
    answer.raise_for_status()
    return list(answer.json())


def quantile(values: Sequence[float], q: float) -> float:
    return float(np.quantile(np.asarray(values), q))


def render(result: dict[str, Any], rounds: int, seconds: float, load: tuple[str, str]) -> str:
    lat = result["latencies"]
    rows = []
    for arm in ("daemon", "ingest only"):
        values = lat[arm]
        rows.append(
            f"| {arm} | {1000 * quantile(values, 0.5):.0f} | {1000 * quantile(values, 0.99):.0f}"
            f" | {1000 * max(values):.0f} |"
        )
    ratio = statistics.median(lat["daemon"]) / statistics.median(lat["ingest only"])
    p99 = quantile(lat["daemon"], 0.99)
    verdict = "met" if p99 < 1.0 else "NOT met"
    return "\n".join(
        [
            "## Alert webhook: 5,000 alerts accepted and correlated",
            "",
            f"Command: `{COMMAND}` ({rounds} rounds). Each round posts one storm of "
            f"{result['alerts']:,} alerts (a new seed of `benchmarks/storm.py`'s generator, a "
            "day after the previous round, its deploys posted first; between rounds, untimed, "
            "every alert resolves and the daemon resolves its incidents, so each storm's "
            "alerts are recurrences, as in service) as **one** Alertmanager "
            "webhook to two real servers side by side, alternating which goes first: "
            "`efficiency daemon`, which stores the alerts, correlates them into incidents with "
            "ranked root causes and plans their pages before it answers, and `efficiency "
            "serve`, which only stores them. Latency is the client's, request to full answer, "
            "over HTTP on loopback; both stores are SQLite files that grow round by round.",
            "",
            "| server | p50 (ms) | p99 (ms) | max (ms) |",
            "| --- | ---: | ---: | ---: |",
            *rows,
            "",
            f"- **p99 of the correlated webhook: {1000 * p99:.0f} ms — target < 1 s {verdict}.** "
            f"Correlation costs {ratio:.2f}x the store-only answer (ratio of medians).",
            f"- Incidents open after each storm: median {statistics.median(result['opened']):.0f} "
            f"(min {min(result['opened'])}, max {max(result['opened'])}); "
            f"{result['pages']} pages reached the local receiver in the run.",
            f"- Machine: {cpu_model()}; load average (1 min) at start / end: {load[0]} / "
            f"{load[1]}; whole run {seconds:.0f} s.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    load_start = load_average()
    started = time.perf_counter()
    result = run(args.rounds)
    text = render(result, args.rounds, time.perf_counter() - started, (load_start, load_average()))
    print(text)
    if not args.no_docs:
        write_section("webhook", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
