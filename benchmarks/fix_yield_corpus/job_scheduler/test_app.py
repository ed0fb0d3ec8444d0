import logging

from app import Job, schedule
from workload import make_input


def test_priority_then_submission_order_onto_first_free_worker():
    jobs = [Job("c", 1, 10), Job("a", 0, 5), Job("b", 0, 20), Job("d", 1, 1)]
    assert schedule(jobs, workers=2) == [("a", 0, 0), ("b", 1, 0), ("c", 0, 5), ("d", 0, 15)]


def test_retried_jobs_go_after_fresh_ones_of_their_priority():
    jobs = [Job("r", 0, 5, retries=2), Job("f", 0, 5), Job("low", 3, 5)]
    assert [name for name, _, _ in schedule(jobs, workers=1)] == ["f", "r", "low"]


def test_no_jobs():
    assert schedule([]) == []


def test_debug_record_for_retries(caplog):
    jobs = [Job("r", 0, 5, retries=2), Job("f", 0, 7)]
    with caplog.at_level(logging.DEBUG, logger="app"):
        schedule(jobs, workers=1)
    assert [r.getMessage() for r in caplog.records] == ["r retried 2x starts at 7, queue []"]


def test_no_record_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="app"):
        schedule([Job("r", 0, 5, retries=1)])
    assert caplog.records == []


def test_fixed_input():
    plan = schedule(make_input())
    assert len(plan) == 400
    assert plan[:5] == [
        ("job-0004", 0, 0),
        ("job-0008", 1, 0),
        ("job-0012", 2, 0),
        ("job-0016", 3, 0),
        ("job-0020", 2, 174),
    ]
    assert plan[-1] == ("job-0387", 3, 17773)
    assert sum(start for _, _, start in plan) == 3564482
