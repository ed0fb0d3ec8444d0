"""`efficiency profile`: profile Python programs with py-spy and store the windows."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import click

from efficiency.cli.app import (
    State,
    cli,
    fail,
    pass_state,
)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.option("--service", help="Service name (default: the program's name).")
@click.option("--duration", type=click.FloatRange(1, 86_400), default=10.0, show_default=True,
              help="Seconds to profile.")  # fmt: skip
@click.option("--rate", "rate_hz", type=click.IntRange(1, 10_000), help="Samples per second "
              "(default: profiling.rate_hz, 100).")  # fmt: skip
@click.option("--window", "window_seconds", type=click.FloatRange(1, 3600),
              help="Window length (default: profiling.window_seconds).")  # fmt: skip
@click.option("--native", is_flag=True, default=None,
              help="Include native (C) frames, allocator internals named.")  # fmt: skip
@click.option("--pid", type=int, help="Profile this running process.")
@click.option("--pattern", help="Profile every Python process whose command line matches this "
              "regular expression (re-resolved each window).")  # fmt: skip
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
@pass_state
def profile(
    state: State, service: str | None, duration: float, rate_hz: int | None,
    window_seconds: float | None, native: bool | None, pid: int | None, pattern: str | None,
    command: tuple[str, ...],
) -> None:  # fmt: skip
    """Profile Python programs with py-spy and store their windows.

    One of: --pid PID, --pattern REGEX, or the program after --:
    efficiency profile -- python app.py
    """
    import time

    from collectors.pyspy import PySpyCollector, profile_round
    from collectors.targets import TargetSpec, resolve
    from efficiency.ingest.profiles import store_collected_window

    if sum(x is not None and x != () for x in (pid, pattern, command)) != 1:
        fail("give exactly one of --pid PID, --pattern REGEX, or a command after --")
    cfg = state.config.profiling
    collector = PySpyCollector(
        rate_hz=rate_hz or cfg.rate_hz,
        native=cfg.native if native is None else native,
        pyspy=cfg.pyspy_path,
    )
    window = min(window_seconds or cfg.window_seconds, duration)
    proc = None
    if command:
        try:
            proc = subprocess.Popen(list(command))
        except OSError as exc:
            fail(f"cannot start {command[0]}: {exc.strerror}")
        pid = proc.pid
        service = service or _program_name(command)
    elif pid is not None and not _pid_alive(pid):
        fail(f"no process with pid {pid}")
    service = service or (f"pid-{pid}" if pid is not None else "profiled")
    spec = TargetSpec(service, pids=(pid,) if pid is not None else (), pattern=pattern or "")
    database = state.db()
    host = socket.gethostname()
    stored = samples = 0
    seen: set[int] = set()
    end = time.monotonic() + duration
    try:
        while (left := end - time.monotonic()) > 0.5 and (proc is None or proc.poll() is None):
            targets = resolve([spec])
            if not targets:
                if pattern and not seen:
                    fail(f"no Python process matches {pattern!r}")
                break
            seen.update(t.pid for t in targets)
            result = profile_round(collector, [(t.pid, t.service) for t in targets],
                                   min(window, left))  # fmt: skip
            for failed_pid, reason in result.errors:
                if proc is None or proc.poll() is None:
                    click.echo(f"pid {failed_pid}: {reason}", err=True)
            for svc, record in result.windows:
                with database.session() as s:
                    store_collected_window(s, svc, host, record)
                stored += 1
                samples += record.samples
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait()
    click.echo(f"{stored} window(s), {samples} samples of {service} stored in {database.url}")


def _program_name(command: tuple[str, ...]) -> str:
    args = [a for a in command if not a.startswith("-")]
    name = args[1] if len(args) > 1 and Path(args[0]).name.startswith("python") else args[0]
    return Path(name).stem


def _pid_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
