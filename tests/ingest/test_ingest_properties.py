"""Property-based checks of ingest: whatever arrives, the answer is a result or a clear 4xx /
InputError, and valid records round-trip exactly."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from efficiency.ingest.errors import InputError
from efficiency.ingest.metrics import parse_metrics_csv
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.parsers.model import MAX_SAMPLES
from efficiency.ingest.timeparse import EARLIEST, LATEST, parse_time, to_event_time
from efficiency.store.events import Alert
from efficiency.store.profiles import ProfileWindow
from tests.ingest.conftest import ApiServer

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
alert_like = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["firing", "resolved", "bogus"]) | json_values,
        "receiver": st.text(max_size=10),
        "alerts": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "status": st.sampled_from(["firing", "resolved"]) | json_values,
                    "labels": st.dictionaries(
                        st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=3
                    )
                    | json_values,
                    "startsAt": st.sampled_from(["2026-11-22T02:13:45.389Z", "nope"]) | json_values,
                    "endsAt": st.just("0001-01-01T00:00:00Z") | json_values,
                    "fingerprint": st.text(max_size=20),
                },
            ),
            max_size=3,
        )
        | json_values,
    },
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(body=alert_like)
def test_any_webhook_body_is_accepted_or_a_422_never_a_500(
    api: ApiServer, body: dict[str, Any]
) -> None:
    with api.db.session() as s:
        before = s.execute(select(func.count()).select_from(Alert)).scalar_one()
    response = api.client.post("/api/v1/alerts/alertmanager", json=body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]
        with api.db.session() as s:
            after = s.execute(select(func.count()).select_from(Alert)).scalar_one()
        assert after == before


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.datetimes(
                min_value=datetime(2000, 1, 1),
                max_value=datetime(2099, 12, 31),
                timezones=st.just(UTC),
            ),
            st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
            st.floats(allow_nan=False, allow_infinity=False, width=32),
            st.from_regex(r"[a-z0-9-]{0,8}", fullmatch=True),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_metrics_csv_round_trips(rows: list[tuple[datetime, str, float, str]]) -> None:
    lines = ["timestamp,name,value,host"]
    lines += [f"{t.isoformat()},{n},{v!r},{h}" for t, n, v, h in rows]
    points = parse_metrics_csv("\n".join(lines) + "\n")
    assert [(p.timestamp, p.name, p.value, p.labels.get("host", "")) for p in points] == rows


@given(st.text(max_size=40))
def test_parse_time_accepts_or_names_the_field(text: str) -> None:
    try:
        value = parse_time(text, "--start")
    except InputError as exc:
        assert exc.field == "--start"
    else:
        assert value.tzinfo is not None


@given(st.datetimes(timezones=st.just(UTC)) | st.datetimes())
def test_parse_time_reads_iso_and_unix_seconds(value: datetime) -> None:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:  # the documented range: refused, naming the field
        with pytest.raises(InputError, match=r"^t: .*between 1970-01-01 and 2100-01-01"):
            parse_time(value.isoformat(), "t")
        return
    assert parse_time(value.isoformat(), "t") == aware
    assert abs(parse_time(str(aware.timestamp()), "t") - aware) < timedelta(microseconds=2)


def test_concurrent_posts_of_one_window_store_it_once(api: ApiServer) -> None:
    """Eight clients racing to send the same window: one stores it, the rest see duplicates."""
    import httpx

    window = {"service": "race", "host": "h", "start": "2026-11-22T10:00:00Z",
              "end": "2026-11-22T10:01:00Z", "data": "a;b 1\n"}  # fmt: skip
    body = json.dumps({"windows": [window]})
    results: list[int] = []

    def post() -> None:
        with httpx.Client(base_url=api.url, timeout=60) as client:
            r = client.post("/api/v1/profiles", content=body,
                            headers={"content-type": "application/json"})  # fmt: skip
            assert r.status_code == 200, r.text
            results.append(r.json()["windows_stored"])

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0] * 7 + [1]
    with api.db.session() as s:
        assert s.execute(select(func.count()).select_from(ProfileWindow)).scalar_one() == 1


@given(json_values | st.floats() | st.integers(min_value=-(2**70), max_value=2**70))
def test_any_event_time_is_in_the_documented_range_or_refused(value: Any) -> None:
    """Whatever a payload holds where a time belongs: a UTC time in [1970, 2100) or a
    ValueError (a 422 naming the field); a number is never read as milliseconds."""
    try:
        parsed = to_event_time(value)
    except ValueError:
        return
    assert parsed.tzinfo is not None and EARLIEST <= parsed < LATEST
    if isinstance(value, int | float) and not isinstance(value, bool):
        assert parsed.timestamp() == pytest.approx(float(value), abs=1e-3)


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(["main", "", " ", "work (a.py:1)", "x;y"]), max_size=4),
            st.integers(min_value=-1, max_value=2**64),
        ),
        max_size=6,
    )
)
def test_folded_text_is_parsed_or_refused_naming_the_line(
    lines: list[tuple[list[str], int]],
) -> None:
    text = "".join(f"{';'.join(frames)} {count}\n" for frames, count in lines)
    try:
        profile = parse_folded(text)
    except InputError as exc:
        assert exc.field.startswith("line ")
        return
    assert 0 <= profile.total_samples <= MAX_SAMPLES
    for frames in profile.stack_frames.values():
        assert all(f.function.strip() for f in frames)
