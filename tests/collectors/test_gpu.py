"""NVML collector: an NVML-shaped stand-in for GPUs this machine does not have, and the real
``pynvml`` here (no driver) for the clear "unavailable" line.

The stand-in is built from the real ``pynvml`` package: its constants, its ``NVMLError``
classes and error codes, and its own ctypes structures and ``nvmlStructToFriendlyObject``
for return values; a test checks that every function it defines has the real function's
parameters. Only the answers of the driver are made up.
"""

from __future__ import annotations

import inspect
import sys
import types
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pynvml as real
import pytest

from collectors.gpu import GpuCollector, GpuUnavailable, load_nvml
from efficiency.ingest.metrics import PointIn

NOT_AVAILABLE = real.NVML_VALUE_NOT_AVAILABLE_ulonglong.value


@dataclass
class FakeGpu:
    name: str = "NVIDIA H100 80GB HBM3"
    uuid: str = "GPU-8b1c2f3e-0000-4a5b-9c6d-000000000001"
    util: tuple[int, int] = (87, 41)
    memory: tuple[int, int] = (60 * 2**30, 80 * 2**30)  # used, total
    power_mw: int = 412_345
    sm_mhz: int = 1980
    temp_c: int = 64
    #: (pid, used bytes or NOT_AVAILABLE)
    procs: list[tuple[int, int]] = field(default_factory=list)
    #: function name -> NVML error code it fails with
    errors: dict[str, int] = field(default_factory=dict)
    #: a driver older than the package: unversioned calls raise NVMLLibraryMismatchError
    old_driver: bool = False


def fake_nvml(gpus: list[FakeGpu], init_error: int | None = None) -> types.ModuleType:
    """A module with pynvml's names, answering from ``gpus``."""
    m = types.ModuleType("pynvml")
    for name in dir(real):
        if name.startswith(("NVML_", "NVMLError")) or name == "NVMLLibraryMismatchError":
            setattr(m, name, getattr(real, name))
    handles = [real.c_nvmlDevice_t() for _ in gpus]
    m.inits = 0  # type: ignore[attr-defined]

    def gpu(handle: Any, function: str) -> FakeGpu:
        for h, g in zip(handles, gpus, strict=True):
            if h is handle:
                if function in g.errors:
                    raise real.NVMLError(g.errors[function])
                return g
        raise real.NVMLError(real.NVML_ERROR_INVALID_ARGUMENT)

    def processes(handle: Any, function: str) -> list[Any]:
        out = []
        for pid, used in gpu(handle, function).procs:
            info = real.c_nvmlProcessInfo_t(pid=pid, usedGpuMemory=used)
            obj = real.nvmlStructToFriendlyObject(info)
            if obj.usedGpuMemory == NOT_AVAILABLE:
                obj.usedGpuMemory = None  # as pynvml does
            out.append(obj)
        return out

    def nvmlInit() -> None:
        if init_error is not None:
            raise real.NVMLError(init_error)
        m.inits += 1  # type: ignore[attr-defined]

    def nvmlShutdown() -> None:
        if m.inits == 0:  # type: ignore[attr-defined]
            raise real.NVMLError(real.NVML_ERROR_UNINITIALIZED)
        m.inits -= 1  # type: ignore[attr-defined]

    def nvmlDeviceGetCount() -> int:
        return len(gpus)

    def nvmlDeviceGetHandleByIndex(index: int) -> Any:
        if not 0 <= index < len(handles):
            raise real.NVMLError(real.NVML_ERROR_INVALID_ARGUMENT)
        return handles[index]

    def nvmlDeviceGetUUID(handle: Any) -> str:
        return gpu(handle, "nvmlDeviceGetUUID").uuid

    def nvmlDeviceGetName(handle: Any) -> str:
        return gpu(handle, "nvmlDeviceGetName").name

    def nvmlDeviceGetUtilizationRates(handle: Any) -> Any:
        g = gpu(handle, "nvmlDeviceGetUtilizationRates")
        return real.c_nvmlUtilization_t(gpu=g.util[0], memory=g.util[1])

    def nvmlDeviceGetMemoryInfo(handle: Any, version: Any = None) -> Any:
        used, total = gpu(handle, "nvmlDeviceGetMemoryInfo").memory
        return real.c_nvmlMemory_t(total=total, free=total - used, used=used)

    def nvmlDeviceGetPowerUsage(handle: Any) -> int:
        return gpu(handle, "nvmlDeviceGetPowerUsage").power_mw

    def nvmlDeviceGetClockInfo(handle: Any, type: int) -> int:  # pynvml's parameter name
        g = gpu(handle, "nvmlDeviceGetClockInfo")
        if type != real.NVML_CLOCK_SM:
            raise real.NVMLError(real.NVML_ERROR_INVALID_ARGUMENT)
        return g.sm_mhz

    def nvmlDeviceGetTemperature(handle: Any, sensor: int) -> int:
        g = gpu(handle, "nvmlDeviceGetTemperature")
        if sensor != real.NVML_TEMPERATURE_GPU:
            raise real.NVMLError(real.NVML_ERROR_INVALID_ARGUMENT)
        return g.temp_c

    def nvmlDeviceGetComputeRunningProcesses(handle: Any) -> list[Any]:
        if gpu(handle, "nvmlDeviceGetComputeRunningProcesses").old_driver:
            raise real.NVMLLibraryMismatchError("Unversioned function called ...")
        return processes(handle, "nvmlDeviceGetComputeRunningProcesses")

    def nvmlDeviceGetComputeRunningProcesses_v2(handle: Any) -> list[Any]:
        return processes(handle, "nvmlDeviceGetComputeRunningProcesses_v2")

    for fn in list(locals().values()):
        if inspect.isfunction(fn) and fn.__name__.startswith("nvml"):
            setattr(m, fn.__name__, fn)
    return m


AT = datetime(2026, 1, 1, 12, tzinfo=UTC)


def _points(collector: GpuCollector) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for p in collector.sample(now=AT):
        PointIn.model_validate(p)
        out[(p["name"], p["labels"]["gpu"] + p["labels"].get("pid", ""))] = p
    return out


def test_fake_has_the_real_signatures() -> None:
    fake = fake_nvml([])
    functions = [n for n in dir(fake) if n.startswith("nvml") and callable(getattr(fake, n))]
    assert len(functions) == 13
    for name in functions:
        real_params = list(inspect.signature(getattr(real, name)).parameters)
        assert list(inspect.signature(getattr(fake, name)).parameters) == real_params, name


def test_every_metric_of_every_gpu() -> None:
    gpus = [
        FakeGpu(procs=[(4242, 30 * 2**30), (4343, NOT_AVAILABLE)]),
        FakeGpu(uuid="GPU-2", util=(0, 0), memory=(0, 80 * 2**30)),
    ]
    nvml = fake_nvml(gpus)
    with GpuCollector(nvml=nvml, host="gpu-host") as collector:
        points = _points(collector)
        assert collector.notes == []
    assert nvml.inits == 0  # type: ignore[attr-defined]  # closed what it opened
    util = points[("gpu_utilization", "0")]
    assert util["value"] == 0.87 and util["timestamp"] == "2026-01-01T12:00:00Z"
    assert util["labels"] == {
        "host": "gpu-host",
        "gpu": "0",
        "uuid": gpus[0].uuid,
        "name": "NVIDIA H100 80GB HBM3",
    }
    assert points[("gpu_memory_utilization", "0")]["value"] == 0.41
    assert points[("gpu_memory_used_bytes", "0")]["value"] == 60 * 2**30
    assert points[("gpu_memory_total_bytes", "1")]["value"] == 80 * 2**30
    assert points[("gpu_power_watts", "0")]["value"] == 412.345
    assert points[("gpu_sm_clock_mhz", "0")]["value"] == 1980
    assert points[("gpu_temperature_celsius", "1")]["value"] == 64
    proc = points[("gpu_process_memory_used_bytes", "04242")]
    assert proc["value"] == 30 * 2**30 and proc["labels"]["pid"] == "4242"
    assert ("gpu_process_memory_used_bytes", "04343") not in points  # memory not available
    assert len(points) == 2 * 7 + 1


def test_unsupported_metric_is_left_out_and_noted() -> None:
    gpus = [FakeGpu(), FakeGpu(uuid="GPU-2", errors={"nvmlDeviceGetPowerUsage": 3})]
    collector = GpuCollector(nvml=fake_nvml(gpus))
    points = _points(collector)
    assert ("gpu_power_watts", "0") in points and ("gpu_power_watts", "1") not in points
    assert ("gpu_utilization", "1") in points
    assert collector.notes == ["gpu 1: no power: Not Supported"]


def test_lost_gpu_is_left_out_and_the_others_go_on() -> None:
    lost = FakeGpu(errors={"nvmlDeviceGetMemoryInfo": real.NVML_ERROR_GPU_IS_LOST})
    collector = GpuCollector(nvml=fake_nvml([lost, FakeGpu(uuid="GPU-2")]))
    points = _points(collector)
    assert {gpu for _, gpu in points} == {"1"}
    assert collector.notes == [f"gpu 0 ({lost.uuid}): left out: GPU is lost"]


def test_old_driver_falls_back_to_the_versioned_process_call() -> None:
    gpus = [FakeGpu(procs=[(7, 2**20)], old_driver=True)]
    points = _points(GpuCollector(nvml=fake_nvml(gpus)))
    assert points[("gpu_process_memory_used_bytes", "07")]["value"] == 2**20


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (real.NVML_ERROR_DRIVER_NOT_LOADED, "no NVIDIA driver (NVML: Driver Not Loaded)"),
        (real.NVML_ERROR_NO_PERMISSION, "NVIDIA GPUs unavailable (NVML: Insufficient Permissions)"),
    ],
)
def test_no_driver_is_one_clear_line(code: int, message: str) -> None:
    with pytest.raises(GpuUnavailable) as err:
        GpuCollector(nvml=fake_nvml([FakeGpu()], init_error=code))
    assert str(err.value) == message


def test_no_device_is_unavailable_and_nvml_is_released() -> None:
    nvml = fake_nvml([])
    with pytest.raises(GpuUnavailable, match="no NVIDIA GPU found"):
        GpuCollector(nvml=nvml)
    assert nvml.inits == 0  # type: ignore[attr-defined]


def test_real_nvml_here() -> None:
    """This machine has no NVIDIA driver: the real package says so in one line. (On a host
    with GPUs the same test reads them instead.)"""
    try:
        collector = GpuCollector()
    except GpuUnavailable as exc:
        assert str(exc).startswith(("no NVIDIA driver (NVML: ", "no NVIDIA GPU found"))
        assert "\n" not in str(exc)
        return
    with collector:
        for point in collector.sample():
            PointIn.model_validate(point)


def test_missing_package_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", None)  # makes `import pynvml` fail
    with pytest.raises(GpuUnavailable, match=r"nvidia-ml-py is not installed: pip install"):
        load_nvml()
