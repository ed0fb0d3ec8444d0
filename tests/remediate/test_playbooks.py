"""Playbooks: the repository's files load and cover the issue's cases; bad files are refused
with the file and the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.remediate.errors import PlaybookError
from efficiency.remediate.playbooks import (
    CODEMODS,
    TRACE_STATS,
    Playbook,
    default_folder,
    load_playbooks,
)

REPO_PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"

GOOD = """\
id: {id}
title: A test playbook
runtime: python
match:
  frames:
    - function: '^spin$'
      share: self
      min_share: 0.1
diagnosis: "${{frame}} takes ${{share_self}} of ${{service}}; $$5 a month"
fix:
  kind: codemod
  codemod: join-strings
savings:
  fraction: 0.5
  rationale: an assumption written out for the test
verification:
  metric: share_self
  how: compare the self share before and after
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(folder: Path) -> str:
    with pytest.raises(PlaybookError) as err:
        load_playbooks(folder)
    return str(err.value)


# ------------------------------------------------------------------ the repository's files


def test_repository_playbooks_load_and_cover_the_issue() -> None:
    books = load_playbooks()
    assert default_folder() == REPO_PLAYBOOKS
    assert len(books) >= 15
    ids = [b.id for b in books]
    assert ids == sorted(set(ids))
    assert {p.stem for p in REPO_PLAYBOOKS.glob("*.yaml")} == set(ids)
    wanted = {
        # native allocator
        "native-glibc-malloc", "native-malloc-arena-contention", "native-mmap-churn",
        "native-memcpy-volume",
        # Python
        "python-pymalloc-churn", "python-list-dict-resize", "python-gc-pressure",
        "python-string-concat", "python-eager-logging", "python-re-compile-in-loop",
        "python-json-codec", "python-deepcopy",
        "python-re-pattern-method", "python-re-loop-pattern", "python-struct-format",
        "python-struct-built-per-call",
        "python-deepcopy-read-only", "python-deepcopy-plain",
        "python-strptime-per-call", "python-sort-for-min",
        # GPU
        "gpu-launch-bound", "gpu-pageable-h2d", "gpu-host-sync", "gpu-dataloader-stall",
        "gpu-fp32-gemm-tf32", "gpu-caching-allocator-thrash",
    }  # fmt: skip
    assert wanted <= set(ids)
    assert {b.runtime for b in books} == {"python", "native", "gpu"}
    assert {b.fix.kind for b in books} >= {"codemod", "environment", "advice"}


def test_repository_playbooks_name_their_fixes_precisely() -> None:
    by_id = {b.id: b for b in load_playbooks()}
    assert by_id["native-glibc-malloc"].fix.env == {"LD_PRELOAD": "libjemalloc.so.2"}
    assert "MALLOC_ARENA_MAX" in by_id["native-malloc-arena-contention"].fix.env
    assert by_id["python-re-compile-in-loop"].fix.codemod == "hoist-re-compile"
    assert by_id["python-re-loop-pattern"].fix.codemod == "re-loop-pattern"
    assert by_id["python-eager-logging"].fix.codemod == "lazy-logging"
    assert by_id["python-string-concat"].fix.codemod == "join-strings"
    dl = by_id["gpu-dataloader-stall"]
    assert (dl.fix.codemod, dl.fix.params) == ("dataloader-workers",
                                               {"num_workers": 4, "pin_memory": True})  # fmt: skip
    assert by_id["gpu-pageable-h2d"].fix.params == {"pin_memory": True}
    for b in by_id.values():
        assert b.fix.codemod is None or b.fix.codemod in CODEMODS
        assert 0 < b.savings.fraction <= 1 and len(b.savings.rationale) > 40
        # every diagnosis renders, even with no evidence at all
        assert "${" not in b.render_diagnosis({})


def test_dataloader_rule_reads_the_step_share() -> None:
    (dl,) = [b for b in load_playbooks() if b.id == "gpu-dataloader-stall"]
    assert dl.match.trace is not None and dl.match.trace.hotspot == "gpu idle: host wait"
    conds = {c.stat: (c.op, c.value) for c in dl.match.trace.when}
    assert conds["dataloader.step_share"] == (">=", 0.10)


# ------------------------------------------------------------------ templates


def test_render_diagnosis_formats_evidence(tmp_path: Path) -> None:
    write(tmp_path, "t.yaml", GOOD.format(id="t"))
    (book,) = load_playbooks(tmp_path)
    text = book.render_diagnosis({"frame": "spin (a.py)", "share_self": 0.4321})
    assert text == "spin (a.py) takes 43.2% of n/a; $5 a month"


def test_gpu_diagnosis_reads_trace_statistics() -> None:
    (dl,) = [b for b in load_playbooks() if b.id == "gpu-dataloader-stall"]
    text = dl.render_diagnosis(
        {"service": "train", "trace": {"dataloader.step_share": 0.396, "steps.mean_us": 174829.3}}
    )
    assert "train's traces" in text and "39.6% of each step" in text and "174,829 µs" in text


def test_unknown_placeholder_is_a_load_error(tmp_path: Path) -> None:
    write(tmp_path, "t.yaml", GOOD.format(id="t").replace("${frame}", "${frmae}"))
    message = refused(tmp_path)
    assert message.startswith("t.yaml: (top level): diagnosis: unknown placeholder(s) ${frmae}")


def test_gpu_placeholder_in_a_cpu_playbook_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "t.yaml", GOOD.format(id="t").replace("${frame}", "${idle.share}"))
    assert "${idle.share}" in refused(tmp_path)


def test_bare_dollar_placeholder_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "t.yaml", GOOD.format(id="t").replace("${frame}", "$frame"))
    assert "t.yaml: diagnosis: write placeholders as ${name}" in refused(tmp_path)


# ------------------------------------------------------------------ validation errors


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("min_share: 0.1", "min_share: 1.5", "t.yaml: match.frames[0].min_share: Input should "
         "be less than or equal to 1"),
        ("'^spin$'", "'^(spin$'", "t.yaml: match.frames[0].function: not a valid regular "
         "expression"),
        ("share: self", "share: total", "t.yaml: match.frames[0].share: Input should be 'self', "
         "'inclusive' or 'lines'"),
        # no catch-alls: a rule any busy function meets must name its evidence
        ("'^spin$'", "'.'", "t.yaml: match.frames[0]: matches any busy function"),
        ("    - function: '^spin$'\n", "    - runtimes: [python]\n",
         "t.yaml: match.frames[0]: matches any busy function"),
        ("share: self", "share: lines", "t.yaml: match.frames[0]: source and share: lines go "
         "together"),
        ("share: self", "share: self\n      source: '\\+='", "t.yaml: match.frames[0]: source "
         "and share: lines go together"),
        ("share: self", "share: lines\n      source: '(+='", "t.yaml: match.frames[0].source: "
         "not a valid regular expression"),
        ("      min_share: 0.1\n", "      min_share: 0.1\n      min_samples: 3\n",
         "t.yaml: match.frames[0].min_samples: Extra inputs are not permitted"),
        ("codemod: join-strings", "codemod: make-faster", "t.yaml: fix: unknown codemod "
         "'make-faster'"),
        ("fraction: 0.5", "fraction: 0", "t.yaml: savings.fraction: Input should be greater "
         "than 0"),
        ("metric: share_self", "metric: speed", "t.yaml: verification.metric: unknown metric"),
        ("runtime: python", "runtime: java", "t.yaml: runtime: Input should be 'python', "
         "'native' or 'gpu'"),
        ("id: t\n", "", "t.yaml: id: Field required"),
    ],
)  # fmt: skip
def test_errors_name_file_and_key(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = GOOD.format(id="t")
    assert old in text
    write(tmp_path, "t.yaml", text.replace(old, new))
    assert expected in refused(tmp_path)


def test_environment_fix_needs_env_names_and_string_values(tmp_path: Path) -> None:
    def env(params: str) -> str:
        return GOOD.format(id="t").replace("  kind: codemod\n  codemod: join-strings\n",
                                           "  kind: environment\n" + params)  # fmt: skip

    write(tmp_path, "t.yaml", env(""))
    assert "t.yaml: fix: an environment fix needs params.env" in refused(tmp_path)
    write(tmp_path, "t.yaml", env("  params:\n    env:\n      MALLOC_ARENA_MAX: 2\n"))
    assert "params.env.MALLOC_ARENA_MAX: write the value as a quoted string" in refused(tmp_path)
    write(tmp_path, "t.yaml", env("  params:\n    env:\n      BAD-NAME: 'x'\n"))
    assert "'BAD-NAME' is not an environment variable name" in refused(tmp_path)
    write(tmp_path, "t.yaml", env("  params:\n    env:\n      A_B: '2'\n"))
    (book,) = load_playbooks(tmp_path)
    assert book.fix.env == {"A_B": "2"} and book.fix.codemod is None


def test_advice_fix_needs_text_and_no_codemod(tmp_path: Path) -> None:
    text = GOOD.format(id="t").replace("kind: codemod", "kind: advice")
    write(tmp_path, "t.yaml", text)
    message = refused(tmp_path)
    assert "t.yaml: fix: a advice fix changes no code: drop codemod" in message


def test_the_faster_copy_matches_as_the_read_only_copy_does() -> None:
    by_id = {b.id: b for b in load_playbooks()}
    plain, read_only = by_id["python-deepcopy-plain"], by_id["python-deepcopy-read-only"]
    assert plain.fix.codemod == "deepcopy-plain" and plain.match == read_only.match
    # matches are tried by savings, so a proof that removes the copy comes first
    assert plain.savings.fraction < by_id["python-deepcopy-shallow"].savings.fraction


def test_trace_rules_check_statistic_names_and_runtime(tmp_path: Path) -> None:
    text = (
        GOOD.format(id="t")
        .replace("runtime: python", "runtime: gpu")
        .replace(
            "  frames:\n    - function: '^spin$'\n      share: self\n      min_share: 0.1\n",
            "  trace:\n    hotspot: 'gpu idle: host wait'\n    when:\n"
            "      - {stat: idle.hostwait_share, op: '>=', value: 0.1}\n",
        )
        .replace("${share_self} of ${service}", "${idle.host_wait_share}")
    )
    write(tmp_path, "t.yaml", text)
    message = refused(tmp_path)
    assert "t.yaml: match.trace.when[0].stat: unknown trace statistic 'idle.hostwait_share'" in (
        message
    )
    write(tmp_path, "t.yaml", text.replace("idle.hostwait_share", "idle.host_wait_share"))
    (book,) = load_playbooks(tmp_path)
    assert book.match.trace is not None and "idle.host_wait_share" in TRACE_STATS
    # a gpu playbook cannot match CPU frames, nor a python one traces
    write(tmp_path, "t.yaml", GOOD.format(id="t").replace("runtime: python", "runtime: gpu")
          .replace("${share_self}", "${idle.share}"))  # fmt: skip
    assert "a gpu playbook matches kernels or trace, not frames" in refused(tmp_path)


def test_id_must_be_the_file_name_and_unique(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", GOOD.format(id="two"))
    assert "one.yaml: id: 'two' must be the file name, 'one'" in refused(tmp_path)
    write(tmp_path, "one.yaml", GOOD.format(id="one"))
    write(tmp_path, "one.yml", GOOD.format(id="one"))
    assert "one.yml: id: duplicate id 'one' (also in one.yaml)" in refused(tmp_path)


def test_every_bad_file_is_reported_and_nothing_loads(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD.format(id="a"))
    write(tmp_path, "b.yaml", "id: b\ntitle: [unclosed\n")
    write(tmp_path, "c.yaml", "- just\n- a list\n")
    write(tmp_path, "d.yaml", GOOD.format(id="d").replace("min_share: 0.1", "min_share: -1"))
    message = refused(tmp_path)
    assert "b.yaml: not valid YAML (line" in message
    assert "c.yaml: a playbook is a YAML mapping" in message
    assert "d.yaml: match.frames[0].min_share" in message
    assert "a.yaml" not in message


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="not a folder"):
        load_playbooks(tmp_path / "nope")


def test_playbook_model_is_the_public_schema() -> None:
    fields = set(Playbook.model_fields)
    assert fields == {"id", "title", "runtime", "match", "diagnosis", "fix", "savings",
                      "verification"}  # fmt: skip
    (book,) = [b for b in load_playbooks() if b.id == "native-glibc-malloc"]
    assert {"kind", "codemod", "params", "advice"} <= set(type(book.fix).model_fields)
    assert "Metric: `share_inclusive`" in str(book.verification)


def test_kernel_rules_name_classes_not_generations(tmp_path: Path) -> None:
    """The shipped FP32 rule matches by class (no kernel-name regex); a class that does not
    exist is refused with its field named."""
    (book,) = [b for b in load_playbooks() if b.id == "gpu-fp32-gemm-tf32"]
    rule = book.match.kernels[0]
    assert (rule.name, rule.op, rule.precision, rule.tensor_core) == (
        "",
        ["gemm", "conv"],
        ["fp32"],
        False,
    )
    shipped = default_folder() / "gpu-fp32-gemm-tf32.yaml"
    write(tmp_path, shipped.name, shipped.read_text().replace("[fp32]", "[fp33]"))
    assert "gpu-fp32-gemm-tf32.yaml: match.kernels[0].precision[0]: Input should be" in refused(
        tmp_path
    )
