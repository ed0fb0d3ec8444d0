"""Fetch the full public benchmark datasets, pinned by commit and checked by SHA-256.

``make datasets`` (or ``python -m benchmarks.fetch_datasets``) downloads every file of
``benchmarks/datasets_manifest.json`` into ``EFFICIENCY_DATASETS`` (default ``./datasets``), the
folder the benchmarks read (:func:`benchmarks.common.datasets_dir`). A file already there with
the right checksum is kept; any other is downloaded to a temporary file beside it, hashed while
it streams and moved into place only when its SHA-256 and size match, so a bad mirror or a
truncated download never leaves a wrong file behind. Files recorded for this project and
published nowhere else (``not_fetchable``) are listed at the end, not fetched.

``--check`` verifies what is there without any network; ``--mirror URL`` replaces
``https://raw.githubusercontent.com`` in every URL (an internal mirror, or a test server).
Exit status: 0 all good, 1 a download or checksum failed, 2 bad arguments or manifest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = Path(__file__).with_name("datasets_manifest.json")
UPSTREAM = "https://raw.githubusercontent.com"
CHUNK = 1 << 16


class ManifestError(Exception):
    """The manifest is malformed; the message names the entry and field."""


class FetchError(Exception):
    """One file could not be fetched or did not match its checksum."""


@dataclass(frozen=True)
class Entry:
    path: str
    url: str
    commit: str
    sha256: str
    size: int


def _field(item: dict[str, object], key: str, where: str) -> object:
    if key not in item:
        raise ManifestError(f"{where}: {key}: missing")
    return item[key]


def load_manifest(path: Path = MANIFEST) -> tuple[list[Entry], list[dict[str, object]]]:
    """The fetchable entries and the ``not_fetchable`` ones; :class:`ManifestError` names
    the first bad entry (paths must stay inside the destination, commits be full SHAs)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: {exc}") from None
    entries = []
    for i, item in enumerate(data.get("files", [])):
        where = f"files.{i}"
        rel = str(_field(item, "path", where))
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise ManifestError(f"{where}: path: {rel!r} leaves the datasets folder")
        commit = str(_field(item, "commit", where))
        if not re.fullmatch(r"[0-9a-f]{40}", commit):
            raise ManifestError(f"{where}: commit: {commit!r} is not a full 40-digit SHA")
        url = str(_field(item, "url", where))
        if commit not in url:
            raise ManifestError(f"{where}: url: not pinned to commit {commit}")
        digest = str(_field(item, "sha256", where))
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ManifestError(f"{where}: sha256: not 64 hex digits")
        size = _field(item, "size", where)
        if not isinstance(size, int) or size < 0:
            raise ManifestError(f"{where}: size: not a byte count")
        entries.append(Entry(rel, url, commit, digest, size))
    return entries, list(data.get("not_fetchable", []))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def is_current(entry: Entry, dest: Path) -> bool:
    target = dest / entry.path
    return (
        target.is_file()
        and target.stat().st_size == entry.size
        and (sha256_of(target) == entry.sha256)
    )


def fetch_one(
    entry: Entry, dest: Path, mirror: str = "", timeout: float = 60.0,
    advance: Callable[[int], None] | None = None,
) -> None:  # fmt: skip
    """Download one file into ``dest``; :class:`FetchError` when it fails or mismatches."""
    url = entry.url
    if mirror and url.startswith(UPSTREAM + "/"):
        url = mirror.rstrip("/") + url[len(UPSTREAM) :]
    target = dest / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            while block := resp.read(CHUNK):
                size += len(block)
                if size > entry.size:
                    raise FetchError(f"{entry.path}: {url} sent more than {entry.size} bytes")
                digest.update(block)
                out.write(block)
                if advance:
                    advance(len(block))
        if size != entry.size or digest.hexdigest() != entry.sha256:
            raise FetchError(
                f"{entry.path}: checksum mismatch from {url}: expected sha256 {entry.sha256} "
                f"({entry.size} bytes), got {digest.hexdigest()} ({size} bytes)"
            )
        os.replace(tmp, target)
    except urllib.error.HTTPError as exc:
        why = f"HTTP {exc.code} {exc.reason}"
        raise FetchError(f"{entry.path}: cannot fetch {url}: {why}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"{entry.path}: cannot fetch {url}: {reason}") from None
    finally:
        tmp.unlink(missing_ok=True)


def default_dest() -> Path:
    configured = os.environ.get("EFFICIENCY_DATASETS")
    return Path(configured) if configured else Path.cwd() / "datasets"


class _Bar:
    """A rich progress bar of bytes fetched, on a terminal (stderr) only: piped output and
    logs stay plain lines."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self.progress = Progress(TextColumn("datasets"), BarColumn(), DownloadColumn(),
                                 console=Console(stderr=True), transient=True)  # fmt: skip
        self.task = self.progress.add_task("fetch", total=total)

    def advance(self, n: int) -> None:
        self.progress.update(self.task, advance=n)


def run(dest: Path, manifest: Path, mirror: str, check: bool, only: list[str]) -> int:
    entries, not_fetchable = load_manifest(manifest)
    if only:
        entries = [e for e in entries if e.path.split("/", 1)[0] in only]
    todo = [e for e in entries if not is_current(e, dest)]
    failures: list[str] = []
    if check:
        failures = [f"{e.path}: missing or not matching sha256 {e.sha256}" for e in todo]
    else:
        bar = _Bar(sum(e.size for e in todo)) if sys.stderr.isatty() and todo else None
        if bar:
            bar.progress.start()
        try:
            for e in todo:
                try:
                    fetch_one(e, dest, mirror, advance=bar.advance if bar else None)
                except FetchError as exc:
                    failures.append(str(exc))
        finally:
            if bar:
                bar.progress.stop()
    for line in failures:
        print(line, file=sys.stderr)
    fetched = 0 if check else len(todo) - len(failures)
    print(f"{dest}: {len(entries) - len(failures)} of {len(entries)} files verified by sha256, "
          f"{fetched} fetched")  # fmt: skip
    if not_fetchable and not only:
        names = sorted({str(f.get("path", "")).split("/", 1)[0] for f in not_fetchable})
        print(f"not fetched ({len(not_fetchable)} files in {', '.join(names)}): recorded "
              "for this project, published nowhere else (manifest: not_fetchable)")  # fmt: skip
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=None,
                        help="target (default: $EFFICIENCY_DATASETS, else ./datasets)")  # fmt: skip
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--mirror", default=os.environ.get("EFFICIENCY_DATASETS_MIRROR", ""),
                        help=f"replace {UPSTREAM} in every URL")  # fmt: skip
    parser.add_argument("--check", action="store_true", help="verify only, no network")
    parser.add_argument("--only", action="append", default=[], metavar="FOLDER",
                        help="only this folder (nab, tcpd, sap-hana-perf, ...)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        return run(args.dest or default_dest(), args.manifest, args.mirror, args.check, args.only)
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
