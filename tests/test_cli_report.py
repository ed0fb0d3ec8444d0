"""`efficiency report` refuses bad options with one line and writes nothing then."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from efficiency.cli import cli


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "e.db"), "report", *args])
    return result.exit_code, result.output


def test_bad_options_exit_2_and_write_nothing(tmp_path: Path) -> None:
    code, out = run(tmp_path, "savings", "-o", str(tmp_path / "r.pdf"))
    assert code == 2 and "--format" in out
    code, out = run(tmp_path, "savings", "--from", "yesterday", "-o", str(tmp_path / "r.csv"))
    assert code == 2 and "--from" in out and "Traceback" not in out
    code, out = run(tmp_path, "savings", "--from", "2026-03-02", "--to", "2026-03-01",
                    "-o", str(tmp_path / "r.csv"))  # fmt: skip
    assert code == 2 and "--to: must be after --from" in out
    code, out = run(tmp_path, "savings", "-o", str(tmp_path / "missing" / "r.csv"))
    assert code == 2 and "does not exist" in out
    code, out = run(tmp_path, "capacity", "--format", "csv", "-o", str(tmp_path / "c.csv"))
    assert code == 2 and "no profiles or GPU metrics stored" in out
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("e.db")) == []


def test_an_empty_ledger_is_a_report_of_zeros(tmp_path: Path) -> None:
    code, out = run(tmp_path, "savings", "--format", "csv", "-o", str(tmp_path / "r.txt"))
    assert code == 0 and "estimated $0.00 and realized $0.00" in out
    assert "# PUE: 1.2" in (tmp_path / "r.txt").read_text()


def test_the_dashboard_stays_on_loopback_unless_told(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "e.db"), "dashboard", "--host",
                                      "0.0.0.0", "--port", "8599"])  # fmt: skip
    assert result.exit_code == 2 and "refusing to bind 0.0.0.0" in result.output
