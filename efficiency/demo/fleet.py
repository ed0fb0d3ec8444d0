"""The demo fleet's processes and where they listen.

Every HTTP service binds an ephemeral port on 127.0.0.1 and says which; the demo writes the
instances to one targets file in the format Prometheus' ``file_sd_configs`` reads, labelled
with ``service`` and ``version``. Prometheus scrapes what that file lists, storefront calls
the dependencies it lists (round robin), and the demo's own scraper reads it too: adding an
instance is all it takes for it to get traffic and be measured, which is what a canary
needs, and a deploy is "start the new version, list it, unlist the old one, stop it".
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from collectors.errors import CollectorError

#: the services that answer HTTP (the others are batch workers)
HTTP_SERVICES = ("storefront", "checkout", "search")


class Registry:
    """The targets file: ``[{"targets": ["127.0.0.1:PORT"], "labels": {"service", "version"}}]``,
    rewritten atomically (temporary file, rename) on every change so a
    reader never sees half of it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._groups: dict[int, dict[str, Any]] = {}
        self._write()

    def add(self, service: Service) -> None:
        with self._lock:
            self._groups[service.pid] = {
                "targets": [service.address],
                "labels": {"service": service.name, "version": service.version},
            }
            self._write()

    def remove(self, service: Service) -> None:
        with self._lock:
            if self._groups.pop(service.pid, None) is not None:
                self._write()

    def targets(self) -> list[tuple[str, str, str]]:
        """(service, version, address) of every listed instance."""
        with self._lock:
            return [(g["labels"]["service"], g["labels"]["version"], g["targets"][0])
                    for g in self._groups.values()]  # fmt: skip

    def _write(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(list(self._groups.values()), indent=1))
        tmp.replace(self.path)


_active: list[Registry] = []


@contextmanager
def listing_in(registry: Registry) -> Iterator[Registry]:
    """While inside, :func:`start_service` lists the services it starts in ``registry``: a
    step given only the running processes (the demo's canary hook) starts one more instance
    with the same call, and it gets its share of the traffic."""
    _active.append(registry)
    try:
        yield registry
    finally:
        _active.remove(registry)


class Service(subprocess.Popen[bytes]):
    """A demo service process: its name, version and, for an HTTP service, its address."""

    name: str = ""
    version: str = "1"
    port: int | None = None
    registry: Registry | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"


def _read_port(proc: Service, timeout: float = 30.0) -> int:
    """The port from the service's first line, ``listening PORT``."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline().decode() if ready else ""
    proc.stdout.close()
    if not line.startswith("listening "):
        proc.kill()
        proc.wait()
        raise CollectorError(f"demo service {proc.name} did not start listening: {line!r}")
    return int(line.split()[1])


def start_service(
    name: str, version: str = "1", registry: Registry | None = None, script: Path | None = None
) -> Service:
    """Start demo service ``name`` at ``version`` (from ``script``, a copy of its module, when
    given); an HTTP service is listed in ``registry`` (default: the one :func:`listing_in`
    made active, if any) once it listens."""
    registry = registry or (_active[-1] if _active else None)
    env = {**os.environ, "DEMO_VERSION": version}
    if registry is not None:
        env["DEMO_TARGETS"] = str(registry.path)
    listens = name in HTTP_SERVICES
    proc = Service(
        [sys.executable, str(script)]
        if script
        else [sys.executable, "-m", f"efficiency.demo.services.{name}"],
        stdout=subprocess.PIPE if listens else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    proc.name, proc.version = name, version
    if listens:
        proc.port = _read_port(proc)
        if registry is not None:
            proc.registry = registry
            registry.add(proc)
    return proc


def stop_services(procs: dict[str, subprocess.Popen[bytes]], drain: float = 0.0) -> None:
    """Unlist the services, wait ``drain`` seconds for callers to notice, stop them."""
    listed = [p for p in procs.values() if isinstance(p, Service) and p.registry is not None]
    for proc in listed:
        assert proc.registry is not None
        proc.registry.remove(proc)
    if listed and drain:
        time.sleep(drain)
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def deploy(procs: dict[str, subprocess.Popen[bytes]], name: str, version: str) -> Service:
    """A rolling deploy: the new version listens and is listed before the old one is unlisted
    and stopped, so callers see no gap; ``procs[name]`` becomes the new process."""
    new = start_service(name, version)
    stop_services({name: procs[name]}, drain=0.5)
    procs[name] = new
    return new
