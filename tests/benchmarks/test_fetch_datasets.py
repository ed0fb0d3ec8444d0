"""`make datasets`: the manifest is well formed and pinned, downloads are checked by SHA-256
against a real HTTP server on 127.0.0.1, and a mismatching file is refused and not kept."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from benchmarks.fetch_datasets import MANIFEST, ManifestError, load_manifest, main

ROOT = Path(__file__).resolve().parents[2]
COMMIT = "ea702d75cc2258d9d7dd35ca8e5e2539d71f3140"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static file server on 127.0.0.1 laid out like raw.githubusercontent.com."""
    root = tmp_path / "mirror"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def _entry(path: str, source: str, content: bytes) -> dict[str, object]:
    return {
        "path": path,
        "url": f"https://raw.githubusercontent.com/numenta/NAB/{COMMIT}/{source}",
        "repo": "numenta/NAB", "commit": COMMIT,
        "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
    }  # fmt: skip


def _publish(root: Path, source: str, content: bytes) -> None:
    target = root / "numenta" / "NAB" / COMMIT / source
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def test_the_shipped_manifest_is_pinned_and_covers_every_dataset() -> None:
    entries, not_fetchable = load_manifest(MANIFEST)
    folders = {e.path.split("/", 1)[0] for e in entries}
    assert folders == {"nab", "tcpd", "sap-hana-perf", "kineto-traces"}
    assert len(entries) == 168 and len({e.path for e in entries}) == 168
    assert all(e.url.startswith("https://raw.githubusercontent.com/") for e in entries)
    nab_series = [e for e in entries if e.path.startswith("nab/data/") and e.path.endswith(".csv")]
    assert len(nab_series) == 58
    assert {f["path"].split("/", 1)[0] for f in not_fetchable} == {
        "alertmanager", "kineto-traces", "nvml",
    }  # fmt: skip


def test_fetch_verifies_and_refuses_a_checksum_mismatch(
    tmp_path: Path, mirror: tuple[str, Path]
) -> None:
    base, root = mirror
    good = b"timestamp,value\n2014-04-01 00:00:00,1.5\n"
    expected = b"timestamp,value\n2014-04-01 00:00:00,2.5\n"
    _publish(root, "data/a.csv", good)
    _publish(root, "data/b.csv", b"timestamp,value\n2014-04-01 00:00:00,9.9\n")  # tampered
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"files": [
        _entry("nab/data/a.csv", "data/a.csv", good),
        _entry("nab/data/b.csv", "data/b.csv", expected),
    ]}))  # fmt: skip
    dest = tmp_path / "datasets"
    args = ["--dest", str(dest), "--manifest", str(manifest), "--mirror", base]
    assert main(args) == 1
    assert (dest / "nab/data/a.csv").read_bytes() == good
    assert not (dest / "nab/data/b.csv").exists()
    assert [p.name for p in (dest / "nab/data").iterdir()] == ["a.csv"]  # no temporary left
    assert main([*args, "--check"]) == 1
    _publish(root, "data/b.csv", expected)  # the mirror is repaired
    assert main(args) == 0
    assert (dest / "nab/data/b.csv").read_bytes() == expected
    (root / "numenta").rename(root / "gone")  # a second run needs no network
    assert main(args) == 0 and main([*args, "--check"]) == 0


def test_a_file_missing_upstream_is_reported(tmp_path: Path, mirror: tuple[str, Path]) -> None:
    base, _root = mirror
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"files": [_entry("nab/x.csv", "data/x.csv", b"1\n")]}))
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.fetch_datasets", "--dest", str(tmp_path / "d"),
         "--manifest", str(manifest), "--mirror", base],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "nab/x.csv: cannot fetch" in result.stderr and "404" in result.stderr
    assert "0 of 1 files verified" in result.stdout and "\x1b[" not in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"path": "../etc/passwd"}, "files.0: path: '../etc/passwd' leaves the datasets folder"),
        ({"commit": "ea702d7"}, "files.0: commit: 'ea702d7' is not a full 40-digit SHA"),
        ({"url": "https://raw.githubusercontent.com/numenta/NAB/master/x"}, "not pinned"),
        ({"sha256": "abc"}, "files.0: sha256: not 64 hex digits"),
    ],
)
def test_a_bad_manifest_is_refused(tmp_path: Path, change: dict[str, str], message: str) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"files": [{**_entry("nab/a.csv", "a.csv", b""), **change}]}))
    with pytest.raises(ManifestError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load_manifest(manifest)
    assert main(["--dest", str(tmp_path / "d"), "--manifest", str(manifest), "--check"]) == 2
