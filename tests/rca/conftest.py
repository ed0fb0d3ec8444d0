"""A recorded slice of the Nezha artifact's TrainTicket day 2023-01-29 (see tests/data/README)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from efficiency.ingest.metrics import series_id

SLICE = Path(__file__).resolve().parents[1] / "data" / "rca" / "nezha_tt_cpu_contacts.csv"
#: CPU contention injected into ts-contacts-service at this time (the artifact's fault list)
FAULT_AT = pd.Timestamp("2023-01-29T13:31:54Z")


@pytest.fixture
def tt_points() -> pd.DataFrame:
    """The slice as the store's long table (``series_id, name, labels, ts, value``)."""
    raw = pd.read_csv(SLICE)
    frame = pd.DataFrame(
        {
            "name": raw["name"],
            "labels": [{"pod": p} for p in raw["pod"]],
            "ts": pd.to_datetime(raw["timestamp"], utc=True),
            "value": raw["value"].astype(float),
        }
    )
    pairs = zip(frame["name"], frame["labels"], strict=True)
    frame["series_id"] = [series_id(n, lab) for n, lab in pairs]
    return frame.sort_values(["series_id", "ts"]).reset_index(drop=True)
