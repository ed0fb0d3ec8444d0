"""`efficiency demo` end to end through the CLI, with fast settings: a real HTTP fleet under
load, a deploy of a slower checkout (to a canary first, whose failed verdict fires the
rollback hook), its callers' latency alerts from what the services measure (through the real
Prometheus and Alertmanager, or the same rules evaluated by the demo and posted in
Alertmanager's webhook format when told there are none), one incident blaming the deploy and
the regressed function, one page to a local receiver, proposal branches, a savings report and
the dashboard command; twice in a row with the same incident, page and proposals."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from efficiency.demo.incident import ALERTMANAGER_ENV
from tests.servers import require_binary

pytestmark = pytest.mark.slow

FAST = ["--minutes", "0.2", "--after-deploy", "16", "--window", "2"]


def run_demo(workdir: Path, *extra: str, env: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Run the CLI; its closing summary as {label: [values]}."""
    done = subprocess.run(
        [sys.executable, "-m", "efficiency", "demo", "--workdir", str(workdir), *FAST, *extra],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = done.stdout.split("\nSummary\n", 1)[1]
    found: dict[str, list[str]] = {}
    for line in summary.splitlines():
        label, _, value = line.strip().partition(":")
        found.setdefault(label, []).append(value.strip())
    return found


def check_story(found: dict[str, list[str]], workdir: Path) -> None:
    db = workdir / "efficiency.db"
    # checkout v2 went to a canary first: it failed naming the function, the rollback hook
    # and the owning team's page reached the local receiver once each
    assert found["canary"] == ["fail for version=v2 vs version=v1, regressed checkout audit_record"]
    (rollback,) = found["rollback"]
    assert re.fullmatch(r"1 hook delivered to http://127\.0\.0\.1:\d+/rollback, 1 team page",
                        rollback), rollback  # fmt: skip
    # one regression, at the leaf: no caller of it reported next to it
    assert [r.split(" (")[0] for r in found["regression"]] == ["checkout audit_record"]
    (incident,) = found["incident"]
    assert re.match(r"\d+ \(critical\) on checkout, storefront: 2 alerts on 2 services "
                    r"\(CheckoutLatencyHigh, StorefrontLatencyHigh\)", incident)  # fmt: skip
    assert found["suspected"] == ["change 1, deploy of checkout v2"]
    assert "function checkout:audit_record" in found["root cause"][0]
    (pages,) = found["pages"]
    assert re.fullmatch(r"1 to http://127\.0\.0\.1:\d+/page", pages), pages
    branches = [p.split(" on ")[1] for p in found["proposal"]]
    assert branches and all(b.startswith("efficiency/python-") for b in branches)
    repo = workdir / "thumbnailer-repo"
    listed = subprocess.run(["git", "-C", str(repo), "branch", "--list", "efficiency/*"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert sorted(b.strip() for b in listed.splitlines()) == sorted(branches)
    assert found["report"] == [str(workdir / "savings.html")]
    assert (workdir / "savings.html").read_text().count("python-") >= len(branches)
    assert found["dashboard"] == [f"efficiency dashboard --db sqlite:///{db}"]


def stable(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """What must repeat run after run: all but ports and the database's window count."""
    return {k: [re.sub(r":\d+", ":PORT", v) for v in vs] for k, vs in found.items()
            if k not in ("database", "alerts via")}  # fmt: skip


def test_demo_twice_through_prometheus_and_alertmanager(tmp_path: Path) -> None:
    require_binary("prometheus-alertmanager", "prometheus-alertmanager")
    require_binary("prometheus", "prometheus")
    first = run_demo(tmp_path, env={ALERTMANAGER_ENV: ""})
    check_story(first, tmp_path)
    assert first["alerts via"][0].startswith("Prometheus (")
    assert (tmp_path / "prometheus" / "rules.yml").read_text().count("LatencyHigh") == 2
    second = run_demo(tmp_path, env={ALERTMANAGER_ENV: ""})
    check_story(second, tmp_path)
    assert stable(second) == stable(first)


def test_demo_without_alertmanager_posts_its_webhook_format(tmp_path: Path) -> None:
    found = run_demo(tmp_path, env={ALERTMANAGER_ENV: "off"})
    check_story(found, tmp_path)
    assert found["alerts via"][0].startswith("Alertmanager's webhook format, posted directly")


def test_demo_refuses_a_missing_alertmanager(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "efficiency", "demo", "--workdir", str(tmp_path),
         "--alertmanager", str(tmp_path / "no-such-alertmanager")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--alertmanager: no executable" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "efficiency.db").exists()
