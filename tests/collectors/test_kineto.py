"""The Kineto trace parser: every shipped trace against HTA's numbers, the definitions on
small hand-made traces, and bad input turned into InputError."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.kineto import KinetoTrace, is_compute_name, parse_kineto
from efficiency.ingest.errors import InputError

# The vendored traces (tests/data/datasets/kineto-traces); `make bench-kineto` checks every
# trace of the full set the same way. From HolisticTraceAnalysis 0.5.0 (pip package
# HolisticTraceAnalysis, run in its own venv) on each file:
# TraceAnalysis(trace_files={0: path}).get_temporal_breakdown() →
# (idle_time_pctg, compute_time_pctg, non_compute_time_pctg). See benchmarks/kineto_hta.py.
HTA_TEMPORAL = {
    "amd_trace__mi250_minitoy_train_ROCm6_2_kineto.json.gz": (98.53, 1.08, 0.39),
    "critical_path__alexnet__benchmark_result_2869224_1695835535_trace.json.gz": (
        99.49, 0.08, 0.43,
    ),
    "critical_path__cuda_event_sync__event_sync_trace.json.gz": (78.71, 18.63, 2.66),
    "timeline_analysis__sampled_rank-0.json.gz": (53.56, 17.71, 28.74),
    "h200_convnet_dataloader_num_workers_0.pt.trace.json.gz": (79.92, 17.20, 2.88),
    "h200_convnet_dataloader_num_workers_4.pt.trace.json.gz": (21.89, 63.76, 14.35),
}  # fmt: skip

# Same HTA 0.5.0 run: get_idle_time_breakdown(ranks=[0]) (consecutive_kernel_delay=30) →
# stream → (host_wait, kernel_wait, other) idle time in µs.
HTA_IDLE_US = {
    "amd_trace__mi250_minitoy_train_ROCm6_2_kineto.json.gz": {0: (8780, 0, 0)},
    "critical_path__alexnet__benchmark_result_2869224_1695835535_trace.json.gz": {
        7: (12855007, 104, 0), 20: (12011718, 3, 0),
    },
    "critical_path__cuda_event_sync__event_sync_trace.json.gz": {7: (212, 0, 0)},
    "h200_convnet_dataloader_num_workers_0.pt.trace.json.gz": {7: (86496, 430, 0)},
    "h200_convnet_dataloader_num_workers_4.pt.trace.json.gz": {7: (5955, 466, 0)},
    "timeline_analysis__sampled_rank-0.json.gz": {
        7: (213825, 1985, 261740), 23: (596037, 70, 34), 25: (0, 9, 47865),
        84: (148934, 6, 0), 203: (0, 0, 0),
    },
}  # fmt: skip

CPU_ONLY = "cpu_only__rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz"
ALEXNET = "critical_path__alexnet__benchmark_result_2869224_1695835535_trace.json.gz"
EVENT_SYNC = "critical_path__cuda_event_sync__event_sync_trace.json.gz"
AMD = "amd_trace__mi250_minitoy_train_ROCm6_2_kineto.json.gz"
CONVNET_0 = "h200_convnet_dataloader_num_workers_0.pt.trace.json.gz"
CONVNET_4 = "h200_convnet_dataloader_num_workers_4.pt.trace.json.gz"
TIMELINE = "timeline_analysis__sampled_rank-0.json.gz"

_PARSED: dict[str, KinetoTrace] = {}


@pytest.fixture
def kineto(datasets: Path) -> Callable[[str], KinetoTrace]:
    """Parse a shipped trace once per test process (the big ones take about a second)."""

    def load(name: str) -> KinetoTrace:
        if name not in _PARSED:
            _PARSED[name] = parse_kineto((datasets / "kineto-traces" / name).read_bytes())
        return _PARSED[name]

    return load


def test_every_vendored_trace_has_hta_numbers(datasets: Path) -> None:
    shipped = {p.name for p in (datasets / "kineto-traces").glob("*.json*")}
    # HTA has nothing to say on a CPU-only trace, and fails an assertion on the H200 pattern
    # traces' launch-bound one; the pattern traces are checked by the GPU playbooks' tests.
    patterns = {n for n in shipped if n.startswith("h200_pattern_")}
    assert shipped == set(HTA_TEMPORAL) | {CPU_ONLY} | patterns


@pytest.mark.parametrize("name", sorted(HTA_TEMPORAL))
def test_shares_agree_with_hta_within_one_point(
    kineto: Callable[[str], KinetoTrace], name: str
) -> None:
    t = kineto(name).temporal
    assert t is not None
    ours = (100 * t.idle_share, 100 * t.compute_share, 100 * t.non_compute_share)
    for mine, theirs in zip(ours, HTA_TEMPORAL[name], strict=True):
        assert abs(mine - theirs) <= 1.0, (name, ours, HTA_TEMPORAL[name])
    assert t.idle_us + t.compute_us + t.non_compute_us == pytest.approx(t.span_us)


@pytest.mark.parametrize("name", sorted(HTA_IDLE_US))
def test_idle_breakdown_agrees_with_hta(kineto: Callable[[str], KinetoTrace], name: str) -> None:
    trace = kineto(name)
    assert trace.temporal is not None
    span = trace.temporal.span_us
    ours = {s.stream: (s.host_wait_us, s.kernel_wait_us, s.other_us) for s in trace.idle}
    assert set(ours) == set(HTA_IDLE_US[name])
    for stream, theirs in HTA_IDLE_US[name].items():
        for mine, hta in zip(ours[stream], theirs, strict=True):
            assert abs(mine - hta) / span <= 0.01, (name, stream, ours[stream], theirs)


def test_input_stall_goes_away_with_dataloader_workers(
    kineto: Callable[[str], KinetoTrace],
) -> None:
    def host_wait_share(trace: KinetoTrace) -> float:
        assert trace.temporal is not None
        return sum(s.host_wait_us for s in trace.idle) / trace.temporal.span_us

    stalled, fed = kineto(CONVNET_0), kineto(CONVNET_4)
    assert host_wait_share(stalled) > 0.7
    assert host_wait_share(stalled) - host_wait_share(fed) > 0.5
    assert stalled.temporal and fed.temporal
    assert fed.temporal.idle_share < stalled.temporal.idle_share - 0.5
    # the DataLoader's own time: ~86% of every step without workers, ~18% with four
    assert stalled.dataloader.total / stalled.steps.total > 0.8
    assert fed.dataloader.total / fed.steps.total < 0.25
    assert fed.steps.count == stalled.steps.count == 4


def test_cpu_only_trace_has_no_gpu_breakdown(kineto: Callable[[str], KinetoTrace]) -> None:
    trace = kineto(CPU_ONLY)
    assert trace.kernels == [] and trace.temporal is None and trace.idle == []
    assert trace.rank == 34 and trace.world_size == 300
    assert trace.warnings and "no GPU activity" in trace.warnings[0]
    assert trace.start is not None and trace.start.year == 2024  # baseTimeNanoseconds + ts
    assert trace.duration_us > 1e6
    json.dumps(trace.summary())


def test_kernels_copies_and_syncs_of_a_cuda_trace(kineto: Callable[[str], KinetoTrace]) -> None:
    trace = kineto(ALEXNET)
    assert trace.devices == {0: "NVIDIA A100-PG509-200"}
    assert trace.start == datetime(2023, 9, 27, 17, 25, 42, 514261, tzinfo=UTC)
    sgemm = [k for k in trace.kernels if k.name == "ampere_sgemm_32x32_sliced1x4_tn"]
    assert {k.grid for k in sgemm} == {(128, 4, 1), (32, 4, 6)}  # one row per launch shape
    k = next(k for k in sgemm if k.grid == (128, 4, 1))
    assert (k.kind, k.count, k.stream, k.grid, k.block) == ("compute", 4, 7, (128, 4, 1),
                                                           (128, 1, 1))  # fmt: skip
    assert (k.occupancy_pct, k.registers_per_thread, k.shared_memory) == (25.0, 86, 32768)
    assert k.min_us <= k.mean_us <= k.max_us and k.total_us == pytest.approx(k.mean_us * 4)
    assert sum(k.count for k in trace.kernels if k.kind == "compute") == 79

    pageable = [x for x in trace.transfers() if x.copy_kind == "HtoD"]
    assert len(pageable) == 1
    assert (pageable[0].memory, pageable[0].count, pageable[0].bytes) == (
        "Pageable -> Device", 16, 244_403_360,
    )  # fmt: skip
    assert all(k.pageable for k in trace.kernels if k.copy_kind == "HtoD")

    calls = {(a.source, a.name): a for a in trace.api}
    assert calls[("runtime", "cudaStreamSynchronize")].count == 16
    assert calls[("runtime", "cudaStreamSynchronize")].kind == "sync"
    assert calls[("runtime", "cudaDeviceSynchronize")].count == 5
    assert calls[("runtime", "cudaStreamWaitEvent")].kind == "sync"
    assert calls[("device", "Stream Sync")].count == 16
    assert calls[("device", "Context Sync")].count == 5
    assert calls[("runtime", "cudaMalloc")].kind == "alloc"
    assert calls[("runtime", "cudaFree")].kind == "free"
    assert calls[("runtime", "cudaLaunchKernel")].kind == "launch"
    assert calls[("runtime", "cudaMemcpyAsync")].ops  # attributed to the calling aten ops
    assert trace.launch_delay.count == 79
    summary = trace.summary()
    assert {s["name"] for s in summary["syncs"]} >= {"cudaStreamSynchronize", "Stream Sync"}


def test_event_sync_trace_records_every_sync_kind(kineto: Callable[[str], KinetoTrace]) -> None:
    calls = {(a.source, a.name): a for a in kineto(EVENT_SYNC).api}
    for name in ("cudaEventSynchronize", "cudaStreamSynchronize", "cudaDeviceSynchronize"):
        assert calls[("runtime", name)].kind == "sync"
    assert calls[("device", "Event Sync")].count == 2
    assert calls[("runtime", "cudaStreamSynchronize")].ops == {"aten::_local_scalar_dense": 1}


def test_rocm_trace(kineto: Callable[[str], KinetoTrace]) -> None:
    trace = kineto(AMD)
    assert trace.devices == {2: "AMD Radeon Graphics"}
    assert {s.stream for s in trace.idle} == {0}  # the runtime's "0x0" streams are host side
    assert trace.scope["rounded_to_us"] is True
    copies = [k for k in trace.kernels if k.kind == "memcpy"]
    assert copies and copies[0].copy_kind == "HtoD" and copies[0].bytes is None
    calls = {a.name: a for a in trace.api}
    assert calls["hipLaunchKernel"].kind == "launch"
    assert calls["hipDeviceSynchronize"].kind == "sync"
    assert trace.start is not None and trace.start.year == 2025


def test_ns_resolution_keeps_exact_kernel_times(kineto: Callable[[str], KinetoTrace]) -> None:
    trace = kineto(CONVNET_4)  # PyTorch 2.11 writes fractional microseconds
    assert trace.scope["rounded_to_us"] is True and trace.scope["last_step_excluded"] is True
    assert any(k.total_us != int(k.total_us) for k in trace.kernels)  # statistics not rounded
    h2d = [x for x in trace.transfers() if x.copy_kind == "HtoD"]
    assert h2d and h2d[0].count == 8  # the batches' inputs and labels


def test_nccl_kernels_are_communication(kineto: Callable[[str], KinetoTrace]) -> None:
    nccl = [k for k in kineto(TIMELINE).kernels if k.name.startswith("ncclKernel")]
    assert nccl and all(k.kind == "communication" for k in nccl)


def test_hta_compute_names() -> None:
    assert is_compute_name("volta_sgemm_128x64_nn")
    assert is_compute_name("Stream Wait Event")  # HTA counts this sync event as compute
    for name in ("Memcpy HtoD (Pageable -> Device)", "Memset (Device)", "Context Sync",
                 "ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)", "dma copy"):  # fmt: skip
        assert not is_compute_name(name)


# ------------------------------------------------------------------------ hand-made traces


def x(name: str, cat: str, ts: float, dur: float, **args: Any) -> dict[str, Any]:
    return {"ph": "X", "name": name, "cat": cat, "ts": ts, "dur": dur, "pid": 1, "tid": 1,
            "args": args}  # fmt: skip


def launch(ts: float, corr: int, dur: float = 5) -> dict[str, Any]:
    return x("cudaLaunchKernel", "cuda_runtime", ts, dur, correlation=corr)


def kernel(ts: float, dur: float, corr: int, stream: int = 7, name: str = "k") -> dict[str, Any]:
    return x(name, "kernel", ts, dur, correlation=corr, stream=stream, device=0,
             grid=[1, 1, 1], block=[32, 1, 1])  # fmt: skip


def small_trace() -> list[dict[str, Any]]:
    """Stream 7: a 5 µs launch gap (kernel wait), a late launch (host wait, 75 µs), a copy
    waiting 70 µs on nothing the trace shows (other). Stream 8 overlaps stream 7."""
    return [
        launch(0, 1), kernel(10, 10, 1),
        launch(6, 2), kernel(25, 10, 2, name="k2"),
        launch(100, 3), kernel(110, 20, 3),
        x("cudaMemcpyAsync", "cuda_runtime", 105, 5, correlation=4),
        x("Memcpy HtoD (Pageable -> Device)", "gpu_memcpy", 200, 10, correlation=4,
          stream=7, device=0, bytes=1000),
        launch(11, 5), kernel(15, 10, 5, stream=8),
    ]  # fmt: skip


def encode(events: list[Any], **meta: Any) -> bytes:
    return json.dumps({"traceEvents": events, **meta}).encode()


def test_definitions_on_a_small_trace() -> None:
    trace = parse_kineto(encode(small_trace()))
    t = trace.temporal
    assert t is not None
    # busy: [10, 35] + [110, 130] + [200, 210] = 55 of a 200 µs span; the copy is non-compute
    assert (t.span_us, t.idle_us, t.compute_us, t.non_compute_us) == (200, 145, 45, 10)
    idle = {s.stream: s for s in trace.idle}
    assert (idle[7].host_wait_us, idle[7].kernel_wait_us, idle[7].other_us) == (75, 5, 70)
    assert idle[7].operations == 4 and idle[8].idle_us == 0
    # launch → start: 10, 19, 10, 4 µs; after the call returned: 5, 14, 5, 0 (clipped)
    d = trace.launch_delay
    assert (d.count, d.p50, d.max, d.mean) == (4, 10, 19, 10.75)
    assert trace.launch_after_return.total == 24
    assert trace.start is None  # no baseTimeNanoseconds and ts is not Unix time
    assert trace.scope == {"rounded_to_us": False, "kernel_wait_threshold_us": 30.0,
                           "last_step_excluded": False, "gpu_events": 5}  # fmt: skip


def test_kernel_wait_threshold_is_a_parameter() -> None:
    trace = parse_kineto(encode(small_trace()), kernel_wait_threshold_us=100)
    assert {s.stream: s.kernel_wait_us for s in trace.idle}[7] == 75  # 5 + 70


def test_last_profiler_step_is_left_out_of_the_breakdown_only() -> None:
    events = [
        *small_trace(),
        x("ProfilerStep#1", "user_annotation", 0, 150),
        x("ProfilerStep#2", "user_annotation", 150, 100),
        launch(160, 6),
        kernel(300, 50, 6),  # launched in the last step
        kernel(400, 50, 99),  # no launch call in the trace
    ]
    trace = parse_kineto(encode(events))
    assert trace.temporal is not None and trace.temporal.span_us == 200  # as without them
    assert trace.scope["last_step_excluded"] is True
    assert trace.scope["excluded_gpu_events"] == 2
    assert sum(k.count for k in trace.kernels if k.name == "k") == 5  # stats cover everything
    assert trace.steps.count == 2


def test_fractional_timestamps_are_rounded_inwards_as_hta_does() -> None:
    events = [launch(0.5, 1), kernel(10.2, 9.9, 1), launch(1, 2), kernel(30.7, 10.0, 2)]
    trace = parse_kineto(encode(events))
    t = trace.temporal
    assert t is not None and trace.scope["rounded_to_us"] is True
    # [11, 20] and [31, 40]
    assert (t.span_us, t.idle_us) == (29, 11)
    assert trace.kernels[0].total_us == pytest.approx(19.9)  # statistics keep exact times


def test_gzip_json_and_bare_array_are_the_same_trace() -> None:
    raw = encode(small_trace())
    a, b = parse_kineto(raw), parse_kineto(gzip.compress(raw))
    assert a.sha256 == b.sha256 and a.summary() == b.summary()
    c = parse_kineto(json.dumps(small_trace()).encode())
    assert c.temporal == a.temporal


def test_wall_clock_from_unix_timestamps() -> None:
    base = 1_700_000_000_000_000  # µs
    events = [launch(base, 1), kernel(base + 10, 10, 1)]
    trace = parse_kineto(encode(events))
    assert trace.start == datetime.fromtimestamp(1_700_000_000, UTC)
    assert trace.end == datetime.fromtimestamp(1_700_000_000.00002, UTC)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (b"not json", "", "not valid JSON"),
        (b"\x1f\x8b\x08\x00garbage", "", "gzip"),
        (b'"a string"', "", "JSON object"),
        (b'{"schemaVersion": 1}', "traceEvents", "missing"),
        (b'{"traceEvents": {}}', "traceEvents", "list"),
        (b'{"traceEvents": [1]}', "traceEvents[0]", "not a JSON object"),
        (b'{"traceEvents": [{"ph": "X", "name": "k", "ts": 1}]}', "traceEvents[0].dur",
         "missing"),
        (b'{"traceEvents": [{"ph": "X", "name": "k", "ts": "1", "dur": 1}]}',
         "traceEvents[0].ts", "not a number"),
        (b'{"traceEvents": [{"ph": "X", "name": "k", "ts": 1, "dur": -1}]}',
         "traceEvents[0].dur", "negative"),
        (b'{"traceEvents": [{"ph": "X", "ts": 1, "dur": 1}]}', "traceEvents[0].name",
         "missing"),
        (b'{"traceEvents": [{"ph": "X", "name": "k", "ts": 1, "dur": 1, "args": []}]}',
         "traceEvents[0].args", "not a JSON object"),
        (b'{"traceEvents": ["\xff"]}', "", "UTF-8"),
    ],
)  # fmt: skip
def test_malformed_traces_raise_input_errors(data: bytes, field: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_kineto(data)
    assert err.value.field == field
    assert message in err.value.message


_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8,
)  # fmt: skip
_event = st.fixed_dictionaries(
    {"ph": st.sampled_from(["X", "X", "s", "f", "i"])},
    optional={
        "name": st.sampled_from(["k", "ProfilerStep#1", "Memcpy HtoD", "Event Sync"]) | _json_value,
        "cat": st.sampled_from(["kernel", "gpu_memcpy", "cuda_runtime", "cpu_op", "cuda_sync"])
        | _json_value,
        "ts": st.integers(0, 10**6) | st.floats(0, 1e6) | _json_value,
        "dur": st.integers(0, 1000) | st.floats(0, 1e3) | _json_value,
        "args": st.fixed_dictionaries({}, optional={
            "stream": st.integers(-1, 9) | _json_value, "correlation": st.integers(-1, 9),
            "device": _json_value, "grid": _json_value, "bytes": _json_value,
        }) | _json_value,
    },
)  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_event | _json_value, max_size=12))
def test_any_event_list_parses_or_raises_input_error(events: list[Any]) -> None:
    try:
        data = json.dumps({"traceEvents": events}).encode()
    except ValueError:  # NaN is not JSON
        return
    try:
        trace = parse_kineto(data)
    except InputError:
        return
    json.dumps(trace.summary(), allow_nan=False)


def test_sub_microsecond_kernels_never_make_busy_time_negative() -> None:
    """Rounded inwards, a 0.4 µs kernel ends before it starts; it must cover nothing (a
    launch-bound H200 trace was reported idle 100.5 %, compute -0.5 %)."""
    events = [launch(0.5, 1), kernel(10.2, 0.4, 1), launch(1, 2), kernel(30.7, 10.0, 2),
              launch(2, 3), kernel(50.3, 0.5, 3)]  # fmt: skip
    t = parse_kineto(encode(events)).temporal
    assert t is not None
    assert (t.span_us, t.compute_us, t.non_compute_us) == (40, 9, 0)
    assert t.idle_us == 31


_interval = st.tuples(
    st.floats(0, 5_000, allow_nan=False), st.floats(0, 300, allow_nan=False),
    st.sampled_from([7, 8, 9]),
    st.sampled_from(["k", "Memcpy HtoD (Pageable -> Device)", "ncclKernel_AllReduce", "Memset"]),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_interval, min_size=1, max_size=40), st.booleans())
def test_shares_stay_within_0_and_100_for_any_intervals(
    spans: list[tuple[float, float, int, str]], whole_us: bool
) -> None:
    """Overlapping, nested, zero-length and sub-µs GPU operations on several streams: the
    breakdown is a union over the trace window, so every share lies in [0, 1] and they add up."""
    events = []
    for corr, (ts, dur, stream, name) in enumerate(spans, start=1):
        if whole_us:
            ts, dur = float(round(ts)), float(round(dur))
        cat = (
            "gpu_memcpy"
            if name.startswith("Memcpy")
            else "gpu_memset"
            if name == "Memset"
            else ("kernel")
        )
        events.append(launch(max(ts - 3, 0), corr))
        events.append(x(name, cat, ts, dur, correlation=corr, stream=stream, device=0))
    summary = parse_kineto(encode(events)).summary()
    shares = summary["temporal"]
    assert shares is not None
    parts = [shares[k] for k in ("idle_share", "compute_share", "non_compute_share")]
    if shares["span_us"] > 0:
        assert all(0.0 <= p <= 1.0 for p in parts), parts
        assert sum(parts) == pytest.approx(1.0)
    for stream in summary["idle_by_stream"]:
        assert stream["idle_us"] >= 0
