"""The fix-yield benchmark's pure parts: the corpus manifest, choosing the hot spot to propose
from, and the metrics. The benchmark itself (profiling, proposing, timing) never runs here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.fix_yield import (
    CODEMODS,
    CORPUS,
    PROGRAM_FILES,
    ManifestError,
    Outcome,
    Program,
    addressing_playbooks,
    bench_seconds,
    candidates,
    hot_function_spot,
    inclusive_cores,
    load_manifest,
    metrics,
    program_table,
    speedup,
    validate_manifest,
)

ENTRY = {"name": "prog", "planted": "join-strings", "hot_function": "render", "service": "p"}


def _program_folder(root: Path, name: str) -> None:
    (root / name).mkdir(parents=True)
    for file in PROGRAM_FILES:
        (root / name / file).write_text("")


def test_the_corpus_manifest_is_valid_and_covers_every_codemod() -> None:
    programs = load_manifest()
    assert len(programs) >= 12
    for codemod in CODEMODS:
        assert sum(p.planted == codemod for p in programs) >= 3, codemod
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders == {p.name for p in programs}  # no program left out of the manifest


def test_a_valid_entry(tmp_path: Path) -> None:
    _program_folder(tmp_path, "prog")
    advice = {**ENTRY, "name": "adv", "service": "a", "planted": "advice:python-deepcopy"}
    _program_folder(tmp_path, "adv")
    programs = validate_manifest({"programs": [ENTRY, advice]}, tmp_path)
    assert programs[0] == Program("prog", "join-strings", "render", "p", tmp_path / "prog")
    assert programs[0].advice is None
    assert programs[1].advice == "python-deepcopy"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = [
        {**ENTRY, "planted": "make-it-fast"},
        {**ENTRY, "name": "Bad Name", "hot_function": "not a name"},
        {"name": "x", "planted": "lazy-logging", "extra": 1},
        {**ENTRY, "service": 5},
        "not an object",
    ]
    with pytest.raises(ManifestError) as err:
        validate_manifest({"programs": bad}, tmp_path)
    text = str(err.value)
    for expected in (
        "programs[0] (prog): planted: one of",
        "prog/ lacks app.py, test_app.py, workload.py, bench.py",
        "programs[1] (Bad Name): name:",
        "hot_function: a qualified name",
        "programs[2] (x): missing hot_function",
        "unknown key extra",
        "service is not a string",
        "programs[4]: not an object",
    ):
        assert expected in text


def test_names_and_services_are_unique(tmp_path: Path) -> None:
    _program_folder(tmp_path, "prog")
    with pytest.raises(ManifestError, match="name 'prog' is used twice") as err:
        validate_manifest({"programs": [ENTRY, ENTRY]}, tmp_path)
    assert "service 'p' is used twice" in str(err.value)


@pytest.mark.parametrize("doc", [[], {"programs": {}}, {"programs": []}])
def test_manifest_shape(doc: object, tmp_path: Path) -> None:
    with pytest.raises(ManifestError):
        validate_manifest(doc, tmp_path, check_files=False)


def test_an_unreadable_manifest(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ManifestError, match=r"manifest\.json"):
        load_manifest(tmp_path)


def test_qualified_hot_functions_are_accepted(tmp_path: Path) -> None:
    entries = [
        {**ENTRY, "name": f"p{i}", "service": f"s{i}", "hot_function": name}
        for i, name in enumerate(["Router.route_batch", "validate.<locals>.check_section"])
    ]
    assert len(validate_manifest({"programs": entries}, tmp_path, check_files=False)) == 2


# -- choosing the hot spot -------------------------------------------------------------------

CODEMOD_OF = {
    "python-string-concat": "join-strings",
    "python-re-compile-in-loop": "hoist-re-compile",
    "python-deepcopy": None,
    "native-glibc-malloc": None,
}


def _hotspot(id_: str, function: str, file: str, share: float, playbooks: list[str]) -> dict:
    return {
        "id": id_,
        "frame": f"{function} ({file})",
        "share": share,
        "playbooks": playbooks,
        "evidence": {"function": function, "file": file, "share_inclusive": share},
    }


def test_addressing_playbooks() -> None:
    program = Program("prog", "join-strings", "render", "p", Path("."))
    assert addressing_playbooks(program, CODEMOD_OF) == {"python-string-concat"}
    advice = Program("adv", "advice:python-deepcopy", "f", "a", Path("."))
    assert addressing_playbooks(advice, CODEMOD_OF) == {"python-deepcopy"}


def test_candidates_hot_function_first_then_share(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    app, other = str(repo / "app.py"), str(repo / "workload.py")
    program = Program("prog", "hoist-re-compile", "Router.route_batch", "p", repo)
    hotspots = [
        _hotspot("callee", "helper", app, 0.6, ["python-re-compile-in-loop"]),
        _hotspot("hot", "route_batch", app, 0.2, ["python-re-compile-in-loop"]),
        _hotspot("elsewhere", "main", other, 0.9, ["python-re-compile-in-loop"]),
        _hotspot("wrong-fix", "route_batch", app, 0.8, ["native-glibc-malloc"]),
        _hotspot("none", "route_batch", app, 0.9, []),
    ]
    addressing = addressing_playbooks(program, CODEMOD_OF)
    pairs = candidates(hotspots, program, repo, addressing)
    assert [(h["id"], p) for h, p in pairs] == [
        ("hot", "python-re-compile-in-loop"),
        ("callee", "python-re-compile-in-loop"),
    ]


def test_candidates_read_the_frame_when_there_is_no_evidence(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    program = Program("prog", "join-strings", "render", "p", repo)
    bare = {
        "id": "h",
        "function": "render",
        "file": str(repo / "app.py"),
        "share": 0.5,
        "playbooks": ["python-string-concat"],
    }
    assert candidates([bare], program, repo, {"python-string-concat"}) == [
        (bare, "python-string-concat")
    ]


def test_hot_function_spot_and_its_cores(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    program = Program("prog", "join-strings", "render_metrics.<locals>.render_family", "p", repo)
    native = _hotspot("n", "realloc", "/lib/libc.so.6", 0.3, [])
    native["evidence"]["function"] = "render_family"  # the code a fix would edit
    own = _hotspot("own", "render_metrics.<locals>.render_family", str(repo / "app.py"), 0.5, [])
    own["evidence"]["cores"] = 0.8
    assert hot_function_spot([native, own], program, repo) is own
    # the frame's own names: from the evidence, the hot spot, or its frame text
    own["evidence"].update(hot_function="elsewhere", hot_file=str(repo / "app.py"))
    assert hot_function_spot([own], program, repo) is None
    bare = {"id": "b", "frame": f"Router.render_family ({repo / 'app.py'})", "share": 0.1}
    assert hot_function_spot([bare], program, repo) is bare
    assert inclusive_cores(own) == pytest.approx(0.4)
    assert inclusive_cores(native) is None  # no busy cores in that evidence
    assert hot_function_spot([native], program, repo) is None


def test_measured_saving_follows_the_speedup() -> None:
    outcome = Outcome("a", "join-strings", hot_cores=0.9, speedup=1.5)
    assert outcome.measured_cores == pytest.approx(0.3)
    assert Outcome("b", "join-strings", hot_cores=0.9).measured_cores is None


# -- metrics -------------------------------------------------------------------------------


def test_metrics_count_advice_as_proposed_and_time_only_green_proposals() -> None:
    outcomes = [
        Outcome("a", "join-strings", found=True, proposed=True, green=True, speedup=2.0),
        Outcome("b", "lazy-logging", found=True, proposed=True, green=True, speedup=1.2),
        Outcome("c", "lazy-logging", found=True, proposed=True, green=False, speedup=None),
        Outcome("d", "hoist-re-compile", found=True, proposed=False),
        Outcome("e", "hoist-re-compile", found=True, proposed=True, green=True, speedup=1.5),
        Outcome("f", "advice:python-deepcopy", found=True, proposed=True, status="advice"),
        Outcome("g", "advice:python-json-codec", found=False),
    ]
    m = metrics(outcomes)
    assert (m.programs, m.proposed, m.proposed_share) == (7, 5, 5 / 7)
    assert (m.code_programs, m.code_proposed) == (5, 4)
    assert (m.advice_programs, m.advice_proposed) == (2, 1)
    assert (m.with_diff, m.green, m.green_share) == (4, 3, 0.75)
    assert m.speedups == (2.0, 1.2, 1.5)
    assert m.median_speedup == 1.5
    assert m.min_speedup == 1.2


def test_metrics_with_nothing_proposed() -> None:
    m = metrics([Outcome("a", "join-strings"), Outcome("b", "advice:python-deepcopy")])
    assert (m.proposed_share, m.green_share, m.median_speedup, m.min_speedup) == (
        0.0,
        None,
        None,
        None,
    )
    assert metrics([]).proposed_share == 0.0


def test_speedup_is_the_ratio_of_medians() -> None:
    assert speedup([1.0, 3.0, 2.0], [1.0, 0.5, 2.0]) == 2.0
    with pytest.raises(ValueError):
        speedup([], [1.0])


def test_bench_seconds_reads_the_last_json_line() -> None:
    assert bench_seconds('warming up\n{"seconds": 0.5}\n{"seconds": 0.25}\n') == 0.25
    assert bench_seconds('{"seconds": 0.5}\nnot json\n') == 0.5
    for output in ("", "no json", '{"seconds": 0}', '{"seconds": true}', '["seconds"]'):
        assert bench_seconds(output) is None


def test_program_table_separates_advice() -> None:
    outcomes = [
        Outcome("a", "join-strings", found=True, matched=["x"], playbook="x", proposed=True),
        Outcome("f", "advice:python-deepcopy", found=True, proposed=True, status="advice"),
    ]
    outcomes[0].green, outcomes[0].speedup, outcomes[0].note = True, 1.5, "a | b"
    outcomes[0].estimated_cores, outcomes[0].hot_cores = 0.1, 0.9
    code = program_table(outcomes, advice=False)
    assert len(code) == 3
    assert (
        "| a | join-strings | yes | x | x | yes | yes | 1.50x | 0.100 / 0.300 | a \\| b |" in code
    )
    advice = program_table(outcomes, advice=True)
    assert advice[2] == "| f | advice:python-deepcopy | yes | none | yes | advice |  |"


def test_the_corpus_manifest_file_is_plain_json() -> None:
    doc = json.loads((CORPUS / "manifest.json").read_text())
    assert [sorted(e) for e in doc["programs"]] == [
        ["hot_function", "name", "planted", "service"]
    ] * len(doc["programs"])
