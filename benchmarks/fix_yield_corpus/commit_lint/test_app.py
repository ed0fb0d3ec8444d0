from app import Commit, CommitLinter, LintConfig, lint_push

GOOD = (
    "feat(api): add invoice retry\n\nRetry twice on timeouts.\n\nRefs: PAY-12\nSigned-off-by: a@b\n"
)


def _codes(message: str, config: LintConfig | None = None) -> list[str]:
    return [f.code for f in CommitLinter(config).check(Commit("f" * 40, "a@b", message))]


def test_clean_commit_has_no_findings():
    assert _codes(GOOD) == []
    assert _codes("docs: fix typo in readme\n") == []


def test_malformed_header_stops_early():
    assert _codes("Added stuff to the parser\n\nbody line that is " + "x" * 200) == ["C001"]


def test_type_scope_and_subject_rules():
    assert _codes("wip: poke at things\n") == ["C002"]
    assert _codes("fix: handle null token\n\nCloses: AUTH-3\n") == ["C003"]
    assert _codes("docs(readme): explain setup.\n") == ["C005"]
    long = "chore: " + "y" * 70
    codes = _codes(long)
    assert codes == ["C004"]


def test_blank_line_and_body_width():
    assert _codes("docs: note\nno blank line here\n") == ["C006"]
    wide = "docs: note\n\n" + "w" * 101 + "\nsee https://example.com/" + "p" * 120 + "\n"
    findings = CommitLinter().check(Commit("abc", "a@b", wide))
    assert [(f.code, f.detail) for f in findings] == [("C007", "line 3 is 101 chars (max 100)")]


def test_ticket_trailer_required_for_ticketed_types():
    assert _codes("perf(db): batch index writes\n\nSigned-off-by: a@b\n") == ["C008"]
    assert _codes("perf(db): batch index writes\n\nFixes: DB-7\n") == []
    assert _codes("perf(db): batch writes\n\nFixes: DB-7\n", LintConfig(max_header=10)) == ["C004"]


def test_trailers_parse_last_paragraph_only():
    c = Commit(
        "1",
        "a@b",
        "fix(x): y\n\nRefs: NOT-1 in body\ntext\n\nRefs: A-1\nRefs: A-2\nBREAKING CHANGE: gone\n",
    )
    assert c.trailers() == {"Refs": ["A-1", "A-2"], "BREAKING CHANGE": ["gone"]}
    assert Commit("2", "a@b", "docs: only a header").trailers() == {}
    assert c.body_lines[:2] == ["Refs: NOT-1 in body", "text"]


def test_lint_push_summary_and_debug_outline(caplog):
    commits = [
        Commit("b" * 40, "li@corp", GOOD),
        Commit("a" * 40, "sam@corp", "wip: thing.\n"),
        Commit("c" * 40, "li@corp", "docs: ok\n"),
    ]
    with caplog.at_level("DEBUG", logger="app"):
        summary = lint_push(commits)
    assert summary["checked"] == 3 and not summary["ok"]
    assert summary["failing"] == ["a" * 40]
    assert summary["by_code"] == {"C002": 1, "C005": 1}
    debug = [r.getMessage() for r in caplog.records if r.levelname == "DEBUG"]
    assert len(debug) == 3
    assert debug[0].startswith(
        "linting bbbbbbbbbb by li@corp header='feat(api): add invoice retry'"
    )
    assert "trailers=[Refs x1, Signed-off-by x1]" in debug[0]
    assert "body=4 lines (widest 24)" in debug[0]


def test_empty_push_is_ok():
    summary = lint_push([])
    assert summary["ok"] and summary["checked"] == 0 and summary["by_code"] == {}
