"""The match rules of a playbook: CPU frame rules, GPU kernel rules, trace rules and the
trace statistics those compare. ``playbooks/README.md`` documents them for people;
:mod:`efficiency.remediate.playbooks` puts them together with the rest of a playbook.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: trace-level hot spots: the GPU's idle time (HTA's temporal breakdown) split by cause
IDLE_HOTSPOTS = ("gpu idle: host wait", "gpu idle: kernel wait", "gpu idle: other")

#: The statistics trace rules may compare, computed over all of a service's traces in the
#: period (sums of numerators over sums of denominators). None when the traces cannot say,
#: and a condition on a None statistic does not hold.
TRACE_STATS: dict[str, str] = {
    "trace.count": "traces in the period",
    "steps.count": "profiler steps (ProfilerStep#N); a trace without step marks counts as one",
    "steps.mean_us": "mean profiler step duration, µs",
    "gpu.span_us": "HTA span: first GPU operation's start to the last one's end, summed, µs",
    "gpu.busy_us": "summed duration of every GPU operation (kernels, copies, fills), µs",
    "idle.share": "GPU idle (no operation on any stream) / span",
    "idle.host_wait_share": "idle time the GPU waited for the host to launch work / span",
    "idle.kernel_wait_share": "idle time in back-to-back launch gaps under 30 µs / span",
    "idle.other_share": "idle time waiting on anything else (events, other streams) / span",
    "compute.share": "time some compute kernel ran / span",
    "non_compute.share": "time only copies, fills, NCCL or syncs ran / span",
    "dataloader.step_share": "time in enumerate(DataLoader) / step time (None without steps "
    "or DataLoader marks)",
    "dataloader.mean_us": "mean duration of one enumerate(DataLoader) call, µs",
    "kernels.launches": "compute and communication kernel launches",
    "kernels.launches_per_step": "kernel launches per step",
    "kernels.median_duration_us": "median kernel duration, µs (launch-count-weighted median "
    "of each kernel's mean duration)",
    "kernels.short_share": "share of kernel launches whose kernel runs under 10 µs",
    "launch.call_mean_us": "mean duration of the host's launch call (cudaLaunchKernel ...), µs",
    "memcpy.h2d_share": "host-to-device copy time / GPU busy time",
    "memcpy.pageable_h2d_share": "host-to-device copies from pageable memory / GPU busy time",
    "memcpy.pageable_h2d_fraction": "pageable share of all host-to-device copy time",
    "memcpy.pageable_share": "copies through pageable host memory, either way / GPU busy time",
    "memcpy.pageable_h2d_bytes": "bytes copied host-to-device from pageable memory",
    "sync.per_step": "host synchronizations (cuda/hip *Synchronize calls) per step",
    "sync.scalar_per_step": "host reads of device values per step: the larger of the syncs "
    "made by scalar ops (.item(), nonzero, masked_select, unique ...) and the small (< 1 MiB) "
    "device-to-host copies (.tolist(), .cpu() of small tensors)",
    "sync.time_share": "time the host spent in synchronize calls / trace duration",
    "alloc.calls_per_step": "device cudaMalloc/cudaFree (hip...) calls per step",
    "alloc.time_share": "time the host spent in device malloc/free calls / trace duration",
    "gemm.fp32_share": "FP32 GEMM time on the SIMT cores (not tensor cores, any GPU "
    "generation: kernels.classify), plus FP32 SIMT convolutions when no TF32 convolution ran "
    "(then cuDNN may use TF32 and chose not to for those) / GPU busy time",
    "device.tensor_cores": "1 when every GPU in the traces has tensor cores (NVIDIA Volta+)",
    "device.tf32": "1 when every GPU in the traces runs TF32 and bf16 (NVIDIA Ampere+)",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


#: function names any busy service has: a frame rule whose ``function`` matches all of them
#: (or that has none) matches any busy function, so it must name other evidence
_ANY_FUNCTION = ("main", "handle_request", "_run", "Worker.process", "<listcomp>", "f")


class FrameRule(Strict):
    """A CPU frame (py-spy, perf) whose self or inclusive share is at least ``min_share``, or
    (``share: lines``) whose sampled lines that match ``source`` carry that share.

    A rule matches on evidence the profile shows: the frame's name, its file, a callee,
    an ancestor, a caller, or the source at its sampled lines. One that would match any busy
    function (no ``function``, or one matching every name, and nothing else) is refused."""

    #: regular expression searched in the function name (anchor it with ^...$ for exact names);
    #: none: any function, allowed only with other evidence
    function: str | None = None
    #: regular expression searched in the frame's file or module, when given
    file: str | None = None
    #: ``lines``: the samples at the frame's lines whose statement matches ``source``
    share: Literal["self", "inclusive", "lines"] = "self"
    min_share: float = Field(gt=0, le=1)
    #: and at least this many cores (share times the service's busy cores), when given
    min_cores: float | None = Field(None, ge=0)
    runtimes: list[Literal["python", "native", "kernel"]] | None = None
    #: at least half of the frame's samples run under a frame whose function matches this
    ancestor: str | None = None
    #: the heaviest application caller, ``function (file)``, matches this
    caller: str | None = None
    #: the frame itself calls a function whose ``function (file)`` matches this, however
    #: little time the callee takes (a cost paid *before* the call, such as formatting the
    #: arguments of a disabled log call, shows as the caller's self time)
    callee: str | None = None
    #: regular expression searched in the statement at each of the frame's sampled lines, read
    #: from the service's repository (:mod:`efficiency.remediate.source`): for patterns a
    #: profile cannot tell apart by frame names, such as ``s += x`` in a loop. Needs
    #: ``share: lines``; without the repository the rule cannot hold.
    source: str | None = None
    #: whose sampled lines ``source`` reads: the frame's own (``frame``, for the service's own
    #: code), or (``caller``) those of the application call sites under which a library or
    #: native frame ran, the lines it was called from (a ``memcpy`` under ``s[k] += x``)
    source_at: Literal["frame", "caller"] = "frame"

    @field_validator("function", "file", "ancestor", "caller", "callee", "source")
    @classmethod
    def _regexes(cls, v: str | None) -> str | None:
        return None if v is None else check_regex(v)

    @model_validator(mode="after")
    def _evidence(self) -> FrameRule:
        if (self.source is None) != (self.share != "lines"):
            raise ValueError("source and share: lines go together")
        if self.source_at != "frame" and self.source is None:
            raise ValueError("source_at needs source")
        evidence = (self.file, self.ancestor, self.caller, self.callee, self.source)
        if self.matches_any_function and all(e is None for e in evidence):
            raise ValueError(
                "matches any busy function: name the function, or give file, callee, "
                "ancestor, caller or source as evidence"
            )
        return self

    @property
    def matches_any_function(self) -> bool:
        return self.function is None or all(re.search(self.function, n) for n in _ANY_FUNCTION)


class Condition(Strict):
    """``stat op value`` on a trace statistic, e.g. ``idle.host_wait_share >= 0.1``."""

    stat: str
    op: Literal[">=", ">", "<=", "<", "==", "!="]
    value: float

    @field_validator("stat")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in TRACE_STATS:
            raise ValueError(f"unknown trace statistic {v!r} (see playbooks/README.md)")
        return v

    def holds(self, actual: float | None) -> bool:
        if actual is None:
            return False
        return {
            ">=": actual >= self.value,
            ">": actual > self.value,
            "<=": actual <= self.value,
            "<": actual < self.value,
            "==": actual == self.value,
            "!=": actual != self.value,
        }[self.op]

    def __str__(self) -> str:
        return f"{self.stat} {self.op} {self.value:g}"


class KernelRule(Strict):
    """A GPU operation (kernel, copy, fill) whose share of the GPU's busy time is at least
    ``min_share``, in traces where every ``when`` condition holds."""

    #: regular expression searched in the operation's name (default: any name); prefer the
    #: classes below, which :mod:`efficiency.remediate.kernels` reads from any generation's names
    name: str = ""
    kind: list[Literal["compute", "communication", "memcpy", "memset"]] | None = None
    #: what the operation does (``kernels.classify``): gemm, conv, copy, fill, communication
    op: list[Literal["gemm", "gemv", "conv", "copy", "fill", "communication", "other"]] | None = (
        None
    )
    precision: list[Literal["fp32", "tf32", "fp16", "bf16", "fp8", "fp64", "int8"]] | None = None
    tensor_core: bool | None = None
    #: copies: the host memory (pageable, pinned) or device, and the direction
    memory: list[Literal["pageable", "pinned", "device"]] | None = None
    direction: list[Literal["HtoD", "DtoH", "DtoD", "HtoH", "PtoP"]] | None = None
    #: copies: the mean bytes a copy moves is at least this
    min_mean_bytes: float | None = Field(None, ge=0)
    min_share: float = Field(gt=0, le=1)
    min_gpu_hours: float | None = Field(None, ge=0)
    when: list[Condition] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _regexes(cls, v: str) -> str:
        return check_regex(v) if v else v


class TraceRule(Strict):
    """A trace-level finding: every ``when`` condition holds; its cost is the named idle
    part of the GPU's time."""

    hotspot: Literal["gpu idle: host wait", "gpu idle: kernel wait", "gpu idle: other"]
    when: list[Condition] = Field(min_length=1)


class Match(Strict):
    """Any frame rule, any kernel rule, or the trace rule."""

    frames: list[FrameRule] = Field(default_factory=list)
    kernels: list[KernelRule] = Field(default_factory=list)
    trace: TraceRule | None = None

    @model_validator(mode="after")
    def _some(self) -> Match:
        if not (self.frames or self.kernels or self.trace):
            raise ValueError("needs frames, kernels or trace")
        return self
