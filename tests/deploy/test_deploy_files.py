"""deploy/: the systemd units pass `systemd-analyze verify` (or, without it, a strict parse)
and run real `efficiency` commands; the Dockerfile copies what exists and runs the CLI."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from efficiency.cli import cli

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
INSTALLED = "/opt/efficiency/bin/efficiency"
#: keys the units may use, per section (a typo is an error, as systemd only warns)
KNOWN = {
    "Unit": {"Description", "After", "Wants", "Requires", "Documentation"},
    "Service": {
        "Type", "User", "Group", "Environment", "EnvironmentFile", "ExecStart", "KillSignal",
        "TimeoutStopSec", "Restart", "RestartSec", "RestartPreventExitStatus", "StateDirectory",
        "StateDirectoryMode", "NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp",
        "PrivateDevices", "ProtectKernelTunables", "ProtectControlGroups", "RestrictSUIDSGID",
        "LockPersonality", "AmbientCapabilities", "CapabilityBoundingSet",
    },
    "Install": {"WantedBy"},
}  # fmt: skip


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """A unit file as section -> [(key, value)], refusing what systemd would ignore."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            assert current in KNOWN, f"line {number}: unknown section {current}"
            sections[current] = []
            continue
        assert current is not None and "=" in line, f"line {number}: {line!r}"
        key, value = (part.strip() for part in line.split("=", 1))
        assert key in KNOWN[current], f"line {number}: unknown key {key} in [{current}]"
        sections[current].append((key, value))
    return sections


def exec_start(unit: Path) -> list[str]:
    service = dict(parse_unit(unit.read_text())["Service"])
    return shlex.split(service["ExecStart"])


def test_units_exist_for_daemon_and_agent() -> None:
    assert [u.name for u in UNITS] == ["efficiency-agent.service", "efficiency-daemon.service"]


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_unit_parses_and_runs_a_real_command(unit: Path) -> None:
    sections = parse_unit(unit.read_text())
    assert set(sections) == {"Unit", "Service", "Install"}
    argv = exec_start(unit)
    assert argv[0] == INSTALLED
    command = cli.commands[argv[1]]
    ctx = command.make_context(argv[1], argv[2:])  # raises on an unknown option or value
    assert ctx.params["log_format"] == "json"
    assert ("RestartPreventExitStatus", "2") in sections["Service"]


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd); parsed above")
    exe = Path(sys.executable).with_name("efficiency")
    assert exe.exists(), exe
    for unit in UNITS:  # verify checks that ExecStart exists: point it at this environment
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(exe)))
    units = [str(tmp_path / u.name) for u in UNITS]
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_verify_would_catch_a_typo(tmp_path: Path) -> None:
    bad = UNITS[0].read_text().replace("Restart=", "Restrat=", 1)
    with pytest.raises(AssertionError, match="unknown key Restrat"):
        parse_unit(bad)


def _instructions(text: str) -> list[tuple[str, str]]:
    """Dockerfile instructions (continuation lines joined), comments dropped."""
    joined = text.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_copies_what_exists_and_runs_the_cli() -> None:
    steps = _instructions((ROOT / "deploy" / "Dockerfile").read_text())
    allowed = {"FROM", "ENV", "RUN", "COPY", "USER", "WORKDIR", "VOLUME", "EXPOSE",
               "HEALTHCHECK", "STOPSIGNAL", "ENTRYPOINT", "CMD"}  # fmt: skip
    assert {word for word, _ in steps} <= allowed
    for word, rest in steps:
        if word == "COPY" and not rest.startswith("--from"):
            for source in rest.split()[:-1]:  # the build context is the repository root
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    entry = json.loads(next(rest for word, rest in steps if word == "ENTRYPOINT"))
    cmd = json.loads(next(rest for word, rest in steps if word == "CMD"))
    assert entry == ["efficiency"] and cmd[0] in cli.commands
    env = " ".join(rest for word, rest in steps if word == "ENV")
    assert "EFFICIENCY_LOGGING_FORMAT=json" in env
    assert (ROOT / "playbooks").is_dir()
