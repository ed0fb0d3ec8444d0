"""Log records -> per-minute series: the parser (hypothesis), the CLI and the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from efficiency.ingest.logs import LogIn, level_of, log_points
from efficiency.ingest.templates import OTHER, capped, template_of
from efficiency.store.db import Database
from efficiency.store.metric_queries import metric_points_frame
from tests.ingest.conftest import ApiServer
from tests.test_cli import run

T0 = datetime(2023, 1, 29, 8, 40, tzinfo=UTC)


def record(second: float, message: str, pod: str = "ts-travel-service-64469b5b48-25zj6",
           **extra: object) -> dict[str, object]:  # fmt: skip
    ts = (T0 + timedelta(seconds=second)).isoformat().replace("+00:00", "Z")
    return {"ts": ts, "pod": pod, "message": message, **extra}


def lines(records: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


HEX_ID = st.text("abcdef0123456789", min_size=16, max_size=32).filter(
    lambda h: any(c.isdigit() for c in h) and any(c.isalpha() for c in h)
)


@given(st.integers(0, 10**12), st.uuids(), st.ip_addresses(v=4), HEX_ID)
def test_variable_tokens_do_not_change_the_template(
    n: int, uid: object, ip: object, hx: str
) -> None:
    a = template_of(
        f'order {n} of user {uid} from {ip} trace {hx} path /api/v1/x/{n} id={n} "q{n}"'
    )
    b = template_of('order 7 of user 00000000-0000-0000-0000-000000000000 from 10.0.0.1 trace '
                    'ab12cd34ef56ab78 path /api/v1/x/1 id=2 "z"')  # fmt: skip
    assert a == b


@settings(max_examples=200)
@given(st.text(max_size=400))
def test_any_message_has_a_bounded_template(message: str) -> None:
    template = template_of(message)
    assert 0 < len(template) <= 160
    assert template == template_of(template) or "<" in template


@given(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=60), st.integers(1, 5))
def test_capping_keeps_the_most_frequent(templates: list[str], cap: int) -> None:
    mapping = capped(templates, cap)
    kept = {v for v in mapping.values() if v != OTHER}
    assert len(kept) <= cap and set(mapping) == set(templates)
    counts = {t: templates.count(t) for t in set(templates)}
    folded = [t for t, v in mapping.items() if v == OTHER]
    assert all(counts[k] >= counts[f] for k in kept for f in folded)


def test_level_from_the_field_or_the_message() -> None:
    def make(message: str, level: str | None = None) -> LogIn:
        return LogIn.model_validate(record(0, message, level=level))

    assert level_of(make("16:42:22.382 ERROR o.a.C#175 boom")) == "error"
    assert level_of(make("16:42:22.382 WARN  x")) == "warn"
    assert level_of(make('level=error msg="x"')) == "error"
    assert level_of(make("the error path was taken")) == "other"
    assert level_of(make("anything", "WARNING")) == "warn"


def test_points_are_zero_filled_per_template_and_level() -> None:
    recs = [record(s, f"INFO route {s} ok") for s in range(0, 180, 5)]
    recs += [record(100 + s, f"ERROR boom at 0x{s:08x}ff") for s in range(3)]
    points = log_points([LogIn.model_validate(r) for r in recs])
    by = {}
    for p in points:
        by.setdefault((p.name, p.labels.get("template", "")), {})[p.timestamp] = p.value
    errors = by[("log_error_lines", "")]
    assert sorted(errors.values()) == [0.0, 0.0, 3.0]  # three whole minutes, one with errors
    assert all(p.labels["service"] == "ts-travel-service" for p in points)
    assert min(errors) == T0 + timedelta(minutes=1)  # stamped at the minute's end
    boom = [k for k in by if k[1].startswith("ERROR boom")]
    assert len(boom) == 1 and sum(by[boom[0]].values()) == 3


def test_cli_stores_series_and_refuses_bad_records(tmp_path: Path) -> None:
    good = tmp_path / "logs.jsonl"
    good.write_text(lines([record(s, "INFO hello 1") for s in range(0, 120, 2)]))
    done = run(tmp_path, "ingest", "logs", str(good))
    assert done.returncode == 0, done.stderr
    assert "60 log record(s)" in done.stdout
    db = Database(f"sqlite:///{tmp_path / 'e.db'}")
    with db.session() as s:
        frame = metric_points_frame(s, T0, T0 + timedelta(hours=1))
    db.dispose()
    assert {"log_lines", "log_error_lines", "log_template_lines"} <= set(frame["name"])
    before = len(frame)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines([record(0, "x"), {"ts": "2023-01-29T08:40:00Z", "message": "x"}]))
    refused = run(tmp_path, "ingest", "logs", str(bad))
    assert refused.returncode == 2 and "line 2: service" in refused.stderr
    assert "Traceback" not in refused.stderr
    nots = run(tmp_path, "ingest", "logs", str(good), "--template-cap", "0")
    assert nots.returncode == 2
    db = Database(f"sqlite:///{tmp_path / 'e.db'}")
    with db.session() as s:
        assert len(metric_points_frame(s, T0, T0 + timedelta(hours=1))) == before
    db.dispose()


def test_api_counts_logs(api: ApiServer) -> None:
    body = {"records": [record(s, "WARN slow 3") for s in range(0, 120, 3)]}
    answer = api.client.post("/api/v1/logs", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["records"] == 40 and answer.json()["stored"] > 0
    bad = api.client.post(
        "/api/v1/logs", json={"records": [{"ts": "x", "pod": "p", "message": ""}]}
    )
    assert bad.status_code == 422 and "ts" in bad.text
