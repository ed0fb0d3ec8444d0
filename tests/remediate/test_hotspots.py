"""Hot spots, pure: ranking frames by cost, the evidence they carry, each playbook's rule on
the frames it is written for, trace statistics and GPU hot spots."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collectors.kineto import parse_kineto
from efficiency.ingest.parsers.model import parse_frame
from efficiency.remediate.hotspots import (
    ApiRow,
    FrameRef,
    KernelRow,
    ProfileSet,
    TraceData,
    busy_cores,
    frame_hotspots,
    frame_shares,
    gpu_hotspots,
    gpu_shares,
    hotspot_key,
    trace_stats,
    with_trends,
)
from efficiency.remediate.playbooks import IDLE_HOTSPOTS, TRACE_STATS, Playbook, load_playbooks

APP = "/srv/app/shop"
LIB = "/usr/lib/python3.11"


@pytest.fixture(scope="module")
def playbooks() -> list[Playbook]:
    return load_playbooks()


def profile(text: str, cores: float | None = 2.0) -> ProfileSet:
    """Folded stacks (``a (f.py:1);b (f.py:2) 10`` a line) as the store hands them over."""
    stacks = []
    for line in text.strip().splitlines():
        stack, _, n = line.rpartition(" ")
        frames = []
        for part in stack.split(";"):
            f = parse_frame(part)
            frames.append(FrameRef(f.function, f.file, f.line, f.runtime))
        stacks.append((tuple(frames), int(n)))
    return ProfileSet(stacks, cores, windows=1)


def by_frame(records: list) -> dict:
    return {r.frame: r for r in records}


# ------------------------------------------------------------------ CPU frames


def test_frames_ranked_by_self_cost_with_shares_cores_and_line() -> None:
    prof = profile(
        f"main ({APP}/main.py:1);work ({APP}/work.py:10);spin ({APP}/work.py:20) 600\n"
        f"main ({APP}/main.py:1);work ({APP}/work.py:12) 300\n"
        f"main ({APP}/main.py:1);work ({APP}/work.py:14) 100\n"
    )
    records = frame_hotspots("api", prof, limit=10)
    assert [r.frame for r in records] == [f"spin ({APP}/work.py)", f"work ({APP}/work.py)"]
    spin, work = records
    assert (spin.share_self, spin.share_inclusive, spin.cost_cores) == (0.6, 0.6, 1.2)
    assert (work.share_self, work.share_inclusive) == (0.4, 1.0)
    assert spin.runtime == "python" and spin.playbooks == []
    assert spin.id == hotspot_key("api", "python", f"spin ({APP}/work.py)")
    ev = work.evidence
    # lines of a function fold into one hot spot; the evidence names the heaviest line
    assert (ev["function"], ev["file"], ev["line"]) == ("work", f"{APP}/work.py", 10)
    assert (ev["samples"], ev["samples_inclusive"], ev["samples_total"]) == (400, 1000, 1000)
    assert ev["cores"] == 2.0 and ev["cost_cores"] == pytest.approx(0.8)
    assert ev["parent"] == {"function": "main", "file": f"{APP}/main.py", "share": 1.0}
    assert [s["samples"] for s in ev["stacks"]] == [600, 300, 100]
    assert ev["stacks"][0]["frames"][-1] == f"spin ({APP}/work.py:20)"
    assert ev["stacks"][0]["share"] == 0.6
    json.dumps(ev)  # stored as a JSON document


def test_unknown_cores_and_the_limit() -> None:
    prof = profile("a (x.py:1) 5\nb (x.py:1) 3\nc (x.py:1) 2\n", cores=None)
    records = frame_hotspots("api", prof, limit=2)
    assert [r.frame for r in records] == ["a (x.py)", "b (x.py)"]
    assert records[0].cost_cores is None and records[0].evidence["cost_cores"] is None
    assert frame_hotspots("api", ProfileSet([])) == []


def test_heaviest_five_stacks_and_an_excerpt_of_deep_ones() -> None:
    deep = ";".join(f"f{i} ({APP}/d.py:{i})" for i in range(30))
    lines = [f"{deep};leaf ({APP}/d.py:99) 100"]
    lines += [f"g{i} ({APP}/g.py:1);leaf ({APP}/d.py:99) {10 - i}" for i in range(8)]
    (leaf,) = [r for r in frame_hotspots("api", profile("\n".join(lines))) if "leaf" in r.frame]
    stacks = leaf.evidence["stacks"]
    assert [s["samples"] for s in stacks] == [100, 10, 9, 8, 7]
    assert stacks[0]["frames"][0] == "… 18 frames" and len(stacks[0]["frames"]) == 14
    assert stacks[0]["frames"][-1] == f"leaf ({APP}/d.py:99)"


def test_library_frame_points_at_the_application_caller(playbooks: list[Playbook]) -> None:
    prof = profile(
        f"main ({APP}/main.py:1);handle ({APP}/views.py:40);match ({LIB}/re/__init__.py:166);"
        f"_compile ({LIB}/re/__init__.py:280) 300\n"
        f"main ({APP}/main.py:1);handle ({APP}/views.py:41) 700\n"
    )
    rec = by_frame(frame_hotspots("api", prof, playbooks))[f"_compile ({LIB}/re/__init__.py)"]
    ev = rec.evidence
    # a literal pattern (hoisted) or a compiled one passed through re (called directly)
    assert rec.playbooks == ["python-re-compile-in-loop", "python-re-pattern-method"]
    # the fix goes where re is called; the hot frame stays in the evidence
    assert (ev["function"], ev["file"], ev["line"]) == ("handle", f"{APP}/views.py", 40)
    assert (ev["hot_function"], ev["hot_file"], ev["hot_line"]) == (
        "_compile", f"{LIB}/re/__init__.py", 280)  # fmt: skip
    assert ev["target_is_frame"] is False
    assert ev["caller"] == {"function": "handle", "file": f"{APP}/views.py", "line": 40,
                            "share": 1.0}  # fmt: skip
    assert ev["parent"]["function"] == "match"
    assert ev["matches"]["python-re-compile-in-loop"]["actual"] == 0.3
    book = {b.id: b for b in playbooks}["python-re-compile-in-loop"]
    text = book.render_diagnosis(ev)
    assert "30.0% of its CPU samples" in text and f"handle ({APP}/views.py:40)" in text


CALLER = f"main ({APP}/main.py:1);handle ({APP}/views.py:40)"

#: (the hot stack below the application's handler, the playbook it must match)
EXAMPLES = [
    ("malloc (/usr/lib/x86_64-linux-gnu/libc.so.6);_int_malloc (libc.so.6)", "native-glibc-malloc"),
    ("PyList_Append (python3.11);free (libc.so.6)", "native-glibc-malloc"),
    ("free (libc.so.6);_int_free (libc.so.6);__lll_lock_wait_private (libc.so.6)",
     "native-malloc-arena-contention"),
    ("free (libc.so.6);_int_free (libc.so.6);munmap_chunk (libc.so.6);munmap (libc.so.6)",
     "native-mmap-churn"),
    ("calloc (libc.so.6);_int_malloc (libc.so.6);asm_exc_page_fault_[k];exc_page_fault_[k];"
     "clear_page_erms_[k]", "native-mmap-churn"),
    ("bytes_subscript (python3.11);__memmove_avx_unaligned_erms (libc.so.6)",
     "native-memcpy-volume"),
    ("_PyObject_Malloc (python3.11)", "python-pymalloc-churn"),
    ("list_append (python3.11);app1 (python3.11);list_resize (python3.11)",
     "python-list-dict-resize"),
    ("_PyObject_GC_Link (python3.11);gc_collect_main (libpython3.11.so.1.0)", "python-gc-pressure"),
    ("PyUnicode_Append (python3.11);resize_compact (python3.11)", "python-string-concat"),
    (f"debug ({LIB}/logging/__init__.py:1465);isEnabledFor ({LIB}/logging/__init__.py:1734)",
     "python-eager-logging"),
    (f"sub ({LIB}/re/__init__.py:185);_compile ({LIB}/re/__init__.py:280)",
     "python-re-compile-in-loop"),
    (f"match ({LIB}/re/__init__.py:166);_compile ({LIB}/re/__init__.py:280)",
     "python-re-pattern-method"),
    ("pack (_struct.cpython-311-x86_64-linux-gnu.so);"
     "cache_struct_converter (_struct.cpython-311-x86_64-linux-gnu.so)", "python-struct-format"),
    (f"dumps ({LIB}/json/__init__.py:231);encode ({LIB}/json/encoder.py:200)",
     "python-json-codec"),
    ("encoder_call (_json.cpython-311-x86_64-linux-gnu.so)", "python-json-codec"),
    (f"deepcopy ({LIB}/copy.py:128);_deepcopy_dict ({LIB}/copy.py:227)", "python-deepcopy"),
    (f"_strptime_datetime ({LIB}/_strptime.py:565);_strptime ({LIB}/_strptime.py:309)",
     "python-strptime-per-call"),
    (f"deepcopy ({LIB}/copy.py:128);_deepcopy_dict ({LIB}/copy.py:227)",
     "python-deepcopy-read-only"),
    (f"deepcopy ({LIB}/copy.py:128);_reconstruct ({LIB}/copy.py:259)", "python-deepcopy-plain"),
]  # fmt: skip


def test_eager_logging_is_the_callers_own_time_before_a_disabled_log_call(
    playbooks: list[Playbook],
) -> None:
    """The message is formatted in the caller, before the call: the logging frame itself is
    tiny; the caller's self time and its call into logging are the evidence."""
    prof = profile(
        f"main ({APP}/main.py:1);describe ({APP}/tiles.py:12) 600\n"
        f"main ({APP}/main.py:1);describe ({APP}/tiles.py:12);"
        f"Logger.debug ({LIB}/logging/__init__.py:1517) 3\n"
        f"main ({APP}/main.py:1);render ({APP}/tiles.py:30) 400\n"
    )
    found = by_frame(frame_hotspots("api", prof, playbooks))
    describe = found[f"describe ({APP}/tiles.py)"]
    assert describe.playbooks == ["python-eager-logging"]
    assert describe.evidence["matches"]["python-eager-logging"]["rule"] == "match.frames[1]"
    assert describe.evidence["function"] == "describe"  # the fix goes into the frame itself
    # a busy function that does not call logging matches nothing: no catch-alls
    assert found[f"render ({APP}/tiles.py)"].playbooks == []


@pytest.mark.parametrize(("hot", "playbook"), EXAMPLES)
def test_each_frame_playbook_matches_its_frames(
    playbooks: list[Playbook], hot: str, playbook: str
) -> None:
    prof = profile(f"{CALLER};{hot} 300\n{CALLER};busy ({APP}/views.py:50) 700\n")
    records = frame_hotspots("api", prof, playbooks)
    matched = {p: r for r in records for p in r.playbooks}
    assert playbook in matched, [(r.frame, r.playbooks) for r in records]
    ev = matched[playbook].evidence
    assert ev["matches"][playbook]["actual"] >= 0.05
    # native frames carry the application code that calls them: where the fix goes
    assert (ev["function"], ev["file"]) == ("handle", f"{APP}/views.py")
    book = {b.id: b for b in playbooks}[playbook]
    assert "n/a" not in book.render_diagnosis(ev)


def shown(records: list) -> list[str]:
    """Every playbook matched anywhere."""
    return [p for r in records for p in r.playbooks]


def test_rules_hold_back_below_threshold_and_without_their_context(
    playbooks: list[Playbook],
) -> None:
    # 1% in malloc: under the 5% threshold, no playbook
    small = profile(f"{CALLER};malloc (libc.so.6) 10\n{CALLER};busy ({APP}/v.py:5) 990\n")
    assert not shown(frame_hotspots("api", small, playbooks))
    # malloc already from jemalloc: the service preloads it
    je = profile(f"{CALLER};malloc (libjemalloc.so.2) 300\n{CALLER};busy ({APP}/v.py:5) 700\n")
    assert not shown(frame_hotspots("api", je, playbooks))
    # lock waits that are not under malloc/free are not arena contention
    lock = profile(f"{CALLER};pthread_mutex_lock (libc.so.6);__lll_lock_wait (libc.so.6) 300\n"
                   f"{CALLER};busy ({APP}/v.py:5) 700\n")  # fmt: skip
    assert not shown(frame_hotspots("api", lock, playbooks))


def test_matched_frames_beyond_the_limit_are_kept(playbooks: list[Playbook]) -> None:
    prof = profile(
        f"{CALLER};busy ({APP}/v.py:5) 700\n"
        f"{CALLER};json_thing ({APP}/v.py:9);dumps ({LIB}/json/__init__.py:231);"
        f"encode ({LIB}/json/encoder.py:200) 300\n"
    )
    records = frame_hotspots("api", prof, playbooks, limit=1)
    assert [r.frame for r in records] == [f"busy ({APP}/v.py)",
                                          f"encode ({LIB}/json/encoder.py)",
                                          f"dumps ({LIB}/json/__init__.py)"]  # fmt: skip
    assert records[2].share_self == 0 and records[2].playbooks == ["python-json-codec"]


def test_busy_cores_and_trends() -> None:
    t0 = datetime(2026, 11, 22, tzinfo=UTC)
    windows = [(t0, t0 + timedelta(seconds=10), 1000, 100.0),
               (t0 + timedelta(seconds=10), t0 + timedelta(seconds=20), 3000, 100.0)]  # fmt: skip
    assert busy_cores(windows) == 2.0
    assert busy_cores([(t0, t0 + timedelta(seconds=10), 1000, None)]) is None
    now = frame_hotspots("api", profile("a (x.py:1) 6\nb (x.py:1) 4\n"))
    before = frame_shares("api", profile("a (x.py:1) 3\nc (x.py:1) 7\n"))
    with_trends(now, before)
    assert {r.frame: round(r.trend, 6) for r in now} == {"a (x.py)": 0.3, "b (x.py)": 0.4}
    assert now[0].evidence["trend"] == now[0].trend
    with_trends(now, frame_shares("api", ProfileSet([])))
    assert all(r.trend is None for r in now)


def test_hotspot_key_is_stable() -> None:
    assert hotspot_key("api", "python", "spin (a.py)") == "477378115f90d9ad"
    assert len({hotspot_key("api", rt, "f") for rt in ("python", "native", "gpu")}) == 3


# ------------------------------------------------------------------ GPU traces


def synthetic_trace(**summary: object) -> TraceData:
    """One step of 10 ms: 6 ms of kernels, 4 ms idle (3 host wait, 1 kernel wait)."""
    base = {
        "devices": {"0": "NVIDIA A100-SXM4-80GB"},
        "idle_by_stream": [
            {"stream": 7, "operations": 1000, "idle_us": 4000.0, "host_wait_us": 3000.0,
             "kernel_wait_us": 1000.0, "other_us": 0.0},
            {"stream": 9, "operations": 3, "idle_us": 9000.0, "host_wait_us": 9000.0,
             "kernel_wait_us": 0.0, "other_us": 0.0},
        ],
        "steps_us": {"count": 1, "total": 10000.0},
        "dataloader_us": {"count": 1, "total": 2500.0},
        "launch_call_us": {"count": 1000, "total": 8000.0},
        **summary,
    }  # fmt: skip
    return TraceData(
        duration_us=12000.0, gpu_time_us=6000.0, span_us=10000.0, idle_us=4000.0,
        compute_us=5000.0, non_compute_us=1000.0, summary=base,
        kernels=[
            KernelRow("ampere_sgemm_128x64_nn", "compute", 100, 3000.0),
            KernelRow("elementwise_add", "compute", 900, 1800.0),
            KernelRow("Memcpy HtoD (Pageable -> Device)", "memcpy", 2, 1000.0, "HtoD",
                      "Pageable -> Device", 4_000_000),
            KernelRow("Memcpy HtoD (Pinned -> Device)", "memcpy", 1, 200.0, "HtoD",
                      "Pinned -> Device", 1_000_000),
        ],
        api=[
            ApiRow("runtime", "cudaStreamSynchronize", "sync", 3, 30.0,
                   {"aten::_local_scalar_dense": 2, "aten::copy_": 1}),
            ApiRow("runtime", "cudaStreamWaitEvent", "sync", 50, 10.0),
            ApiRow("runtime", "cudaFree", "free", 4, 600.0),
            ApiRow("runtime", "cudaHostAlloc", "alloc", 1, 900.0),
        ],
    )  # fmt: skip


def test_trace_statistics() -> None:
    stats = trace_stats([synthetic_trace()])
    assert set(stats) == set(TRACE_STATS)
    assert stats["idle.share"] == 0.4
    # the busiest stream's breakdown splits the GPU's idle time
    assert stats["idle.host_wait_share"] == 0.3 and stats["idle.kernel_wait_share"] == 0.1
    assert stats["dataloader.step_share"] == 0.25 and stats["steps.count"] == 1
    assert stats["kernels.launches"] == 1000 and stats["kernels.median_duration_us"] == 2.0
    assert stats["kernels.short_share"] == 0.9 and stats["launch.call_mean_us"] == 8.0
    assert stats["memcpy.pageable_h2d_share"] == pytest.approx(1000 / 6000)
    assert stats["memcpy.pageable_h2d_fraction"] == pytest.approx(1000 / 1200)
    assert stats["memcpy.pageable_h2d_bytes"] == 4_000_000
    # waits on events are no host syncs; scalar reads are counted by their operator
    assert stats["sync.per_step"] == 3 and stats["sync.scalar_per_step"] == 2
    # pinned host allocations are not device allocator traffic
    assert stats["alloc.calls_per_step"] == 4 and stats["alloc.time_share"] == 0.05
    assert stats["gemm.fp32_share"] == 0.5
    assert (stats["device.tensor_cores"], stats["device.tf32"]) == (1, 1)
    json.dumps(stats)


def test_statistics_a_trace_cannot_give_are_none() -> None:
    bare = TraceData(duration_us=100.0, gpu_time_us=0.0)
    stats = trace_stats([bare])
    assert stats["idle.share"] is None and stats["dataloader.step_share"] is None
    assert stats["device.tf32"] is None and stats["steps.count"] == 1
    # steps without DataLoader marks: no step share either
    no_loader = synthetic_trace(dataloader_us={"count": 0, "total": 0.0})
    assert trace_stats([no_loader])["dataloader.step_share"] is None
    v100 = synthetic_trace(devices={"0": "Tesla V100-SXM2-16GB"})
    assert (trace_stats([v100])["device.tensor_cores"], trace_stats([v100])["device.tf32"]) == (
        1, 0)  # fmt: skip


def test_gpu_hotspots_rank_operations_and_idle(playbooks: list[Playbook]) -> None:
    records = gpu_hotspots("train", [synthetic_trace()], playbooks, limit=2)
    frames = by_frame(records)
    assert set(frames) == {"ampere_sgemm_128x64_nn", "elementwise_add",
                           "Memcpy HtoD (Pageable -> Device)", *IDLE_HOTSPOTS[:2]}  # fmt: skip
    host = frames["gpu idle: host wait"]
    assert host.runtime == "gpu" and host.share_self == 0.3
    assert host.cost_gpu_hours == pytest.approx(3000 / 3.6e9)
    # 25% of the step in the DataLoader and 30% host wait: the stall; tiny kernels; .item()
    # twice a step; cudaFree every step. The playbook expected to save most comes first.
    assert host.playbooks == ["gpu-dataloader-stall", "gpu-launch-bound",
                              "gpu-caching-allocator-thrash", "gpu-host-sync"]  # fmt: skip
    stall = host.evidence["matches"]["gpu-dataloader-stall"]["conditions"]
    assert stall[0] == {"stat": "dataloader.step_share", "op": ">=", "value": 0.1,
                        "actual": 0.25}  # fmt: skip
    sgemm = frames["ampere_sgemm_128x64_nn"]
    assert sgemm.runtime == "gpu-kernel" and sgemm.share_self == 0.5
    assert sgemm.playbooks == ["gpu-fp32-gemm-tf32"]
    copy = frames["Memcpy HtoD (Pageable -> Device)"]
    assert copy.playbooks == ["gpu-pageable-h2d"]
    assert copy.evidence["bandwidth_gbps"] == 4.0 and copy.evidence["launches"] == 2
    assert copy.evidence["trace"]["memcpy.pageable_h2d_bytes"] == 4_000_000
    assert copy.evidence["device"] == "NVIDIA A100-SXM4-80GB"
    json.dumps([r.evidence for r in records])
    assert gpu_hotspots("train", [], playbooks) == []


def test_gpu_shares_for_trends() -> None:
    shares = gpu_shares("train", [synthetic_trace()])
    assert shares is not None
    assert shares[hotspot_key("train", "gpu-kernel", "elementwise_add")] == 0.3
    assert shares[hotspot_key("train", "gpu", "gpu idle: host wait")] == 0.3
    assert gpu_shares("train", []) is None


def _trace_data(path: Path) -> TraceData:
    t = parse_kineto(path.read_bytes())
    tp = t.temporal
    assert tp is not None
    return TraceData(
        duration_us=t.duration_us, gpu_time_us=t.gpu_time_us, span_us=tp.span_us,
        idle_us=tp.idle_us, compute_us=tp.compute_us, non_compute_us=tp.non_compute_us,
        device_name=t.device_name, summary=json.loads(json.dumps(t.summary())),
        kernels=[KernelRow(k.name, k.kind, k.count, k.total_us, k.copy_kind, k.memory, k.bytes)
                 for k in t.kernels],
        api=[ApiRow(a.source, a.name, a.kind, a.count, a.total_us, a.ops) for a in t.api],
    )  # fmt: skip


def test_dataloader_stall_from_the_parsed_traces(datasets: Path, playbooks: list[Playbook]) -> None:
    """A conv net trained on an H200 with num_workers=0, and a trace with no waste."""
    folder = datasets / "kineto-traces"
    for name, fires in (("h200_convnet_dataloader_num_workers_0", True),
                        ("h200_pattern_clean", False)):  # fmt: skip
        data = _trace_data(folder / f"{name}.pt.trace.json.gz")
        records = gpu_hotspots("trainer", [data], playbooks)
        fired = [r.frame for r in records if "gpu-dataloader-stall" in r.playbooks]
        assert fired == (["gpu idle: host wait"] if fires else [])
