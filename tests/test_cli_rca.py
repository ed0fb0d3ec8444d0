"""`efficiency rca` and `GET /api/v1/rca` end to end, on a recorded TrainTicket slice imported
through `efficiency ingest metrics`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from efficiency.config import Config
from efficiency.ingest.metrics import parse_metrics_csv, store_metrics
from efficiency.store.db import Database
from tests.ingest.conftest import run_server
from tests.rca.conftest import FAULT_AT, SLICE
from tests.test_cli import run

AT = FAULT_AT.isoformat().replace("+00:00", "Z")


def test_rca_ranks_every_service_for_a_moment(tmp_path: Path) -> None:
    assert run(tmp_path, "ingest", "metrics", str(SLICE)).returncode == 0
    graph = tmp_path / "graph.yaml"
    graph.write_text("services:\n  ts-preserve-service: [ts-contacts-service, ts-basic-service]\n")
    done = run(tmp_path, "rca", "--at", AT, "--service-graph", str(graph), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    ranking = report["ranking"]
    assert ranking[0]["service"] == "ts-contacts-service"
    assert len(ranking) == 5 and {"service", "score", "evidence"} <= set(ranking[0])
    assert ranking[0]["evidence"]["call_path"] == ["ts-preserve-service", "ts-contacts-service"]
    table = run(tmp_path, "rca", "--at", AT)
    assert table.returncode == 0 and "ts-contacts-service" in table.stdout


def test_rca_refuses_a_bad_time_or_graph(tmp_path: Path) -> None:
    bad = run(tmp_path, "rca", "--at", "yesterday-ish")
    assert bad.returncode == 2 and "--at" in bad.stderr and "Traceback" not in bad.stderr
    missing = run(tmp_path, "rca", "--at", AT, "--service-graph", str(tmp_path / "none.yaml"))
    assert missing.returncode == 2 and "none.yaml" in missing.stderr


def test_api_rca_matches_and_names_a_bad_field(db: Database) -> None:
    with db.session() as s:
        store_metrics(s, parse_metrics_csv(SLICE.read_text()))
    for api in run_server(Config(), db):
        good = api.client.get("/api/v1/rca", params={"at": AT})
        assert good.status_code == 200, good.text
        assert good.json()["ranking"][0]["service"] == "ts-contacts-service"
        assert pd.Timestamp(good.json()["at"]) == FAULT_AT
        bad = api.client.get("/api/v1/rca", params={"at": "not a time"})
        assert bad.status_code == 422
        assert bad.json()["error"].startswith("at:") and bad.json()["detail"]
        missing = api.client.get("/api/v1/rca")
        assert missing.status_code == 422 and "at" in missing.json()["error"]
