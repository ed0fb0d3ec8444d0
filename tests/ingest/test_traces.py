"""GPU traces into the store on both backends, and ``efficiency ingest trace``."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from collectors.kineto import parse_kineto
from efficiency.cli import cli
from efficiency.ingest.errors import InputError
from efficiency.ingest.traces import parse_trace, store_trace
from efficiency.store.db import Database
from efficiency.store.traces import GpuApiCall, GpuKernel, GpuTrace

EVENT_SYNC = "critical_path__cuda_event_sync__event_sync_trace.json.gz"
ALEXNET = "critical_path__alexnet__benchmark_result_2869224_1695835535_trace.json.gz"
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def trace_bytes(datasets: Path, name: str) -> bytes:
    return (datasets / "kineto-traces" / name).read_bytes()


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as s:
        return tuple(  # type: ignore[return-value]
            s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (GpuTrace, GpuKernel, GpuApiCall)
        )


def test_store_once_however_often_imported(db: Database, datasets: Path) -> None:
    data = trace_bytes(datasets, ALEXNET)
    parsed = parse_trace(data)
    with db.session() as s:
        first = store_trace(s, "vision", "gpu-1", parsed, file_name="alexnet.json.gz", now=NOW)
    assert first.stored and first.kernel_rows == len(parsed.kernels) > 0
    stored = counts(db)
    assert stored == (1, len(parsed.kernels), len(parsed.api))
    # the same trace, decompressed: the same content, nothing new
    again = parse_trace(gzip.decompress(data))
    with db.session() as s:
        second = store_trace(s, "vision", "gpu-1", again, file_name="alexnet.json")
    assert (second.stored, second.trace_id) == (False, first.trace_id)
    assert counts(db) == stored
    # another service may hold the same file
    with db.session() as s:
        assert store_trace(s, "other", "gpu-1", parsed).stored
    assert counts(db)[0] == 2


def test_stored_rows_carry_what_the_gpu_rules_need(db: Database, datasets: Path) -> None:
    parsed = parse_trace(trace_bytes(datasets, ALEXNET))
    with db.session() as s:
        result = store_trace(s, "vision", "gpu-1", parsed, file_name="alexnet.json.gz", now=NOW)
    with db.session() as s:
        row = s.get(GpuTrace, result.trace_id)
        assert row is not None
        assert (row.service, row.host, row.rank, row.file_name) == ("vision", "gpu-1", 0,
                                                                   "alexnet.json.gz")  # fmt: skip
        assert row.start_at == parsed.start and row.time_source == "trace"
        assert row.end_at - row.start_at == timedelta(microseconds=parsed.duration_us)
        assert row.device_name == "NVIDIA A100-PG509-200" and row.kernel_count == 79
        assert parsed.temporal is not None
        assert row.idle_us == parsed.temporal.idle_us and row.span_us == parsed.temporal.span_us
        assert row.summary["temporal"]["idle_share"] == pytest.approx(0.9949, abs=1e-4)
        assert row.summary["idle_by_stream"][0]["stream"] == 7
        assert {x["name"] for x in row.summary["syncs"]} >= {"cudaStreamSynchronize"}
        assert row.received_at == NOW

        pageable = s.execute(
            select(GpuKernel).where(GpuKernel.trace_id == row.id, GpuKernel.copy_kind == "HtoD")
        ).scalar_one()
        assert (pageable.kind, pageable.memory, pageable.count, pageable.bytes) == (
            "memcpy", "Pageable -> Device", 16, 244_403_360,
        )  # fmt: skip
        sgemm = s.execute(
            select(GpuKernel).where(
                GpuKernel.name == "ampere_sgemm_32x32_sliced1x4_tn", GpuKernel.grid == "128x4x1"
            )
        ).scalar_one()
        assert (sgemm.kind, sgemm.block, sgemm.count, sgemm.occupancy_pct) == (
            "compute", "128x1x1", 4, 25.0,
        )  # fmt: skip
        assert sgemm.mean_us == pytest.approx(sgemm.total_us / 4)
        syncs = dict(
            s.execute(
                select(GpuApiCall.name, GpuApiCall.count).where(
                    GpuApiCall.trace_id == row.id, GpuApiCall.kind == "sync"
                )
            ).all()
        )
        assert syncs["cudaStreamSynchronize"] == 16 and syncs["Stream Sync"] == 16


def test_a_trace_without_wall_clock_time_ends_at_the_fallback(db: Database) -> None:
    events = [
        {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "ts": 5, "dur": 2,
         "pid": 1, "tid": 1, "args": {"correlation": 1}},
        {"ph": "X", "cat": "kernel", "name": "k", "ts": 10, "dur": 90, "pid": 0, "tid": 7,
         "args": {"correlation": 1, "stream": 7, "device": 0}},
    ]  # fmt: skip
    parsed = parse_kineto(json.dumps({"traceEvents": events}).encode())
    assert parsed.start is None
    with db.session() as s:
        result = store_trace(s, "svc", "h", parsed, fallback_end=NOW)
    with db.session() as s:
        row = s.get(GpuTrace, result.trace_id)
        assert row is not None and row.time_source == "file"
        assert (row.end_at, row.start_at) == (NOW, NOW - timedelta(microseconds=95))


def test_a_cpu_only_trace_is_stored_without_breakdown(db: Database, datasets: Path) -> None:
    parsed = parse_trace(trace_bytes(datasets, "cpu_only__rank-34.Jul_15_10_52_41.1074."
                                                      "pt.trace.json.gz"))  # fmt: skip
    with db.session() as s:
        result = store_trace(s, "cpu", "h", parsed)
    with db.session() as s:
        row = s.get(GpuTrace, result.trace_id)
        assert row is not None and row.rank == 34 and row.idle_us is None
        assert row.summary["temporal"] is None and row.kernel_count == 0


def test_unstorable_names_are_refused_and_nothing_is_written(db: Database) -> None:
    events = [{"ph": "X", "cat": "kernel", "name": "bad\x00kernel", "ts": 1, "dur": 1,
               "args": {"stream": 7, "correlation": 1}}]  # fmt: skip
    parsed = parse_kineto(json.dumps({"traceEvents": events}).encode())
    with pytest.raises(InputError, match="NUL"), db.session() as s:
        store_trace(s, "svc", "h", parsed)
    assert counts(db) == (0, 0, 0)


def test_service_is_validated(db: Database, datasets: Path) -> None:
    parsed = parse_trace(trace_bytes(datasets, EVENT_SYNC))
    with pytest.raises(ValueError), db.session() as s:
        store_trace(s, "", "h", parsed)


# ----------------------------------------------------------------------------- command line


def run(tmp_path: Path, *args: str) -> Result:
    """The real command group in this process (the subprocess path is covered by
    tests/test_cli.py); stderr apart from stdout, as a terminal shows them."""
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "e.db"), *args])


def test_cli_ingest_trace_json_then_again(tmp_path: Path, datasets: Path) -> None:
    path = datasets / "kineto-traces" / EVENT_SYNC
    first = run(tmp_path, "ingest", "trace", str(path), "--service", "sync", "--json")
    assert first.exit_code == 0, first.output
    doc = json.loads(first.stdout)
    assert doc["stored"] is True and doc["service"] == "sync" and doc["file"] == path.name
    assert doc["temporal"]["idle_share"] == pytest.approx(0.7871, abs=1e-4)
    assert doc["top_kernels"][0]["total_us"] >= doc["top_kernels"][-1]["total_us"]
    again = run(tmp_path, "ingest", "trace", str(path), "--service", "sync")
    assert again.exit_code == 0, again.output
    assert "already stored" in again.stdout and "idle 78.7%" in again.stdout
    assert "cudaStreamSynchronize" in again.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not json", "not valid JSON"),
        # mtime=0: the same bytes in every xdist worker, which must collect identical ids
        (gzip.compress(b'{"schemaVersion": 1}', mtime=0), "traceEvents: missing"),
        (b'{"traceEvents": [{"ph": "X", "name": "k", "ts": 1}]}', "traceEvents[0].dur"),
    ],
)
def test_cli_bad_trace_exits_2_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = run(tmp_path, "ingest", "trace", str(path), "--service", "s")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and str(path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_cli_missing_file_and_missing_service(tmp_path: Path) -> None:
    missing = run(tmp_path, "ingest", "trace", str(tmp_path / "nope.json"), "--service", "s")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    no_service = run(tmp_path, "ingest", "trace", str(tmp_path / "nope.json"))
    assert no_service.exit_code == 2 and "--service" in no_service.stderr
