"""End to end with Debian's real servers: node-exporter exposes a switch metric from its textfile
collector, Prometheus scrapes it and fires ``E2ESwitchOn`` while it is 1, Alertmanager posts
the alert to our API's webhook (with a bearer token), and ``efficiency daemon`` opens one
incident, pages a local receiver once, and resolves both when the switch goes back to 0.

Everything binds to 127.0.0.1 on free ports and every process is stopped by its PID. The
binaries come from Debian's packages, which ``.ci/run`` installs; when one is missing the test
skips with the install line (and fails with CI=true).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import (
    Receiver,
    ensure_binaries,
    free_port,
    running_alertmanager,
    running_node_exporter,
    running_prometheus,
    stop_process,
    tail,
    wait_alertmanagers_active,
    write_textfile,
)

pytestmark = pytest.mark.slow

DEADLINE = 60.0  # seconds for each step; it takes a few

RULES = """\
groups:
  - name: efficiency-e2e
    interval: 1s
    rules:
      - alert: E2ESwitchOn
        expr: e2e_switch == 1
        for: 0s
        labels: {severity: critical, service: checkout}
        annotations: {summary: "the end-to-end switch is on"}
"""


def alertmanager_config(webhook: str, token: str) -> str:
    return f"""\
route:
  receiver: efficiency
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: efficiency
    webhook_configs:
      - url: "{webhook}"
        send_resolved: true
        http_config: {{authorization: {{credentials: "{token}"}}}}
"""


@dataclass
class Daemon:
    url: str
    token: str
    log: Path

    def incidents(self) -> list[dict[str, Any]]:
        reply = httpx.get(
            f"{self.url}/api/v1/incidents",
            params={"status": "all"},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=5,
        )
        reply.raise_for_status()
        return list(reply.json())


@contextmanager
def running_daemon(workdir: Path, hook: str) -> Iterator[Daemon]:
    """``efficiency daemon`` on a free loopback port over a SQLite file, paging ``hook``."""
    workdir.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    (workdir / "services.yaml").write_text(
        "default_team: ops\n"
        "teams:\n"
        "  ops:\n"
        "    routes:\n"
        f'      - webhook: {{url: "{hook}"}}\n'
        "        min_severity: warning\n"
        "services:\n"
        "  checkout: {owner: alice, team: ops}\n"
    )
    config = workdir / "efficiency.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{workdir / "e.db"}"\n'
        f'[api]\nhost = "127.0.0.1"\nport = {port}\ntoken = "{token}"\n'
        "[correlate]\nresolve_quiet_seconds = 0\n"
        f'[notify]\nservices_file = "{workdir / "services.yaml"}"\nretry_initial_seconds = 0.2\n'
        "[daemon]\ntick_seconds = 0.5\ndetect_seconds = 0\n"
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in list(env):
        if name.startswith("EFFICIENCY_"):  # the config file alone says what to do
            del env[name]
    log = workdir / "daemon.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "efficiency", "--config", str(config), "daemon"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"efficiency daemon exited {proc.returncode} at start:\n{tail(log)}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"efficiency daemon did not answer /healthz in 30 s:\n{tail(log)}")
            time.sleep(0.1)
        yield Daemon(url, token, log)
    finally:
        stop_process(proc)


def test_alert_opens_pages_and_resolves_one_incident(tmp_path: Path) -> None:
    ensure_binaries(
        {
            "prometheus": "prometheus",
            "prometheus-alertmanager": "prometheus-alertmanager",
            "prometheus-node-exporter": "prometheus-node-exporter",
        }
    )
    with ExitStack() as stack:
        receiver = stack.enter_context(Receiver())
        daemon = stack.enter_context(running_daemon(tmp_path / "daemon", f"{receiver.url}/hook"))
        node, textfiles = stack.enter_context(running_node_exporter(tmp_path / "node-exporter"))
        write_textfile(textfiles, "e2e", "e2e_switch 0")
        webhook = f"{daemon.url}/api/v1/alerts/alertmanager"
        alertmanager = stack.enter_context(
            running_alertmanager(
                tmp_path / "alertmanager", alertmanager_config(webhook, daemon.token)
            )
        )
        prometheus = stack.enter_context(
            running_prometheus(
                tmp_path / "prometheus",
                RULES,
                alertmanagers=[alertmanager],
                scrape={"node": node.removeprefix("http://")},
            )
        )
        wait_alertmanagers_active(prometheus, [alertmanager])

        def pages(action: str) -> list[dict[str, Any]]:
            return [b for b in receiver.bodies("/hook") if b and b.get("action") == action]

        def context() -> str:
            """What every server saw, for a failure message."""
            parts = [f"pages: {json.dumps(receiver.bodies())}"]
            for name, url in (
                ("incidents", None),
                ("prometheus alerts", f"{prometheus}/api/v1/alerts"),
                ("alertmanager alerts", f"{alertmanager}/api/v2/alerts"),
            ):
                try:
                    found = daemon.incidents() if url is None else httpx.get(url, timeout=2).json()
                except (httpx.HTTPError, ValueError) as exc:
                    found = repr(exc)
                parts.append(f"{name}: {json.dumps(found)}")
            for log in (
                daemon.log,
                tmp_path / "alertmanager" / "alertmanager.log",
                tmp_path / "prometheus" / "prometheus.log",
                tmp_path / "node-exporter" / "node-exporter.log",
            ):
                parts.append(f"--- {log.name} ---\n{tail(log)}")
            return "\n".join(parts)

        def wait_for(what: str, found: Callable[[], list[Any]]) -> list[Any]:
            deadline = time.monotonic() + DEADLINE
            while True:
                result = found()
                if result:
                    return result
                if time.monotonic() > deadline:
                    pytest.fail(f"no {what} within {DEADLINE:.0f} s\n{context()}")
                time.sleep(0.2)

        def checkout(status: str) -> list[dict[str, Any]]:
            return [
                i
                for i in daemon.incidents()
                if i["services"] == ["checkout"] and i["status"] == status
            ]

        # the switch on: one incident, one page
        write_textfile(textfiles, "e2e", "e2e_switch 1")
        opened = wait_for("open checkout incident", lambda: checkout("open"))
        assert len(opened) == 1, context()
        incident = opened[0]
        firing = [
            a["fingerprint"]
            for a in httpx.get(f"{alertmanager}/api/v2/alerts", timeout=5).json()
            if a["labels"].get("alertname") == "E2ESwitchOn"
        ]
        assert incident["alert_fingerprints"] == firing, context()
        assert incident["severity"] == "critical", context()
        triggers = wait_for("trigger page", lambda: pages("trigger"))
        assert len(triggers) == 1, context()
        trigger = triggers[0]
        assert trigger["incident"]["id"] == incident["id"], context()
        assert trigger["dedup_key"] == trigger["incident"]["key"], context()
        assert trigger["team"] == "ops", context()

        # the switch off: the same incident resolves, one resolve page follows
        write_textfile(textfiles, "e2e", "e2e_switch 0")
        resolved = wait_for("resolved checkout incident", lambda: checkout("resolved"))
        assert [i["id"] for i in resolved] == [incident["id"]], context()
        assert resolved[0]["resolved_at"], context()
        resolves = wait_for("resolve page", lambda: pages("resolve"))
        assert len(resolves) == 1, context()
        resolve = resolves[0]
        assert resolve["dedup_key"] == trigger["dedup_key"], context()
        assert resolve["incident"]["status"] == "resolved", context()

        # a few more daemon ticks and Alertmanager re-sends: still one page of each, one incident
        time.sleep(3)
        assert len(pages("trigger")) == 1, context()
        assert len(pages("resolve")) == 1, context()
        assert [i["id"] for i in daemon.incidents() if "checkout" in i["services"]] == [
            incident["id"]
        ], context()
