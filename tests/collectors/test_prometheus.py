"""Prometheus query API: against a real Prometheus (Debian's ``prometheus`` package) on
loopback, and against a small HTTP server for answers a healthy Prometheus will not give
(proxies' HTML errors, hangs, refused connections).

Without the ``prometheus`` binary the real-server tests skip, and with CI=true they fail, so
CI cannot go green without having run them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from collectors.errors import CollectorError
from collectors.prometheus import PrometheusCollector, PromSeries
from efficiency.ingest.metrics import PointIn
from tests.servers import CannedServer, free_port, json_reply, poll, running_prometheus

# --- real Prometheus ----------------------------------------------------------------------------

DCGM_RULES = """\
groups:
  - name: dcgm-exporter-lookalike
    interval: 1s
    rules:
      - record: DCGM_FI_DEV_GPU_UTIL
        expr: vector(87)
        labels: {gpu: "0", UUID: "GPU-8b1c2f3e", Hostname: "gpu-node-1"}
      - record: DCGM_FI_DEV_GPU_UTIL
        expr: vector(12)
        labels: {gpu: "1", UUID: "GPU-5d6e7f80", Hostname: "gpu-node-1"}
"""


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_prometheus(tmp_path_factory.mktemp("prometheus"), DCGM_RULES) as url:
        yield url


def _valid(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for p in points:
        PointIn.model_validate(p)
    return points


def test_recorded_gpu_series_keep_their_labels(prometheus: str) -> None:
    series = PromSeries("gpu_utilization_percent", "DCGM_FI_DEV_GPU_UTIL", {"source": "dcgm"})
    with PrometheusCollector(prometheus, [series]) as collector:
        points = _valid(poll(lambda: collector.query(series)))
    by_gpu = {p["labels"]["gpu"]: p for p in points}
    assert {g: p["value"] for g, p in by_gpu.items()} == {"0": 87.0, "1": 12.0}
    assert by_gpu["0"]["name"] == "gpu_utilization_percent"
    assert by_gpu["0"]["labels"] == {
        "gpu": "0",
        "UUID": "GPU-8b1c2f3e",
        "Hostname": "gpu-node-1",
        "source": "dcgm",
    }
    assert by_gpu["0"]["timestamp"].endswith("Z")


def test_matrix_from_storage_and_range_queries(prometheus: str) -> None:
    stored = PromSeries("util", 'DCGM_FI_DEV_GPU_UTIL{gpu="0"}[1m]')
    ranged = PromSeries("one", "vector(1)", {"k": "v"})
    with PrometheusCollector(prometheus, [stored, ranged]) as collector:
        matrix = _valid(poll(lambda: collector.query(stored)))
        assert matrix and {p["value"] for p in matrix} == {87.0}
        end = datetime.now(UTC).replace(microsecond=0)
        points = _valid(collector.query_range(ranged, end - timedelta(seconds=4), end, 1))
    assert [p["timestamp"] for p in points] == [
        (end - timedelta(seconds=s)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        for s in (4, 3, 2, 1, 0)
    ]
    assert all(p["labels"] == {"k": "v"} and p["value"] == 1.0 for p in points)


def test_scalar_non_finite_and_string_results(prometheus: str) -> None:
    with PrometheusCollector(prometheus, []) as c:
        (point,) = _valid(c.query(PromSeries("two", "scalar(vector(2.5))", {"a": "b"})))
        assert point["value"] == 2.5 and point["labels"] == {"a": "b"}
        for expr in ("vector(0)/0", "vector(1)/0", "-vector(1)/0"):
            assert c.query(PromSeries("x", expr)) == []
        with pytest.raises(CollectorError, match="returns a string, not numbers"):
            c.query(PromSeries("text", '"abc"'))


def test_bad_query_is_named_and_the_others_go_on(prometheus: str) -> None:
    good, bad = PromSeries("one", "vector(1)"), PromSeries("broken", "foo{")
    with PrometheusCollector(prometheus, [bad, good]) as collector:
        points = _valid(collector.sample())
        assert [p["name"] for p in points] == ["one"]
        (error,) = collector.errors
    assert error.startswith("Prometheus query 'broken' (foo{) failed: bad_data: ")
    assert "parse error" in error


def test_prometheus_scraping_itself(prometheus: str) -> None:
    series = PromSeries("build", 'prometheus_build_info{job="prometheus"}')
    with PrometheusCollector(prometheus, [series]) as collector:
        (point,) = _valid(poll(collector.sample, seconds=20))  # first scrape after ~5 s
    assert point["labels"]["job"] == "prometheus" and point["labels"]["version"]


# --- answers a healthy Prometheus does not give -------------------------------------------------


def test_proxy_error_page_and_error_envelopes() -> None:
    replies = {
        "/api/v1/query?html": (502, "text/html", "<html>Bad Gateway</html>"),
        "/api/v1/query?slow": json_reply(
            {"status": "error", "errorType": "timeout", "error": "query timed out in expr"}, 503
        ),
        "/api/v1/query?warned": json_reply(
            {
                "status": "success",
                "warnings": ["partial response: store 3 down"],
                "data": {
                    "resultType": "vector",
                    "result": [
                        {"metric": {"__name__": "m", "i": "a"}, "value": [1700000000.5, "3"]},
                        {"metric": {"i": "h"}, "histogram": [1700000000.5, {"count": "2"}]},
                    ],
                },
            }
        ),
    }
    with CannedServer(replies) as server, PrometheusCollector(server.url + "/", []) as c:
        with pytest.raises(CollectorError, match=r"answered HTTP 502, not a Prometheus API"):
            c.query(PromSeries("h", "html"))
        with pytest.raises(CollectorError, match="'s' \\(slow\\) failed: timeout: query timed"):
            c.query(PromSeries("s", "slow"))
        (point,) = c.query(PromSeries("w", "warned"))
    assert point == {
        "name": "w",
        "labels": {"i": "a"},
        "timestamp": "2023-11-14T22:13:20.500Z",
        "value": 3.0,
    }
    assert c.warnings == ["partial response: store 3 down"]


def test_refused_connection_is_one_clear_line() -> None:
    port = free_port()  # nobody listens there any more
    collector = PrometheusCollector(f"http://127.0.0.1:{port}", [PromSeries("a", "up")])
    with collector, pytest.raises(CollectorError) as err:
        collector.sample()
    assert str(err.value) == (
        f"Prometheus query 'a' (up) at http://127.0.0.1:{port}: cannot connect: connection refused"
    )


def test_server_that_never_answers_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        collector = PrometheusCollector(url, [], timeout_s=0.2)
        with collector, pytest.raises(CollectorError, match=r"no answer within 0\.2 s"):
            collector.query(PromSeries("a", "up"))


def test_series_needs_a_name_and_a_query() -> None:
    with pytest.raises(CollectorError, match="needs a name and a query"):
        PromSeries("", "up")
