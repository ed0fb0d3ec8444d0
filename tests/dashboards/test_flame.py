"""Flame-graph trees: inclusive values add up, small paths fold into their parent, and the
differential tree's change is the change of share."""

from __future__ import annotations

import pytest

from dashboards.flame import diff_nodes, flame_nodes, stacks_with, top_functions

PATHS = {
    1: ("main (app.py)", "handle (app.py)", "parse (app.py)"),
    2: ("main (app.py)", "handle (app.py)", "render (app.py)"),
    3: ("main (app.py)", "log (app.py)"),
    4: ("main (app.py)", "tiny (app.py)"),
}


def test_inclusive_values_nest_and_tiny_paths_fold() -> None:
    nodes = flame_nodes({1: 300, 2: 500, 3: 199, 4: 1}, PATHS, min_share=0.01)
    value = dict(zip(nodes["function"], nodes["value"], strict=True))
    assert value == {
        "all": 1000,
        "main (app.py)": 1000,
        "handle (app.py)": 800,
        "log (app.py)": 199,
        "parse (app.py)": 300,
        "render (app.py)": 500,
    }
    parents = dict(zip(nodes["id"], nodes["parent"], strict=True))
    for node_id, parent in parents.items():
        if parent:
            children = nodes[nodes["parent"] == node_id]["value"].sum()
            assert children <= float(nodes.loc[nodes["id"] == node_id, "value"].iloc[0])
    assert nodes.loc[nodes["function"] == "parse (app.py)", "label"].iloc[0] == "parse"


def test_the_differential_tree_shows_what_grew() -> None:
    nodes = diff_nodes({1: 100, 2: 300}, {1: 300, 2: 100}, PATHS)
    delta = dict(zip(nodes["function"], nodes["delta"], strict=True))
    assert delta["parse (app.py)"] == pytest.approx(50.0)
    assert delta["render (app.py)"] == pytest.approx(-50.0)
    assert delta["handle (app.py)"] == pytest.approx(0.0)
    assert nodes["value"].iloc[0] == 2.0


def test_top_functions_and_their_stacks() -> None:
    top = top_functions({1: 300, 2: 500, 3: 200}, PATHS)
    assert top["function"].tolist()[:2] == ["render (app.py)", "parse (app.py)"]
    main = top[top["function"] == "main (app.py)"].iloc[0]
    assert (main["self"], main["inclusive_share"]) == (0, 1.0)
    assert stacks_with(PATHS, "handle (app.py)") == (set(), {1, 2})
