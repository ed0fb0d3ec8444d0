"""env-line on systemd units: Environment= in [Service], checked by systemd's own verifier."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from efficiency.remediate.codemods import CodemodResult, codemod

ENV = codemod("env-line")

UNIT = """\
[Unit]
Description=API server
# not the [Service] section
After=network.target

[Service]
ExecStart=/bin/true
Environment="LANG=C.UTF-8" TZ=UTC
Restart=always

[Install]
WantedBy=multi-user.target
"""


def add(source: str, env: dict[str, str]) -> CodemodResult:
    return ENV.apply(source, params={"env": env, "path": "api.service"})


def service_environment(unit: str) -> dict[str, str]:
    """The variables [Service] sets, read independently of the codemod."""
    section, values = None, {}
    for line in unit.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service" and line.startswith("Environment="):
            for word in shlex.split(line.removeprefix("Environment=")):
                name, _, value = word.partition("=")
                values[name] = value.replace("%%", "%")
    return values


def test_after_the_last_environment_line() -> None:
    result = add(UNIT, {"MALLOC_ARENA_MAX": "2", "LD_PRELOAD": "/usr/lib/libjemalloc.so.2"})
    assert result.source == UNIT.replace(
        "TZ=UTC\n",
        "TZ=UTC\nEnvironment=MALLOC_ARENA_MAX=2\nEnvironment=LD_PRELOAD=/usr/lib/libjemalloc.so.2\n",
    )
    assert result.sites == 2
    assert service_environment(result.source) == {
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "MALLOC_ARENA_MAX": "2",
        "LD_PRELOAD": "/usr/lib/libjemalloc.so.2",
    }


def test_after_the_header_when_there_is_none() -> None:
    source = "[Service]\nExecStart=/bin/true\n"
    assert add(source, {"A": "1"}).source == "[Service]\nEnvironment=A=1\nExecStart=/bin/true\n"


def test_odd_values_are_quoted_and_percent_doubled() -> None:
    value = 'x y "q" 50% \\'
    result = add(UNIT, {"ODD": value})
    assert service_environment(result.source)["ODD"] == value


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_rewritten_unit(tmp_path: Path) -> None:
    result = add(UNIT, {"MALLOC_ARENA_MAX": "2", "ODD": 'a b "c" 10%'})
    unit = tmp_path / "api.service"
    unit.write_text(result.source)
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert [line for line in done.stderr.splitlines() if "api.service" in line] == []


def test_environment_file_is_mentioned() -> None:
    source = "[Service]\nEnvironmentFile=/etc/api.env\nExecStart=/bin/true\n"
    assert "EnvironmentFile" in add(source, {"A": "1"}).summary


@pytest.mark.parametrize(
    "source",
    [
        UNIT.replace("TZ=UTC", "TZ=UTC MALLOC_ARENA_MAX=8"),
        "[Unit]\nDescription=x\n",
        '[Service]\nEnvironment="UNTERMINATED\n',
    ],
)
def test_refusals_leave_the_text_byte_identical(source: str) -> None:
    result = add(source, {"MALLOC_ARENA_MAX": "2"})
    assert result.source == source and not result.changed and result.sites == 0


def test_a_reset_forgets_earlier_values() -> None:
    source = "[Service]\nEnvironment=MALLOC_ARENA_MAX=8\nEnvironment=\nExecStart=/bin/true\n"
    result = add(source, {"MALLOC_ARENA_MAX": "2"})
    assert result.changed
    assert result.source.splitlines()[3] == "Environment=MALLOC_ARENA_MAX=2"
