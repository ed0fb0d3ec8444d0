"""The demo's canary summary names the function whose own code costs more in the canary."""

from __future__ import annotations

from typing import Any

from efficiency.demo.canary import outcome
from efficiency.demo.incident import PageReceiver


def entry(function: str, metric: str, control: float, canary: float, status: str) -> dict:
    return {"function": function, "metric": metric, "control_share": control,
            "canary_share": canary, "status": status, "relative": None, "cores": 0.2,
            "dollars_per_month": 6.0}  # fmt: skip


def run(functions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": 7, "verdict": "fail", "rollback": None,
            "result": {"reason": "regressed", "functions": functions}}  # fmt: skip


def test_the_leaf_is_named_when_only_inclusive_tests_failed() -> None:
    # a run of the demo's shape: the new leaf's self test fell short of the bar while the
    # inclusive tests of it and of its (larger, inclusive) caller failed
    functions = [
        entry("Auditor.work", "inclusive", 0.0, 0.78, "fail"),
        entry("audit_record", "inclusive", 0.0, 0.73, "fail"),
        entry("Thread.run", "inclusive", 0.70, 0.95, "fail"),
        entry("audit_record", "self", 0.0, 0.73, "ok"),
        entry("Auditor.work", "self", 0.0, 0.05, "ok"),
        entry("line_total", "self", 0.40, 0.10, "ok"),
    ]
    receiver = PageReceiver()
    try:
        found = outcome(run(functions), receiver)
    finally:
        receiver.close()
    assert (found.verdict, found.function, found.run_id) == ("fail", "audit_record", 7)


def test_a_failing_self_entry_is_preferred_for_the_same_function() -> None:
    functions = [
        entry("audit_record", "inclusive", 0.0, 0.73, "fail"),
        entry("audit_record", "self", 0.0, 0.70, "fail"),
        entry("Auditor.work", "inclusive", 0.0, 0.78, "fail"),
    ]
    functions[1]["cores"] = 0.19
    receiver = PageReceiver()
    try:
        found = outcome(run(functions), receiver)
    finally:
        receiver.close()
    assert (found.function, found.cores) == ("audit_record", 0.19)


def test_a_pass_names_no_function() -> None:
    receiver = PageReceiver()
    try:
        found = outcome({**run([entry("f", "self", 0.1, 0.1, "ok")]), "verdict": "pass"}, receiver)
    finally:
        receiver.close()
    assert (found.verdict, found.function, found.hooks, found.pages) == ("pass", None, [], [])
