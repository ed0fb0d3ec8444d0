"""Who holds a claimed page, and whether that worker is still alive.

A claim records its worker as ``host/boot/pid/start``: the host name, the kernel's boot id,
the process id and the process's start time. Every worker on a host can then tell for sure
that the holder of a claim is gone — another boot, no such process, or a new process that
reused the pid — and take its pages back at once, instead of waiting for the lease to end.
A claim held on another host cannot be checked from here; its lease (renewed while the
holder works) decides, so a worker dead there delays its pages by one lease at most.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

import psutil

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@cache
def _boot_id() -> str:
    try:
        return _BOOT_ID.read_text().strip().replace("/", "")[:40]
    except OSError:
        return f"boot{int(psutil.boot_time())}"


def _host() -> str:
    return socket.gethostname().replace("/", "_")[:100]


def _started(pid: int) -> str:
    return f"{psutil.Process(pid).create_time():.2f}"


def worker_id(pid: int | None = None) -> str:
    """This process's (or ``pid``'s) identity as a claim records it."""
    pid = os.getpid() if pid is None else pid
    return f"{_host()}/{_boot_id()}/{pid}/{_started(pid)}"[:200]


def owner_alive(owner: str) -> bool | None:
    """True or False when ``owner`` is a worker of this host (alive or surely gone); None
    when it belongs to another host or is not a worker id at all, and so cannot be told."""
    parts = owner.split("/")
    if len(parts) != 4 or parts[0] != _host():
        return None
    _, boot, pid_text, started_text = parts
    try:
        pid, started = int(pid_text), float(started_text)
    except ValueError:
        return None
    if boot != _boot_id():
        return False
    try:
        return abs(float(_started(pid)) - started) < 1.0
    except psutil.NoSuchProcess:  # ZombieProcess included: it exited
        return False
    except psutil.Error:
        return None
