"""Spans -> per-minute operation and call-edge series: the parser, the CLI and the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from efficiency.ingest.spans import SpanIn, span_points
from tests.ingest.conftest import ApiServer
from tests.test_cli import run

T0 = datetime(2023, 1, 29, 8, 40, tzinfo=UTC)


def trace(second: float, n: int, slow: float = 0.0) -> list[dict[str, object]]:
    """A gateway span calling the order service, which calls its database twice."""
    start = (T0 + timedelta(seconds=second)).isoformat().replace("+00:00", "Z")
    gw, order = f"g{n}", f"o{n}"
    return [
        {"trace_id": f"t{n}", "span_id": gw, "parent_id": "root", "start": start,
         "pod": "ts-gateway-service-6f6cfc45b-h5m2n", "operation": "/*", "duration": 0.3 + slow},
        {"trace_id": f"t{n}", "span_id": order, "parent_id": gw, "start": start,
         "service": "order", "operation": f"GET /api/v1/orders/{n}", "duration": 0.2 + slow},
        {"trace_id": f"t{n}", "span_id": f"d{n}", "parent_id": order, "start": start,
         "service": "order", "operation": "SELECT", "duration": 0.1},
    ]  # fmt: skip


def spans(records: list[dict[str, object]]) -> list[SpanIn]:
    return [SpanIn.model_validate(r) for r in records]


def test_operations_and_edges_per_minute() -> None:
    records = [r for i in range(0, 120, 2) for r in trace(i, i, slow=1.0 if i >= 60 else 0.0)]
    records += trace(0, 0)  # exported twice: counted once
    points = {(p.name, tuple(sorted(p.labels.items())), p.timestamp): p.value
              for p in span_points(spans(records))}  # fmt: skip
    edge = (("destination_workload", "order"), ("source_workload", "ts-gateway-service"))
    m1, m2 = T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)
    assert points[("edge_requests", edge, m1)] == 30.0
    assert points[("edge_request_duration_seconds_mean", edge, m1)] == pytest.approx(0.3)
    assert points[("edge_request_duration_seconds_p90", edge, m2)] == pytest.approx(1.3)
    ops = {k[1] for k in points if k[0] == "span_calls"}
    assert (("operation", "GET <path>"), ("service", "order")) in ops  # ids masked: one series


@given(st.floats(-10, 10), st.booleans())
def test_a_span_needs_an_end_or_a_nonnegative_duration(duration: float, give_end: bool) -> None:
    base = trace(0, 1)[0] | {"duration": duration}
    if give_end:
        base = {k: v for k, v in base.items() if k != "duration"} | {"end": "2023-01-29T08:39:00Z"}
    with pytest.raises(ValidationError):
        if give_end or duration < 0:
            SpanIn.model_validate(base)
        else:
            SpanIn.model_validate({k: v for k, v in base.items() if k != "duration"})


def test_cli_and_api(tmp_path: Path, api: ApiServer) -> None:
    path = tmp_path / "spans.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for i in range(0, 120, 2) for r in trace(i, i)))
    done = run(tmp_path, "ingest", "spans", str(path))
    assert done.returncode == 0, done.stderr
    assert "180 span(s)" in done.stdout
    path.write_text(json.dumps({**trace(0, 1)[0], "start": "later"}) + "\n")
    bad = run(tmp_path, "ingest", "spans", str(path))
    assert bad.returncode == 2 and "line 1: start" in bad.stderr
    body = {"records": [r for i in range(0, 120, 2) for r in trace(i, i)]}
    answer = api.client.post("/api/v1/spans", json=body)
    assert answer.status_code == 200 and answer.json()["stored"] > 0
    wrong = api.client.post("/api/v1/spans", json={"records": [{"span_id": "x"}]})
    assert wrong.status_code == 422
