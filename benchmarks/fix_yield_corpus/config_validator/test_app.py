from app import validate
from workload import ENV, make_input


def test_valid_config_has_no_problems():
    config = {"db": {"host": "${DB_HOST}", "read_timeout": "30s", "pool": 5}}
    assert validate(config, {"DB_HOST": "db"}) == []


def test_each_kind_of_problem_in_order():
    config = {"a": {"Bad": "${X}${Y}", "x_timeout": 5, "y_timeout": "10 s", "ok": "${X"}}
    assert validate(config, {"Y": "1"}) == [
        "a.Bad: key is not snake_case",
        "a.Bad: ${X} is not defined",
        "a.y_timeout: '10 s' is not a duration",
    ]


def test_durations_and_keys_are_whole_matches():
    config = {"s": {"a_timeout": "5mins", "b_timeout": "250ms", "c-d": 1, "_e": 2, "f1": 3}}
    assert validate(config, {}) == [
        "s.a_timeout: '5mins' is not a duration",
        "s.c-d: key is not snake_case",
        "s._e: key is not snake_case",
    ]


def test_empty_config():
    assert validate({}, ENV) == []
    assert validate({"empty": {}}, ENV) == []


def test_fixed_input():
    problems = validate(make_input(), ENV)
    assert len(problems) == 29
    assert problems[:4] == [
        "service_0.user: ${DB_PASSWORD} is not defined",
        "service_0.read_timeout: 'thirty' is not a duration",
        "service_0.maxConns: key is not snake_case",
        "service_13.user: ${DB_PASSWORD} is not defined",
    ]
    assert sum("snake_case" in p for p in problems) == 8
