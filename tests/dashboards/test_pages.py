"""Every page of the dashboard and every action, with Streamlit's AppTest, against a real
SQLite store filled by the project's own commands (tests/dashboards/fill.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from efficiency.store.db import Database
from efficiency.store.incident_actions import list_actions
from efficiency.store.incidents import Incident, Silence
from efficiency.store.remediation import Proposal
from tests.dashboards.conftest import PAGES, _app, problems
from tests.dashboards.fill import Filled

App = Callable[..., AppTest]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def db_of(store: Filled) -> Database:
    return Database(f"sqlite:///{store.db}")


def test_every_page_renders_the_store(app: App, store: Filled) -> None:
    seen = {}
    for page in PAGES:
        at = app(page)
        assert problems(at) == [], page
        seen[page] = at
    m = metrics(seen["overview"])
    assert m["critical"] == "2" and m["sent"] != "0"
    assert m["estimated $ / month"].startswith("$")
    assert any("Nothing is stored yet" in i.value for i in seen["overview"].info) is False
    incidents = seen["incidents"]
    assert any("2 incidents" in c.value for c in incidents.caption)
    assert charts(seen["hotspots"]) >= 2  # the flame graph and the function's share
    assert metrics(seen["gpu"])["device"] == "NVIDIA H200" and charts(seen["gpu"]) == 2
    assert len(seen["proposals"].get("tabs") or seen["proposals"].tabs) == 3
    assert charts(seen["capacity"]) == 1 and "in 90 days" in metrics(seen["capacity"])
    assert metrics(seen["fleet"])["hosts"] == "5"
    assert metrics(seen["fleet"])["agents with a backlog"] == "1"


def test_the_incident_detail_shows_the_evidence(app: App, store: Filled) -> None:
    at = app("incidents", incident=store.incidents["checkout"])
    assert problems(at) == []
    assert at.title[0].value.startswith(f"#{store.incidents['checkout']} ")
    assert charts(at) == 2  # the timeline and the correlation graph
    causes = [e.label for e in at.expander]
    assert any("checkout" in c and "score" in c for c in causes)
    text = " ".join(m.value for m in at.markdown)
    assert "regression of `_make_iterencode" in text and "min before the onset" in text
    assert any(s.value == "Suspected change" for s in at.subheader)
    assert "checkout deploy 2" in text
    missing = app("incidents", incident=99999)
    assert [e.value for e in missing.error] == [
        "Incident 99999 does not exist (it may have been a pending group)."
    ]


def confirm(at: AppTest, key: str, actor: str = "alice") -> AppTest:
    """Ask for the action, say who does it, confirm."""
    at.button(key=f"ask_{key}").click().run()
    assert any("Confirm?" in i.value for i in at.info), [i.value for i in at.info]
    assert at.button(key=f"yes_{key}").disabled == (at.text_input(key=f"who_{key}").value == "")
    at.text_input(key=f"who_{key}").input(actor).run()
    return at.button(key=f"yes_{key}").click().run()


def test_acknowledge_merge_split_silence_resolve(app: App, store: Filled) -> None:
    checkout, search = store.incidents["checkout"], store.incidents["search"]
    at = app("incidents", incident=checkout)
    at.button(key="ask_ack").click().run()
    assert at.button(key="yes_ack").disabled  # no name yet: Confirm cannot be clicked
    at = confirm(at, "ack")
    assert problems(at) == [] and any("done by alice" in s.value for s in at.success)
    at.selectbox(key="w_merge").select(search).run()
    at = confirm(at, "merge", "bob")
    assert problems(at) == []
    fingerprints = at.multiselect(key="w_split").options
    assert len(fingerprints) == 4
    at.multiselect(key="w_split").select(at.multiselect(key="w_split").options[0]).run()
    at = confirm(at, "split", "bob")
    at.text_area(key="w_matchers").input('service="checkout"').run()
    at = confirm(at, "silence", "carol")
    at = confirm(at, "resolve", "dana")
    assert problems(at) == []
    db = db_of(store)
    try:
        with db.session() as s:
            trail = [(a["action"], a["actor"]) for a in list_actions(s, checkout)]
            assert trail == [("acknowledge", "alice"), ("merge", "bob"), ("split", "bob"),
                             ("silence", "carol"), ("resolve", "dana")]  # fmt: skip
            assert s.get_one(Incident, search).merged_into_id == checkout
            assert s.get_one(Incident, checkout).status == "resolved"
            child = s.scalar(select(Incident).where(Incident.key.like("split-%")))
            assert child is not None and child.status == "open"
            assert s.scalar(select(Silence.created_by)) == "carol"
    finally:
        db.dispose()


def test_a_refused_action_says_why_and_changes_nothing(app: App, store: Filled) -> None:
    at = app("incidents", incident=store.incidents["checkout"])
    at.text_area(key="w_matchers").input("service=~").run()
    at = confirm(at, "silence")
    assert any("Not done: matchers" in w.value for w in at.warning)
    db = db_of(store)
    try:
        with db.session() as s:
            assert s.scalar(select(Silence.id)) is None
    finally:
        db.dispose()


def test_mark_a_proposal_rejected(app: App, store: Filled) -> None:
    db = db_of(store)
    try:
        with db.session() as s:
            open_one = s.scalar(select(Proposal.id).where(Proposal.status == "proposed"))
    finally:
        db.dispose()
    at = app("proposals", proposal=open_one)
    assert problems(at) == [] and any("diff" in c.language for c in at.code if c.language)
    at = confirm(at, "rejected", "erin")
    assert problems(at) == []
    db = db_of(store)
    try:
        with db.session() as s:
            row = s.get_one(Proposal, open_one)
            assert (row.status, row.reviewed_by) == ("rejected", "erin")
    finally:
        db.dispose()


def test_the_differential_flame_graph_before_and_after_the_deploy(app: App, store: Filled) -> None:
    at = app("hotspots", service="checkout", mode="diff")
    assert problems(at) == []
    assert charts(at) == 2  # the differential icicle and the share series
    grew = at.dataframe[0].value
    assert "json" in " ".join(grew["function"].head(3)) or "iterencode" in " ".join(
        grew["function"].head(3)
    )
    assert at.query_params["at"]  # the moment chosen is in the URL


def test_the_savings_page_reads_the_ledger(app: App, store: Filled) -> None:
    at = app("savings", by="playbook")
    assert problems(at) == []
    m = metrics(at)
    assert m["realized cores"] != "0.000" and m["estimated $ / month"] != "$0.00"
    assert set(at.dataframe[0].value["playbook"]) >= {"python-re-compile-in-loop"}


def test_every_page_explains_an_empty_store(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    db.upgrade()
    db.dispose()
    config = tmp_path / "c.toml"
    config.write_text("[dashboard]\nrefresh_seconds = 0\n")
    empty = Filled(tmp_path, tmp_path / "empty.db", config, None, {})  # type: ignore[arg-type]
    for open_page in _app(empty, monkeypatch):
        for page in PAGES:
            at = open_page(page)
            assert problems(at) == [], page
            hints = " ".join(i.value for i in at.info)
            assert "efficiency" in hints, page  # says what to run next
    st.cache_data.clear()
