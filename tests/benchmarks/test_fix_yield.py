"""The fix-yield benchmark's pure parts: the corpus manifest and its split, reading the
`remediate --json` report, and the metrics. The benchmark itself (profiling, remediating,
timing) never runs here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.fix_yield import (
    first_ranked,
    inclusive_cores,
    read_verification,
    refusals,
    report_proposals,
)
from benchmarks.fix_yield_manifest import (
    CODEMODS,
    CORPUS,
    PROGRAM_FILES,
    ManifestError,
    Program,
    load_manifest,
    validate_manifest,
)
from benchmarks.fix_yield_report import (
    Outcome,
    batch_table,
    measured,
    metrics,
    program_table,
)

ENTRY = {"name": "prog", "planted": "join-strings", "service": "p", "split": "dev"}


def _program_folder(root: Path, name: str) -> None:
    (root / name).mkdir(parents=True)
    for file in PROGRAM_FILES:
        (root / name / file).write_text("")


def test_the_corpus_manifest_is_valid_and_covers_every_codemod() -> None:
    programs = load_manifest()
    assert len(programs) >= 12
    planted = {codemod: sum(p.planted == codemod for p in programs) for codemod in CODEMODS}
    assert all(planted.values()), planted  # every kind named is planted somewhere
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders == {p.name for p in programs}  # no program left out of the manifest
    # a third held out as the test split, one program of every kind planted three times or more
    test = [p for p in programs if p.split == "test"]
    assert len(test) * 3 >= len(programs)
    common = {codemod for codemod, n in planted.items() if n >= 3}
    assert {p.planted.split(":")[0] for p in test} >= common | {"advice"}


def test_a_valid_entry(tmp_path: Path) -> None:
    _program_folder(tmp_path, "prog")
    advice = {**ENTRY, "name": "adv", "service": "a", "planted": "advice:python-deepcopy"}
    _program_folder(tmp_path, "adv")
    programs = validate_manifest({"programs": [ENTRY, advice]}, tmp_path)
    assert programs[0] == Program("prog", "join-strings", "p", "dev", tmp_path / "prog")
    assert programs[0].advice is None
    assert programs[1].advice == "python-deepcopy"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = [
        {**ENTRY, "planted": "make-it-fast"},
        {**ENTRY, "name": "Bad Name", "split": "train"},
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
        "split: one of dev, test",
        "programs[2] (x): missing service",
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


# -- reading the remediate report ------------------------------------------------------------

REPORT = {
    "service": "p",
    "proposals": 2,
    "hotspots": [
        {"hotspot_id": "h1", "frame": "f (app.py)", "outcome": "proposed",
         "proposals": [{"id": 1, "playbook": "a", "branch": "efficiency/a/h1"}], "reasons": []},
        {"hotspot_id": "h2", "frame": "g (app.py)", "outcome": "refused", "proposals": [],
         "reasons": ["a: nothing to change", "b: the % operand might be a tuple"]},
        {"hotspot_id": "h3", "frame": "compile (re.py)", "outcome": "existing",
         "proposals": [{"id": 1, "playbook": "a", "branch": "efficiency/a/h1"}], "reasons": []},
        {"hotspot_id": "h4", "frame": "json (x.py)", "outcome": "advice",
         "proposals": [{"id": 2, "playbook": "j", "branch": ""}], "reasons": []},
    ],
}  # fmt: skip


def test_report_proposals_in_cost_order_once_each() -> None:
    found = report_proposals(REPORT)
    assert [(p["id"], p["hotspot_id"]) for p in found] == [(1, "h1"), (2, "h4")]
    assert refusals(REPORT) == ["g (app.py): a: nothing to change",
                                "g (app.py): b: the % operand might be a tuple"]  # fmt: skip
    assert report_proposals({"hotspots": []}) == []


def test_the_judged_branch_is_the_one_remediate_ranks_first() -> None:
    branches = [{"id": 1, "branch": "b1"}, {"id": 2, "branch": "b2"}, {"id": 3, "branch": "b3"}]
    ranked = first_ranked({"best_first": [{"id": 3}, {"id": 1}]}, branches)
    assert [p["id"] for p in ranked] == [3, 1, 2]
    # a report with no ranking keeps the report's (cost) order
    assert [p["id"] for p in first_ranked({}, branches)] == [1, 2, 3]


def test_inclusive_cores_from_the_evidence() -> None:
    spot = {"evidence": {"share_inclusive": 0.5, "cores": 0.8}}
    assert inclusive_cores(spot) == pytest.approx(0.4)
    assert inclusive_cores({"evidence": {"share_inclusive": 0.5}}) is None


def test_measured_saving_follows_the_speedup() -> None:
    outcome = Outcome("a", "join-strings", hot_cores=0.9, speedup=1.5)
    assert outcome.measured_cores == pytest.approx(0.3)
    assert Outcome("b", "join-strings", hot_cores=0.9).measured_cores is None


# -- metrics -------------------------------------------------------------------------------


def test_metrics_count_advice_as_proposed_and_time_only_green_proposals() -> None:
    outcomes = [
        Outcome("a", "join-strings", proposed=True, green=True, speedup=2.0),
        Outcome("b", "lazy-logging", proposed=True, green=True, speedup=1.2),
        Outcome("c", "lazy-logging", proposed=True, green=False, speedup=None),
        Outcome("d", "hoist-re-compile", proposed=False),
        Outcome("e", "hoist-re-compile", proposed=True, green=True, speedup=1.5),
        Outcome("f", "advice:python-deepcopy", proposed=True, status="advice"),
        Outcome("g", "advice:python-json-codec"),
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


def test_the_verification_gives_the_speedup_its_interval_and_the_verdict() -> None:
    outcome = Outcome("a", "join-strings")
    record = {
        "tests_after": "pass",
        "speedup": 1.5,
        "speedup_low": 1.2,
        "speedup_high": 1.8,
        "verdict": "faster: ...",
        "bench_before_seconds": 0.3,
        "bench_after_seconds": 0.2,
    }
    assert read_verification(outcome, {"verification": record}) is None
    assert (outcome.speedup, outcome.speedup_low, outcome.speedup_high) == (1.5, 1.2, 1.8)
    assert (outcome.main_seconds, outcome.branch_seconds) == (0.3, 0.2)
    outcome.green = True
    assert outcome.win
    assert measured(outcome) == "1.50x [1.20x, 1.80x] win"
    outcome.speedup_low, outcome.speedup_high = 0.9, 1.1
    assert not outcome.win
    assert measured(outcome) == "1.50x [0.90x, 1.10x] no measurable change"
    outcome.speedup_high = 0.95
    assert measured(outcome).endswith("slower")
    assert measured(Outcome("b", "join-strings")) == "n/a"


def test_a_verification_without_green_tests_or_a_time_measures_nothing() -> None:
    outcome = Outcome("a", "join-strings")
    failed = {"verification": {"tests_after": "fail", "speedup": 2.0}}
    assert read_verification(outcome, failed) == "verification: tests fail on the branch"
    assert read_verification(outcome, {}) == "verification: tests not run on the branch"
    broken = {"verification": {"tests_after": "pass", "bench_error": "after: boom"}}
    assert read_verification(outcome, broken) == "verification: after: boom"
    assert outcome.speedup is None


def test_program_table_separates_advice() -> None:
    outcomes = [
        Outcome("a", "join-strings", hotspots=4, matched=["x"], playbook="x", proposed=True),
        Outcome("f", "advice:python-deepcopy", proposed=True, status="advice"),
    ]
    outcomes[0].green, outcomes[0].speedup, outcomes[0].note = True, 1.5, "a | b"
    outcomes[0].speedup_low, outcomes[0].speedup_high = 1.25, 1.75
    outcomes[0].estimated_cores, outcomes[0].hot_cores = 0.1, 0.9
    code = program_table(outcomes, advice=False)
    assert len(code) == 3
    assert code[2] == (
        "| a | dev | first corpus | join-strings | 4 | x | x | yes | 1.50x [1.25x, 1.75x] win "
        "| 0.100 / 0.300 | a \\| b |"
    )
    advice = program_table(outcomes, advice=True)
    assert advice[2] == "| f | dev | first corpus | advice:python-deepcopy | 0 | none | yes |  |"


def test_the_corpus_manifest_file_is_plain_json() -> None:
    doc = json.loads((CORPUS / "manifest.json").read_text())
    assert [sorted(e) for e in doc["programs"]] == [["name", "planted", "service", "split"]] * len(
        doc["programs"]
    )


def test_the_batch_table_reports_each_split_and_batch_apart() -> None:
    outcomes = [
        Outcome("log_parser", "join-strings", "dev", proposed=True, green=True, speedup=2.0),
        Outcome("ledger_post", "lazy-logging", "dev", proposed=True, green=True, speedup=1.5),
        Outcome("grid_text", "join-strings", "dev"),
        Outcome("csv_rows", "join-strings", "test", proposed=True, green=False),
        Outcome("sitemap_writer", "join-strings", "test", proposed=True, green=True,
                speedup=1.4, speedup_low=1.1, speedup_high=1.6),
    ]  # fmt: skip
    rows = batch_table(outcomes)[2:]
    assert rows == [
        "| dev | first corpus | 1/1 | 1/1 | 0/1 | 2.00x | 2.00x |",
        "| dev | second batch | 1/2 | 1/1 | 0/1 | 1.50x | 1.50x |",
        "| test | second batch | 1/1 | 0/1 | 0/1 | n/a | n/a |",
        "| test | third batch | 1/1 | 1/1 | 1/1 | 1.40x | 1.40x |",
    ]
