"""Which processes to profile: by PID, by a command-line pattern, or every Python process of a
service. Resolved again before every window, so restarted workers (new PIDs) are picked up
and exited ones are let go without anyone having to say so."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import psutil

from collectors.errors import CollectorError


@dataclass(frozen=True)
class Target:
    """One process to sample, with the service its windows are stored under."""

    pid: int
    service: str
    cmdline: str = ""


@dataclass(frozen=True)
class TargetSpec:
    """How a service's processes are found: listed PIDs and/or a regular expression searched
    in the full command line; ``python_only`` keeps only Python interpreters (py-spy can
    sample nothing else)."""

    service: str
    pids: tuple[int, ...] = ()
    pattern: str = ""
    python_only: bool = True

    def __post_init__(self) -> None:
        if not self.pids and not self.pattern:
            raise CollectorError(f"service {self.service}: give pids or a pattern to profile")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise CollectorError(
                    f"service {self.service}: pattern {self.pattern!r} is not a regular "
                    f"expression: {exc}"
                ) from None


def is_python(cmdline: list[str], exe: str = "") -> bool:
    """An interpreter whose executable is called python*, pypy* or uwsgi-like wrappers of
    them cannot be told apart cheaply; the executable's name is what we go by."""
    names = [Path(exe).name] if exe else []
    if cmdline:
        names.append(Path(cmdline[0]).name)
    return any(n.startswith(("python", "pypy")) for n in names)


def _own_family() -> set[int]:
    """This process and its ancestors: a pattern such as 'app.py' also matches the shell and
    the agent that were started with it on their command lines."""
    out = {os.getpid()}
    try:
        proc = psutil.Process()
        out.update(p.pid for p in proc.parents())
    except psutil.Error:
        pass
    return out


def resolve(specs: Iterable[TargetSpec]) -> list[Target]:
    """The processes the specs name right now, each once (the first spec naming it wins)."""
    specs = list(specs)
    chosen: dict[int, Target] = {}
    for spec in specs:
        for pid in spec.pids:
            if pid in chosen:
                continue
            try:
                proc = psutil.Process(pid)
                cmd = proc.cmdline()
            except (psutil.NoSuchProcess, psutil.ZombieProcess):
                continue
            except psutil.AccessDenied:
                cmd = []
            chosen[pid] = Target(pid, spec.service, " ".join(cmd))
    patterned = [(s, re.compile(s.pattern)) for s in specs if s.pattern]
    if not patterned:
        return list(chosen.values())
    skip = _own_family()
    for proc in psutil.process_iter(["pid", "cmdline", "exe"]):
        info = proc.info
        pid, cmd = info["pid"], info.get("cmdline") or []
        if pid in chosen or pid in skip or not cmd:
            continue
        line = " ".join(cmd)
        for spec, rx in patterned:
            if rx.search(line) and (not spec.python_only or is_python(cmd, info.get("exe") or "")):
                chosen[pid] = Target(pid, spec.service, line)
                break
    return sorted(chosen.values(), key=lambda t: t.pid)
