from app import FlagEvaluator
from workload import DEFAULTS, TENANTS, make_evaluator, make_input


def test_layers_in_order_limits_merged_key_by_key():
    flags = make_evaluator().evaluate([("acme", {"limits": {"burst": 1}, "regions": []})])[0]
    assert flags["checkout_v2"] is True
    assert flags["limits"] == {"rps": 500, "burst": 1, "upload_mb": 10}
    assert flags["regions"] == []
    assert flags["search_backend"] == "solr"


def test_unknown_tenant_gets_the_defaults():
    assert make_evaluator().evaluate([("nobody", {})]) == [DEFAULTS]


def test_defaults_and_results_are_independent():
    evaluator = FlagEvaluator(DEFAULTS, TENANTS)
    first, second = evaluator.evaluate([("acme", {}), ("acme", {})])
    first["limits"]["rps"] = 0
    first["experiments"][0]["arms"].append("c")
    assert second["limits"]["rps"] == 500
    assert DEFAULTS["limits"]["rps"] == 100
    assert DEFAULTS["experiments"][0]["arms"] == ["a", "b"]


def test_fixed_input():
    results = make_evaluator().evaluate(make_input())
    assert len(results) == 2000
    assert sum(r["checkout_v2"] for r in results) == 667
    assert sum(r["limits"]["burst"] == 50 for r in results) == 200
    assert sum(r["search_backend"] == "opensearch" for r in results) == 667
