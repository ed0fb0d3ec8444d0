"""perf: the parser on real ``perf script`` output, its rules, and one real end-to-end window.

The sample files in ``tests/data/collectors/`` were written by the collector's own command
lines on a real process (see the README there). Tests that run perf need it installed and
permitted: they skip without it, and fail instead with CI=true, so CI cannot go green
without having run them.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.errors import CollectorError
from collectors.perf import (
    PerfCollector,
    find_perf,
    parse_perf_script,
    perf_permission_problem,
)
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowIn, window_from_payload

DATA = Path(__file__).resolve().parents[1] / "data" / "collectors"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _headers(text: str) -> int:
    return sum(1 for line in text.splitlines() if line and not line[0].isspace())


@pytest.fixture(scope="module")
def fp_text() -> str:
    return (DATA / "perf_script_fp.txt").read_text()


@pytest.fixture(scope="module")
def dwarf_text() -> str:
    return (DATA / "perf_script_dwarf.txt").read_text()


# --- the parser on real output ------------------------------------------------------------------


def test_real_fp_output_keeps_every_sample_and_marks_kernel_frames(fp_text: str) -> None:
    (proc,) = parse_perf_script(fp_text).values()
    assert proc.comm == "python" and proc.samples == _headers(fp_text) == 98
    profile = parse_folded(proc.folded())
    assert profile.total_samples == 98
    frames = profile.frames.values()
    assert not any("+0x" in f.function for f in frames)
    kernel = {f.function for f in frames if f.runtime == "kernel"}
    assert {"do_syscall_64", "entry_SYSCALL_64_after_hwframe"} <= kernel
    native = {(f.function, f.file) for f in frames if f.runtime == "native"}
    assert ("_PyObject_Free", "libpython3.11.so.1.0") in native
    assert ("__GI___libc_write", "libc.so.6") in native
    # root first: the syscall entry sits above the kernel function it calls
    for stack in profile.stack_frames.values():
        names = [f.function for f in stack]
        if "do_syscall_64" in names and "entry_SYSCALL_64_after_hwframe" in names:
            assert names.index("entry_SYSCALL_64_after_hwframe") < names.index("do_syscall_64")
            assert stack[-1].runtime == "kernel" and stack[0].runtime == "native"


def test_real_fp_output_collapses_unknown_runs(fp_text: str) -> None:
    (proc,) = parse_perf_script(fp_text).values()
    for stack in proc.stacks:
        frames = stack.split(";")
        for a, b in itertools.pairwise(frames):
            assert not (a == b and a.startswith("[unknown]"))
    assert any(stack.startswith("[unknown];") for stack in proc.stacks)


def test_real_dwarf_output_gives_inlined_frames_their_object(dwarf_text: str) -> None:
    (proc,) = parse_perf_script(dwarf_text).values()
    assert proc.samples == _headers(dwarf_text)
    profile = parse_folded(proc.folded())
    by_name = {f.function: f for f in profile.frames.values()}
    # printed "(inlined)" at the address of PyEval_EvalCode in libpython
    assert by_name["_PyEval_Vector"].file == "libpython3.11.so.1.0"
    assert by_name["run_eval_code_obj"].file == "libpython3.11.so.1.0"
    # no real frame shares its address: the object is left out, not guessed
    assert by_name["__libc_start_main_impl"].file == ""
    roots = {stack[0].function for stack in profile.stack_frames.values()}
    assert roots == {"_start"}


def test_window_payloads_pass_the_api_model(fp_text: str) -> None:
    (proc,) = parse_perf_script(fp_text).values()
    win = WindowIn.model_validate(
        {
            "service": "checkout",
            "host": "h1",
            "process": str(proc.pid),
            "collector": "perf",
            "start": "2026-01-01T00:00:00Z",
            "end": "2026-01-01T00:00:01Z",
            "format": "folded",
            "data": proc.folded(),
            "rate_hz": 99.0,
            "labels": {"comm": proc.comm},
        }
    )
    _, parsed = window_from_payload(win)
    assert parsed.total_samples == 98


# --- the parser's rules on small blocks ---------------------------------------------------------

RULES = """\
my worker 10/11 100.000001: cpu-clock:pppH:
\t          1af857 _PyObject_Malloc+0x27 (/usr/lib/libpython3.12.so.1.0)
\t    7f00000000aa py::crunch:/srv/app/busy.py (/tmp/perf-10.map)
\t    7f00000000bb LazyCompile:*run (/tmp/perf-10.map)
\t    7fec33a48640 [unknown] ([unknown])
\t    7fec33a48641 [unknown] ([unknown])
\t            1234 [unknown] (/usr/bin/python3.12 (deleted))
\tffffffffc0a01234 nft_do_chain ([nf_tables])
\t          5678 std::vector<int>::push_back(int const&) (/opt/app/libapp.so)
\t          9abc a;b (/opt/app/libapp.so)

app 10/10 100.000002: cpu-clock:
app 12/12 100.000003: cpu-clock:
\t          1af857 main (/opt/app/app)
"""


def test_rules_for_frames_on_a_small_block() -> None:
    procs = parse_perf_script(RULES)
    assert set(procs) == {10, 12}
    assert procs[10].comm == "app"  # the main thread's name wins over a worker's
    stacks = dict(procs[10].stacks)
    assert stacks.pop("[unknown]") == 1  # a sample without frames still counts
    ((stack, count),) = stacks.items()
    assert count == 1
    assert stack.split(";") == [
        "a:b (libapp.so)",
        "std::vector<int>::push_back(int const&) (libapp.so)",
        "nft_do_chain_[k]",
        "[unknown] (python3.12)",
        "[unknown]",
        "LazyCompile:*run ([jit])",
        "crunch (/srv/app/busy.py)",
        "_PyObject_Malloc (libpython3.12.so.1.0)",
    ]
    frames = [f for s in parse_folded(procs[10].folded()).stack_frames.values() for f in s]
    runtimes = {f.function: f.runtime for f in frames}
    assert runtimes["crunch"] == "python" and runtimes["nft_do_chain"] == "kernel"
    assert runtimes["std::vector<int>::push_back(int const&)"] == "native"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\t  1234 main (/bin/app)\n", "frame before any sample header"),
        ("app 1/1 1.0: cpu-clock:\n\tnot-hex main\n", "line 2: not a frame"),
        ("Warning: something odd\n", "line 1 is not a sample header"),
    ],
)
def test_text_that_is_not_perf_script_output_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(CollectorError, match=message):
        parse_perf_script(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_is_parsed_or_refused_clearly(text: str) -> None:
    try:
        procs = parse_perf_script(text)
    except CollectorError as exc:
        assert "\n" not in str(exc)
        return
    for proc in procs.values():
        assert parse_folded(proc.folded()).total_samples == proc.samples


_sym = st.text(min_size=0, max_size=30).filter(lambda s: "\n" not in s and "\r" not in s)
_frame = st.tuples(
    st.integers(0, 2**64 - 1),
    _sym,
    st.sampled_from(["[kernel.kallsyms]", "[unknown]", "/usr/lib/libc.so.6", "inlined", "x (y)"]),
)
_sample = st.tuples(st.integers(1, 5), st.lists(_frame, max_size=6))


@settings(max_examples=100, deadline=None)
@given(st.lists(_sample, max_size=8))
def test_every_well_formed_sample_is_counted(samples: list) -> None:
    blocks = []
    for pid, frames in samples:
        lines = [f"comm {pid}/{pid} 1.000000: cpu-clock:"]
        lines += [f"\t{addr:16x} {sym} ({dso})" for addr, sym, dso in frames]
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks)
    try:
        procs = parse_perf_script(text)
    except CollectorError:
        return  # a symbol that splits the line into something else is refused, not misread
    assert sum(p.samples for p in procs.values()) == len(samples)
    for proc in procs.values():
        assert parse_folded(proc.folded()).total_samples == proc.samples


# --- finding perf, permissions ------------------------------------------------------------------


def test_permission_rules() -> None:
    assert perf_permission_problem(2, 0, 0) is None
    assert perf_permission_problem(4, 1000, 1 << 38) is None  # CAP_PERFMON
    assert perf_permission_problem(2, 1000, 0) is None  # own processes, user space
    problem = perf_permission_problem(3, 1000, 0)
    assert problem and "perf_event_paranoid=3" in problem and "CAP_PERFMON" in problem
    assert "no perf events" in (perf_permission_problem(None, 0, 0) or "")


def test_missing_perf_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CollectorError) as err:
        find_perf()
    assert str(err.value) == "perf is not installed: apt-get install linux-perf"
    with pytest.raises(CollectorError, match="perf not found at"):
        find_perf(str(tmp_path / "perf"))


def test_perf_that_does_not_run_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "perf"
    fake.write_text("#!/bin/sh\necho 'WARNING: perf not found for kernel 6.9' >&2\nexit 2\n")
    fake.chmod(0o755)
    with pytest.raises(CollectorError, match="does not run: WARNING: perf not found for kernel"):
        find_perf(str(fake))


# --- real perf ----------------------------------------------------------------------------------


def require_perf() -> None:
    try:
        find_perf()
    except CollectorError as exc:
        if IN_CI:
            pytest.fail(f"{exc} (CI=true: the perf tests must run)")
        pytest.skip(str(exc))


ALLOC = """
import sys, time
print("ready", flush=True)
end = time.time() + 30
while time.time() < end:
    keep = [bytes(200) + b"x" for _ in range(2000)]
    table = {i: str(i) for i in range(2000)}
"""


@pytest.fixture
def children(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], subprocess.Popen[str]]]:
    busy = subprocess.Popen([sys.executable, "-c", ALLOC], stdout=subprocess.PIPE, text=True)
    idle = subprocess.Popen(["sleep", "30"])
    assert busy.stdout is not None and busy.stdout.readline().strip() == "ready"
    yield busy, idle  # type: ignore[misc]
    for proc in (busy, idle):
        proc.kill()
        proc.wait()


@pytest.mark.slow
def test_window_of_an_allocating_process_shows_the_allocator(
    children: tuple[subprocess.Popen[str], subprocess.Popen[str]],
) -> None:
    require_perf()
    busy, idle = children
    dead = subprocess.Popen(["true"])
    dead.wait()
    collector = PerfCollector(rate_hz=99, host="h1")
    running = collector.start_window({busy.pid: "alloc", idle.pid: "sleeper", dead.pid: "x"}, 2)
    assert running.gone == [dead.pid]  # left out up front: perf would refuse the whole run
    windows = running.wait()
    by_service = {w["service"]: w for w in windows}
    assert set(by_service) == {"alloc", "sleeper"}
    for window in windows:
        WindowIn.model_validate(window)
    busy_win = by_service["alloc"]
    assert busy_win["process"] == str(busy.pid) and busy_win["labels"]["pid"] == str(busy.pid)
    assert busy_win["labels"]["call_graph"] == "fp" and busy_win["collector"] == "perf"
    _, parsed = window_from_payload(WindowIn.model_validate(busy_win))
    # ~2 s at 99 Hz of a busy process is ~200 samples on an idle machine; a loaded CI box
    # gives the child less CPU, so only "far below" (perf lost the process) fails
    assert parsed.total_samples > 20
    frames = list(parsed.frames.values())
    interpreter = re.compile(r"^(lib)?python")
    native_runtime = [f for f in frames if f.runtime == "native" and interpreter.match(f.file)]
    assert native_runtime, "no frame of the Python interpreter"
    assert any(re.search("alloc|free", f.function, re.IGNORECASE) for f in frames)
    _, idle_parsed = window_from_payload(WindowIn.model_validate(by_service["sleeper"]))
    assert idle_parsed.total_samples < 5


def test_gone_process_is_a_clear_error() -> None:
    require_perf()
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    with pytest.raises(CollectorError, match=f"process {proc.pid} is gone"):
        PerfCollector().record_window({proc.pid: "svc"}, 1)


def test_command_lines() -> None:
    require_perf()
    c = PerfCollector(rate_hz=250, call_graph="dwarf")
    cmd = c.record_command([1, 2], 1.5, Path("/tmp/x.data"))
    assert cmd[cmd.index("-p") + 1] == "1,2" and cmd[cmd.index("-F") + 1] == "250"
    assert "--call-graph=dwarf" in cmd and cmd[-3:] == ["--", "sleep", "1.5"]
    assert "--no-bpf-event" in cmd
    with pytest.raises(CollectorError, match="call_graph must be"):
        PerfCollector(call_graph="lazy")  # type: ignore[arg-type]
    assert shutil.which(c.perf)
