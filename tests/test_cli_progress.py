"""Progress bars: drawn on standard error when it is a terminal, never when it is piped, and
never in standard output (``--json`` stays one JSON document)."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

FOLDED = "main (app.py:1);work (app.py:5);spin (app.py:9) 70\nmain (app.py:1);work (app.py:6) 30\n"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EFFICIENCY_CONFIG", "NO_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="160")
    return env


def on_terminal(*args: str, both: bool = False) -> tuple[subprocess.CompletedProcess[bytes], str]:
    """Run ``efficiency ARGS`` with standard error (``both``: and standard output) on a
    pseudo-terminal; return the process (stdout through a pipe) and what the terminal got."""
    master, slave = pty.openpty()
    received: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other side closed
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "efficiency", *args],
                              stdout=slave if both else subprocess.PIPE, stderr=slave,
                              env=_env(), timeout=120)  # fmt: skip
    finally:
        os.close(slave)
    reader.join(30)
    os.close(master)
    return proc, b"".join(received).decode("utf-8", "replace")


def piped(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "efficiency", *args], capture_output=True,
                          text=True, env=_env(), timeout=120)  # fmt: skip


def test_ingest_draws_its_phases_on_a_terminal_only(tmp_path: Path) -> None:
    profile = tmp_path / "p.folded"
    profile.write_text(FOLDED)
    db = str(tmp_path / "e.db")
    proc, terminal = on_terminal("--db", db, "ingest", "profile", str(profile), "--service", "a")
    assert proc.returncode == 0
    for phase in (f"reading {profile}", "parsing folded (", "storing 1 window(s)"):
        assert phase in terminal, terminal
    assert "\x1b[" in terminal and b"\x1b" not in proc.stdout
    assert proc.stdout.decode().startswith("1 window(s) stored")
    quiet = piped("--db", db, "ingest", "profile", str(profile), "--service", "a")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.startswith("0 window(s) stored, 1 already present")


def test_detect_json_stays_clean_while_the_bar_runs(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    proc, terminal = on_terminal("--db", db, "detect", "--json")
    assert proc.returncode == 0
    assert "detecting" in terminal and "correlating into incidents" in terminal
    found = json.loads(proc.stdout)
    assert "incidents" in found and "pages" in found
    quiet = piped("--db", db, "detect", "--json")
    assert quiet.returncode == 0 and quiet.stderr == "" and json.loads(quiet.stdout)


def test_an_error_under_the_bar_is_still_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.folded"
    empty.write_text("")
    proc, terminal = on_terminal("--db", str(tmp_path / "e.db"), "ingest", "profile",
                                 str(empty), "--service", "a")  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in terminal
    assert f"Error: {empty}: the file is empty: no profile to store" in terminal


def test_demo_shows_a_spinner_above_which_its_story_prints(tmp_path: Path) -> None:
    args = ("demo", "--workdir", str(tmp_path / "demo"), "--minutes", "0.05", "--window", "1",
            "--after-deploy", "0")  # fmt: skip
    proc, terminal = on_terminal(*args)
    assert proc.returncode == 0, terminal
    assert "demo: about 3 s of profiling, then the story" in terminal
    story = proc.stdout.decode()
    assert "1. Fleet" in story and "profile windows" in story and "\x1b" not in story
    quiet = piped(*args)
    assert quiet.returncode == 0 and "demo: about" not in quiet.stderr


def test_demo_story_on_the_same_terminal_prints_above_the_spinner(tmp_path: Path) -> None:
    """Every story line starts on a line of its own: the spinner never shares (and so never
    erases) it."""
    args = ("demo", "--workdir", str(tmp_path / "demo"), "--minutes", "0.05", "--window", "1",
            "--after-deploy", "0")  # fmt: skip
    proc, terminal = on_terminal(*args, both=True)
    assert proc.returncode == 0, terminal
    rows = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal).replace("\r", "\n").split("\n")
    story = [row for row in rows if "samples ingested" in row]
    assert len(story) >= 3 and all(row.startswith("   window ") for row in story), story
