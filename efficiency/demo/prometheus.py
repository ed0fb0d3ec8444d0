"""A real Prometheus for the demo: fresh storage in the demo's folder, a 1-second scrape and
evaluation interval, the fleet's instances from the targets file (``file_sd_configs``, so a
deploy or a canary is scraped as soon as it is listed), and alerts sent to a real
Alertmanager. It starts without rules; :meth:`Prometheus.load_rules` writes the rules made
from the baseline and reloads it (SIGHUP), waiting until Prometheus says they are loaded.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from collectors.errors import CollectorError
from efficiency.demo.measure import SCRAPE_S
from efficiency.demo.rules import LatencyRule, rules_yaml

PROMETHEUS_BINARIES = ("prometheus",)


def prometheus_yaml(targets: Path, rules: Path, alertmanager: str) -> str:
    every = f"{SCRAPE_S:g}s"
    return yaml.safe_dump({
        "global": {"scrape_interval": every, "evaluation_interval": every,
                   "scrape_timeout": every},
        "rule_files": [str(rules)],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]},
        "scrape_configs": [{"job_name": "demo", "file_sd_configs": [
            {"files": [str(targets)], "refresh_interval": every}]}],
    }, sort_keys=False)  # fmt: skip


class Prometheus:
    def __init__(self, proc: subprocess.Popen[bytes], url: str, rules: Path, log: Path) -> None:
        self.proc, self.url, self.rules, self.log = proc, url, rules, log

    def load_rules(self, rules: list[LatencyRule], timeout: float = 30.0) -> None:
        self.rules.write_text(rules_yaml(rules))
        self.proc.send_signal(signal.SIGHUP)
        wanted = {r.alertname for r in rules}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            groups = httpx.get(f"{self.url}/api/v1/rules", timeout=5).json()["data"]["groups"]
            if wanted <= {r["name"] for g in groups for r in g["rules"]}:
                return
            time.sleep(0.2)
        raise CollectorError(f"prometheus did not load the rules in {timeout:g} s; see {self.log}")

    def explain(self, rules: list[LatencyRule]) -> list[str]:
        """Why an alert may not have fired: each target's scrape health and each rule's
        state and current p90, as Prometheus sees them."""

        def get(path: str, **query: str) -> Any:
            return httpx.get(f"{self.url}{path}", params=query, timeout=5).json()

        lines = [f"target {t['labels'].get('service')} v{t['labels'].get('version')} "
                 f"{t['scrapeUrl']}: {t['health']} {t['lastError']}".rstrip()
                 for t in get("/api/v1/targets")["data"]["activeTargets"]]  # fmt: skip
        states = {
            a["labels"]["alertname"]: a["state"] for a in get("/api/v1/alerts")["data"]["alerts"]
        }
        for r in rules:
            found = get("/api/v1/query", query=r.expr.rsplit(" > ", 1)[0])["data"]["result"]
            now = ", ".join(f"{float(x['value'][1]) * 1e3:.1f} ms" for x in found) or "no data"
            lines.append(f"{r.alertname}: {states.get(r.alertname, 'inactive')}, p90 now {now}, "
                         f"threshold {r.threshold * 1e3:.1f} ms; see {self.log}")  # fmt: skip
        return lines


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise CollectorError(f"{what} exited {proc.returncode}; see {log}")
        try:
            if httpx.get(f"{url}/-/ready", timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise CollectorError(f"{what} did not get ready in 30 s; see {log}")
        time.sleep(0.1)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def running_prometheus(
    binary: str, workdir: Path, targets: Path, alertmanager: str, port: int
) -> Iterator[Prometheus]:
    """Prometheus on 127.0.0.1:``port``; ``alertmanager`` is ``host:port``."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    config, rules = workdir / "prometheus.yml", workdir / "rules.yml"
    rules.write_text("groups: []\n")
    config.write_text(prometheus_yaml(targets, rules, alertmanager))
    log = workdir / "prometheus.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc, url, log, "prometheus")
        yield Prometheus(proc, url, rules, log)
    finally:
        stop_process(proc)
