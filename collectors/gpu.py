"""NVIDIA GPU metrics through NVML (the ``nvidia-ml-py`` package, module ``pynvml``).

Why: idle or memory-bound GPUs are the most expensive waste in a fleet; these series give
GPU-hours and the processes holding GPU memory.

Every point carries ``host``, ``gpu`` (NVML index), ``uuid`` and ``name``:

- ``gpu_utilization`` — share of the last sample period a kernel ran, 0..1
- ``gpu_memory_utilization`` — share of it device memory was read or written, 0..1
- ``gpu_memory_used_bytes``, ``gpu_memory_total_bytes``
- ``gpu_power_watts`` — board power draw
- ``gpu_sm_clock_mhz`` — current SM clock
- ``gpu_temperature_celsius`` — GPU core temperature
- ``gpu_process_memory_used_bytes`` {pid} — device memory of each compute process

``pynvml`` is imported only when a collector is made, so hosts without the ``gpu`` extra
never need it. A host without a driver, a GPU or the package gets :class:`GpuUnavailable`
with one line, never a crash; a metric a device does not support (power on some boards,
utilization under MIG) is left out and named in :attr:`GpuCollector.notes`.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from collectors.errors import CollectorError


class GpuUnavailable(CollectorError):
    """No usable NVIDIA GPU here: no package, no driver, or no device."""


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def load_nvml() -> ModuleType:
    """The real ``pynvml`` module, imported on first use."""
    try:
        import pynvml
    except ImportError:
        raise GpuUnavailable(
            "nvidia-ml-py is not installed: pip install 'efficiency[gpu]'"
        ) from None
    return pynvml


def _unavailable(nvml: ModuleType, exc: Exception) -> str:
    code = getattr(exc, "value", None)
    if code in (nvml.NVML_ERROR_DRIVER_NOT_LOADED, nvml.NVML_ERROR_LIBRARY_NOT_FOUND):
        return f"no NVIDIA driver (NVML: {exc})"
    return f"NVIDIA GPUs unavailable (NVML: {exc})"


@dataclass(frozen=True)
class GpuDevice:
    index: int
    handle: Any
    uuid: str
    name: str


class GpuCollector:
    """Samples every NVIDIA GPU of this host.

    ``nvml`` is the ``pynvml`` module (the real one by default); tests pass an object with
    the same functions, constants and error classes. NVML is initialised here and the
    device list read once: GPUs do not come and go while a host runs.
    """

    def __init__(self, nvml: ModuleType | None = None, host: str = "") -> None:
        self.nvml = nvml if nvml is not None else load_nvml()
        self.host = host or socket.gethostname()
        #: one line per metric or device left out of the last sample, and why
        self.notes: list[str] = []
        n = self.nvml
        try:
            n.nvmlInit()
        except n.NVMLError as exc:
            raise GpuUnavailable(_unavailable(n, exc)) from None
        try:
            self.devices = [self._device(i) for i in range(n.nvmlDeviceGetCount())]
        except n.NVMLError as exc:
            self.close()
            raise GpuUnavailable(_unavailable(n, exc)) from None
        if not self.devices:
            self.close()
            raise GpuUnavailable("no NVIDIA GPU found (NVML sees 0 devices)")

    def _device(self, index: int) -> GpuDevice:
        n = self.nvml
        handle = n.nvmlDeviceGetHandleByIndex(index)
        return GpuDevice(index, handle, n.nvmlDeviceGetUUID(handle), n.nvmlDeviceGetName(handle))

    def close(self) -> None:
        """Release NVML (the library counts inits; each needs its shutdown)."""
        with contextlib.suppress(self.nvml.NVMLError):
            self.nvml.nvmlShutdown()

    def __enter__(self) -> GpuCollector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sample(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """One reading of every device, all stamped ``now`` (default: the wall clock)."""
        stamp = _rfc3339(now or datetime.now(UTC))
        self.notes = []
        points: list[dict[str, Any]] = []
        for dev in self.devices:
            try:
                points.extend(self._device_points(dev, stamp))
            except self.nvml.NVMLError as exc:  # a lost or reset GPU: the others go on
                self.notes.append(f"gpu {dev.index} ({dev.uuid}): left out: {exc}")
        return points

    def _read(self, dev: GpuDevice, what: str, call: Callable[[], Any]) -> Any:
        """A reading, or ``None`` when this device cannot give it (noted, not raised)."""
        n = self.nvml
        try:
            return call()
        except n.NVMLError as exc:
            if exc.value in (n.NVML_ERROR_GPU_IS_LOST, n.NVML_ERROR_UNINITIALIZED):
                raise
            self.notes.append(f"gpu {dev.index}: no {what}: {exc}")
            return None

    def _device_points(self, dev: GpuDevice, stamp: str) -> list[dict[str, Any]]:
        n, h = self.nvml, dev.handle
        labels = {"host": self.host, "gpu": str(dev.index), "uuid": dev.uuid, "name": dev.name}
        points: list[dict[str, Any]] = []

        def add(name: str, value: float, **extra: str) -> None:
            points.append(
                {
                    "name": name,
                    "labels": {**labels, **extra},
                    "timestamp": stamp,
                    "value": float(value),
                }
            )

        util = self._read(dev, "utilization", lambda: n.nvmlDeviceGetUtilizationRates(h))
        if util is not None:
            add("gpu_utilization", util.gpu / 100)
            add("gpu_memory_utilization", util.memory / 100)
        mem = self._read(dev, "memory", lambda: n.nvmlDeviceGetMemoryInfo(h))
        if mem is not None:
            add("gpu_memory_used_bytes", mem.used)
            add("gpu_memory_total_bytes", mem.total)
        power = self._read(dev, "power", lambda: n.nvmlDeviceGetPowerUsage(h))
        if power is not None:
            add("gpu_power_watts", power / 1000)  # NVML reports milliwatts
        clock = self._read(dev, "SM clock", lambda: n.nvmlDeviceGetClockInfo(h, n.NVML_CLOCK_SM))
        if clock is not None:
            add("gpu_sm_clock_mhz", clock)
        temp = self._read(
            dev, "temperature", lambda: n.nvmlDeviceGetTemperature(h, n.NVML_TEMPERATURE_GPU)
        )
        if temp is not None:
            add("gpu_temperature_celsius", temp)
        for proc in self._read(dev, "processes", lambda: self._processes(h)) or []:
            if proc.usedGpuMemory is not None:  # None: not available (e.g. Windows WDDM)
                add("gpu_process_memory_used_bytes", proc.usedGpuMemory, pid=str(proc.pid))
        return points

    def _processes(self, handle: Any) -> list[Any]:
        """Compute processes; the unversioned call fails on drivers older than the package,
        where the ``_v2`` one still answers."""
        n = self.nvml
        mismatch = getattr(n, "NVMLLibraryMismatchError", None)
        try:
            return list(n.nvmlDeviceGetComputeRunningProcesses(handle))
        except Exception as exc:
            if mismatch is None or not isinstance(exc, mismatch):
                raise
            return list(n.nvmlDeviceGetComputeRunningProcesses_v2(handle))
