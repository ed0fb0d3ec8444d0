"""The real-package fix-yield benchmark's own parts: the manifest and its split rule, the
drivers' shared runner (a real process), grouping refusal reasons and the report. The
benchmark itself (downloading, profiling, remediating) never runs here."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.fix_yield_real import DRIVERS, Outcome, load_manifest, read_report, split_of
from benchmarks.fix_yield_real_report import reason_kind, render


def test_the_manifest_pins_every_package_and_its_split_follows_the_rule() -> None:
    packages = load_manifest()
    assert len(packages) >= 12
    assert all(len(p.sha256) == 64 and p.sdist.endswith(".tar.gz") for p in packages)
    test = [p for p in packages if p.split == "test"]
    assert len(test) == -(-len(packages) // 3)
    assert all(p.driver.is_file() for p in packages)


def test_a_package_moved_to_the_other_split_is_refused(tmp_path: Path) -> None:
    doc = json.loads((DRIVERS.parent / "manifest.json").read_text())
    first = doc["packages"][0]
    first["split"] = "dev" if first["split"] == "test" else "test"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=f"{first['name']}: split {first['split']}"):
        load_manifest(path)


def test_the_split_rule_holds_out_a_third_by_name_hash_whatever_the_order() -> None:
    names = [f"pkg{i}" for i in range(9)]
    split = split_of(names)
    assert Counter(split.values()) == {"test": 3, "dev": 6}
    assert split_of(list(reversed(names))) == split


def _checkout(root: Path, module: str) -> Path:
    (root / module).mkdir(parents=True)
    (root / module / "__init__.py").write_text("def work():\n    return sum(range(1000))\n")
    driver = root / "drive.py"
    driver.write_text(
        f"import sys\nsys.path.insert(0, {str(DRIVERS)!r})\n"
        "from _driver import run, use_checkout\n"
        "use_checkout()\n"
        f"import {module}\n"
        f"run({module}.work, bench_reps=50, module={module})\n"
    )
    return driver


def test_a_driver_times_the_package_of_its_checkout(tmp_path: Path) -> None:
    driver = _checkout(tmp_path / "repo", "tinypkg")
    done = subprocess.run([sys.executable, str(driver), "--bench"], cwd=tmp_path / "repo",
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["seconds"] >= 0
    loop = subprocess.run([sys.executable, str(driver), "--seconds", "0.2"],
                          cwd=tmp_path / "repo", capture_output=True, text=True, timeout=60,
                          check=False)  # fmt: skip
    assert loop.returncode == 0 and loop.stdout == ""


def test_a_driver_refuses_a_package_imported_from_outside_its_checkout(tmp_path: Path) -> None:
    driver = _checkout(tmp_path / "elsewhere", "json")  # shadowed by the standard library's
    (tmp_path / "repo").mkdir()
    done = subprocess.run([sys.executable, str(driver), "--bench"], cwd=tmp_path / "repo",
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode != 0
    assert "not from the checkout" in done.stderr


def test_the_same_refusal_at_different_sites_is_one_kind() -> None:
    a = (
        "at /tmp/x/repo/pkg/lexer.py:153 (Lexer.get_tokens): python-string-concat: nothing "
        "to change in pkg/lexer.py:Lexer.get_tokens (join-strings: nothing to do in this file)"
    )
    b = ("at /tmp/y/repo/pkg/sql.py:9 (Token.match): python-string-concat: nothing to change "
         "in pkg/sql.py:Token.match (join-strings: nothing to do in this file)")  # fmt: skip
    assert (
        reason_kind(a)
        == reason_kind(b)
        == ("python-string-concat: join-strings: nothing to do in this file")
    )
    c = "hot spot 985a4354c67696c5: /w/drivers/d.py is not in the repository /tmp/p-1/tree"
    d = "hot spot e0ca9144f574ba73: /w/drivers/d.py is not in the repository /tmp/p-2/tree"
    assert reason_kind(c) == reason_kind(d)


REPORT = {
    "hotspots": [
        {"hotspot_id": "h1", "frame": "lex (/r/pkg/lexer.py)", "playbooks": ["hoist-re"],
         "outcome": "proposed", "reasons": [], "proposals": [
             {"id": 1, "playbook": "hoist-re", "branch": "efficiency/hoist-re/1",
              "verification": {"tests_before": "pass", "tests_after": "pass", "speedup": 1.12,
                               "speedup_low": 1.05, "speedup_high": 1.2,
                               "verdict": "faster: 1.12x"}}]},
        {"hotspot_id": "h2", "frame": "fmt (/r/pkg/out.py)", "playbooks": [],
         "outcome": "no playbook", "proposals": [],
         "reasons": ["no playbook matches its evidence (frame names, callees)"]},
        {"hotspot_id": "h3", "frame": "dump (/r/pkg/out.py)", "playbooks": ["json-codec"],
         "outcome": "advice", "reasons": [], "proposals": [
             {"id": 2, "playbook": "json-codec", "branch": None, "verification": {}}]},
    ]
}  # fmt: skip


def test_a_report_gives_hot_spots_branches_advice_refusals_and_a_section() -> None:
    dev, test = Outcome("pkg", "dev", "1.0", tests_main=True), Outcome("other", "test", "2.0")
    read_report(dev, REPORT)
    assert (dev.hotspots, dev.matched, dev.green, dev.wins) == (3, 2, 1, 1)
    assert dev.advice == ["json-codec"] and dev.top == ["lex", "fmt", "dump"]
    assert dev.refusals == {"no playbook matches its evidence (frame names, callees)": 1}
    text = render([dev, test], "make x", 10, "a machine", 60)
    assert "### dev split (1 packages)" in text and "### test split (1 packages)" in text
    assert "hoist-re: green, 1.12x [1.05x, 1.20x] win" in text
    assert (
        "| packages with a verified win (interval above 1.0, tests green) / with a branch | 1/1 |"
        in text
    )
