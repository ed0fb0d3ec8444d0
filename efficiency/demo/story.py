"""``efficiency demo``: start three real services, profile them with real py-spy in windows,
ingest every window into a fresh SQLite database, and show each service's hot functions."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from collectors.errors import CollectorError
from collectors.pyspy import PySpyCollector
from efficiency.ingest.profiles import store_collected_window
from efficiency.store.db import Database
from efficiency.store.profile_queries import ServiceProfile, top_frames
from efficiency.tables import hotspot_table

SERVICES = ("checkout", "search", "thumbnailer")


@dataclass
class DemoResult:
    db_url: str
    windows: int
    profiles: list[ServiceProfile]


def start_services(names: tuple[str, ...] = SERVICES) -> dict[str, subprocess.Popen[bytes]]:
    return {
        name: subprocess.Popen(
            [sys.executable, "-m", f"efficiency.demo.services.{name}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in names
    }


def stop_services(procs: dict[str, subprocess.Popen[bytes]]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_demo(
    workdir: Path,
    seconds: float = 20.0,
    window_seconds: float = 5.0,
    rate_hz: int = 100,
    console: Console | None = None,
) -> DemoResult:
    console = console or Console()
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "efficiency.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{db_path}")
    db.upgrade()
    collector = PySpyCollector(rate_hz=rate_hz)
    rounds = max(1, round(seconds / window_seconds))
    console.print(f"[bold]1. Fleet[/] starting {', '.join(SERVICES)} as real processes")
    procs = start_services()
    windows = 0
    try:
        time.sleep(1.0)  # let them import and reach their hot loops
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise CollectorError(f"demo service {name} exited with code {proc.returncode}")
        console.print(
            f"[bold]2. Profile[/] py-spy at {rate_hz} Hz, {rounds} windows of "
            f"{window_seconds:g} s per service"
        )
        for r in range(rounds):
            running = {
                name: collector.start_window(proc.pid, window_seconds)
                for name, proc in procs.items()
            }
            for name, run in running.items():
                record = run.wait()
                with db.session() as s:
                    store_collected_window(s, name, socket.gethostname(), record)
                windows += 1
                console.print(
                    f"   window {r + 1}/{rounds} {name:<12} pid {record.pid:<7} "
                    f"{record.samples:>5} samples ingested"
                )
    finally:
        stop_services(procs)
    with db.session() as s:
        profiles = top_frames(s, limit=5)
    console.print(f"[bold]3. Hot spots[/] top functions by self share, from {db_path}")
    for prof in profiles:
        console.print(hotspot_table(prof))
    db.dispose()
    return DemoResult(db_url=db.url, windows=windows, profiles=profiles)
