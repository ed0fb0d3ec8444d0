import datetime as dt

from app import Task, bar, columns, late, parse_plan, parse_task, render, span

PLAN = [
    "# key, owner, start, end, progress",
    "A-1, ana, 2024-03-01, 2024-03-04, 0.5",
    "B-1, bo, 2024-03-03, 2024-03-10, 1",
    "",
    "A-2, ana, 2024-03-02, 2024-03-02,",
    "C-1, , 2024-03-05, 2024-03-06, 1.7",
]


def test_parse_plan_skips_comments_and_clamps():
    tasks = parse_plan(PLAN)
    assert [t.key for t in tasks] == ["A-1", "B-1", "A-2", "C-1"]
    assert tasks[2].progress == 0.0
    assert tasks[3].owner == "unassigned"
    assert tasks[3].progress == 1.0
    assert tasks[0].start == dt.date(2024, 3, 1)


def test_parse_task_negative_progress():
    assert parse_task("X, me, 2024-01-01, 2024-01-02, -3").progress == 0.0


def test_span_and_columns():
    tasks = parse_plan(PLAN)
    assert span(tasks) == (dt.date(2024, 3, 1), dt.date(2024, 3, 10))
    assert span([]) == (None, None)
    assert columns(dt.date(2024, 1, 1), dt.date(2024, 1, 10), 10) == 1
    assert columns(dt.date(2024, 1, 1), dt.date(2024, 1, 21), 10) == 3


def test_bar_cells():
    t = Task("A-1", "ana", dt.date(2024, 3, 2), dt.date(2024, 3, 5), 0.5)
    line = bar(t, dt.date(2024, 3, 1), 1, 10)
    assert line == "A-1           | ##==     |  50%"


def test_render_layout():
    out = render(parse_plan(PLAN), width=10)
    lines = out.split("\n")
    assert lines[0] == "2024-03-01 .. 2024-03-10  (1 day/col)"
    assert lines[1] == " " * 14 + "|0      0  |"
    assert lines[2] == "== ana (2 tasks, 25% done) =="
    assert lines[3] == "A-1           |##==      |  50%"
    assert lines[4] == "A-2           | =        |   0%"
    assert lines[5] == ""
    assert lines[6] == "== bo (1 tasks, 100% done) =="
    assert lines[7] == "B-1           |  ########| 100%"
    assert lines[-3] == "== unassigned (1 tasks, 100% done) =="
    assert out.endswith("C-1           |    ##    | 100%\n")


def test_render_empty():
    assert render([]) == ""


def test_render_lanes_keep_start_order():
    tasks = [
        Task(f"K{i}", "zed", dt.date(2024, 1, 1) + dt.timedelta(days=9 - i), dt.date(2024, 2, 1), 0)
        for i in range(10)
    ]
    keys = [ln.split("|")[0].strip() for ln in render(tasks, 20).splitlines()[3:]]
    assert keys == [f"K{i}" for i in range(9, -1, -1)]


def test_late():
    tasks = parse_plan(PLAN)
    assert [t.key for t in late(tasks, dt.date(2024, 3, 5))] == ["A-2", "A-1"]
