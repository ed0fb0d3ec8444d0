"""Running tests and a benchmark before and after a change, without a shell."""

from __future__ import annotations

import math
import random
import statistics
import sys
from pathlib import Path

from scipy.stats import t as t_dist

from efficiency.remediate.verify import measured, measured_seconds, run, speedup_interval, verify

BENCH = """\
import json, sys, time
from work import work
t = time.perf_counter(); work(); print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def tree(path: Path, loops: int, ok: bool) -> Path:
    path.mkdir()
    (path / "work.py").write_text(f"def work():\n    return sum(range({loops}))\n")
    (path / "bench.py").write_text(BENCH)
    (path / "check.py").write_text(f"import sys\nsys.exit({0 if ok else 1})\n")
    return path


def test_tests_and_benchmark_before_and_after(tmp_path: Path) -> None:
    before = tree(tmp_path / "before", 2_000_000, ok=True)
    after = tree(tmp_path / "after", 20_000, ok=False)
    record = verify(before, after, [sys.executable, "check.py"], [sys.executable, "bench.py"],
                    timeout=60, repeats=3)  # fmt: skip
    assert record["tests_before"] == "pass" and record["tests_after"] == "fail"
    assert record["bench_runs"] == 3 and record["speedup"] > 1.0
    assert record["bench_before_seconds"] > record["bench_after_seconds"]


def test_arguments_are_never_interpreted_by_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = run([sys.executable, "-c", "import sys; print(sys.argv[1])", f"; touch {marker}"],
                 tmp_path, timeout=30)  # fmt: skip
    assert result.ok and "touch" in result.output and not marker.exists()


def test_timeouts_missing_programs_and_wall_time(tmp_path: Path) -> None:
    slow = run([sys.executable, "-c", "import time; time.sleep(5)"], tmp_path, timeout=0.5)
    assert slow.returncode is None and "timed out" in slow.output
    missing = run(["/nonexistent/program"], tmp_path, timeout=5)
    assert missing.returncode is None and "cannot run" in missing.output
    plain = run([sys.executable, "-c", "print('no json here')"], tmp_path, timeout=30)
    assert measured_seconds(plain) == plain.seconds


#: a benchmark that reports the next of a fixed list of times on each run (the round counter
#: lives in its tree), so the statistics are tested without depending on timing
SCRIPTED = """\
import json, pathlib
counter = pathlib.Path("round.txt")
n = int(counter.read_text()) if counter.exists() else 0
counter.write_text(str(n + 1))
print(json.dumps({{"seconds": {times}[n]}}))
"""


def scripted(path: Path, times: list[float]) -> Path:
    path.mkdir()
    (path / "bench.py").write_text(SCRIPTED.format(times=times))
    return path


def test_a_clear_speedup_has_an_interval_above_one(tmp_path: Path) -> None:
    before = scripted(tmp_path / "b", [2.0, 2.2, 1.9, 2.1, 2.0])
    after = scripted(tmp_path / "a", [1.0, 1.05, 1.0, 0.95, 1.02])
    record = verify(before, after, bench_command=[sys.executable, "bench.py"], timeout=60,
                    repeats=5)  # fmt: skip
    assert 1.0 < record["speedup_low"] <= record["speedup"] <= record["speedup_high"]
    assert record["verdict"].startswith("faster: 2.0")
    assert "5 interleaved rounds" in record["verdict"]
    assert measured(record)


def test_noise_is_no_measurable_change(tmp_path: Path) -> None:
    before = scripted(tmp_path / "b", [1.0, 1.2, 0.9, 1.1, 1.0])
    after = scripted(tmp_path / "a", [1.1, 0.9, 1.0, 1.2, 0.95])
    record = verify(before, after, bench_command=[sys.executable, "bench.py"], timeout=60,
                    repeats=5)  # fmt: skip
    assert record["speedup_low"] < 1.0 < record["speedup_high"]
    assert record["verdict"].startswith("no measurable change") and not measured(record)
    slower = speedup_interval([1.0, 1.0, 1.0, 1.0], [1.5, 1.6, 1.4, 1.5])
    assert slower["verdict"].startswith("slower") and slower["speedup_high"] < 1.0


def test_too_few_rounds_claim_nothing() -> None:
    two = speedup_interval([2.0, 2.0], [1.0, 1.0])
    assert two["speedup"] == 2.0 and "speedup_low" not in two
    assert two["verdict"].startswith("no measurable change claimed") and not measured(two)


def test_the_side_that_runs_first_swaps_every_round(tmp_path: Path) -> None:
    log = tmp_path / "order.txt"
    sides = []
    for name in ("before", "after"):
        side = tmp_path / name
        side.mkdir()
        (side / "bench.py").write_text(
            f"with open({str(log)!r}, 'a') as f:\n    f.write({name[0]!r})\n"
            "print('{\"seconds\": 1.0}')\n"
        )
        sides.append(side)
    record = verify(*sides, bench_command=[sys.executable, "bench.py"], timeout=60, repeats=4)
    assert log.read_text() == "ba" + "ab" + "ba" + "ab"
    assert record["bench_runs"] == 4 and record["speedup"] == 1.0


def test_the_interval_is_the_t_interval_of_the_paired_log_ratios() -> None:
    before = [2.0, 2.2, 1.9, 2.1, 2.0, 2.3]
    after = [1.0, 1.05, 1.0, 0.95, 1.02, 1.2]
    logs = [math.log(b / a) for b, a in zip(before, after, strict=True)]
    low, high = t_dist.interval(0.95, len(logs) - 1, loc=statistics.fmean(logs),
                                scale=statistics.stdev(logs) / math.sqrt(len(logs)))  # fmt: skip
    record = speedup_interval(before, after)
    # rounded outward to three decimals, never inward
    assert math.exp(low) - 0.001 < record["speedup_low"] <= math.exp(low)
    assert math.exp(high) <= record["speedup_high"] < math.exp(high) + 0.001
    assert record["speedup"] == round(math.exp(statistics.fmean(logs)), 3)


def test_a_bound_just_above_one_is_not_claimed() -> None:
    # log ratios m +- d: the t interval's lower bound is exp(0.0005), which rounds down to 1.0
    d = 0.01
    m = 0.0005 + float(t_dist.ppf(0.975, 3)) * statistics.stdev([d, -d, d, -d]) / 2
    record = speedup_interval([math.exp(m + d), math.exp(m - d)] * 2, [1.0] * 4)
    assert record["speedup_low"] == 1.0 < record["speedup"]
    assert record["verdict"].startswith("no measurable change") and not measured(record)


def test_the_verdict_always_agrees_with_the_stored_interval() -> None:
    rng = random.Random(7)
    for _ in range(300):
        shift = rng.uniform(-0.02, 0.02)
        before = [1.0 + rng.gauss(0, 0.01) for _ in range(10)]
        after = [b * math.exp(-shift + rng.gauss(0, 0.01)) for b in before]
        record = speedup_interval(before, after)
        assert record["verdict"].startswith("faster") == (record["speedup_low"] > 1.0)
        assert record["verdict"].startswith("slower") == (record["speedup_high"] < 1.0)
        if record["verdict"].startswith(("faster", "slower")):
            assert "1.00x" not in record["verdict"].split("(")[1].split(",")[0]


def test_the_interval_holds_the_true_speedup_about_95_percent_of_the_time() -> None:
    # ten interleaved rounds of normal log-ratio noise around a true 1.05x speedup: the
    # coverage the module docstring states for the t interval (a bootstrap held about 89%)
    rng = random.Random(11)
    true, trials, held = math.log(1.05), 2000, 0
    for _ in range(trials):
        after = [1.0] * 10
        before = [math.exp(true + rng.gauss(0, 0.03)) for _ in range(10)]
        record = speedup_interval(before, after)
        held += record["speedup_low"] <= 1.05 <= record["speedup_high"]
    assert 0.93 <= held / trials <= 0.97
