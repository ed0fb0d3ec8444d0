import copy

from app import Account, Limit, Overage, Plan, billing_run, check_account
from workload import make_catalog, make_input


def _catalog() -> dict[str, Plan]:
    limits = {"cpu": Limit(100, 2), "disk": Limit(10, 50, hard_cap=30)}
    return {"basic": Plan("basic", limits, ["x"], {"more": {"cpu": 50}})}


def test_overage_lines_sorted_by_metric_and_addons_raise_allowance():
    catalog = _catalog()
    acct = Account("a1", "basic", {"disk": 12, "cpu": 170, "gpu": 99}, ("more",))
    assert check_account(acct, catalog) == [
        Overage("a1", "cpu", 170, 150, 40, False),
        Overage("a1", "disk", 12, 10, 100, False),
    ]


def test_hard_cap_limits_the_charge_and_at_limit_is_free():
    catalog = _catalog()
    assert check_account(Account("a2", "basic", {"disk": 45}), catalog) == [
        Overage("a2", "disk", 45, 10, 1000, True)
    ]
    assert check_account(Account("a3", "basic", {"cpu": 100, "disk": 10}), catalog) == []
    assert check_account(Account("a4", "basic", {"disk": 30}), catalog) == [
        Overage("a4", "disk", 30, 10, 1000, False)
    ]


def test_unknown_addon_is_ignored_and_catalog_untouched():
    catalog = _catalog()
    before = copy.deepcopy(catalog)
    lines, total = billing_run(
        [
            Account("b", "basic", {"cpu": 101}, ("nope",)),
            Account("a", "basic", {"cpu": 160}, ("more", "more")),
        ],
        catalog,
    )
    # an add-on named twice counts twice: 100 + 50 + 50 covers the 160 used
    assert lines == [Overage("b", "cpu", 101, 100, 2, False)]
    assert total == 2
    assert catalog == before


def test_fixed_input():
    accounts, catalog = make_input()
    before = copy.deepcopy(catalog)
    lines, total = billing_run(accounts, catalog)
    assert len(lines) == 1059
    assert total == 4405116
    assert sum(line.capped for line in lines) == 76
    assert lines[0] == Overage("acct-00003", "bandwidth_gb", 63, 50, 65, False)
    assert lines[-1] == Overage("acct-00599", "functions", 6565, 4000, 14000, True)
    assert catalog == before == make_catalog()
