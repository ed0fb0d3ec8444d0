"""Lint DNS zone files before they are pushed to the authoritative servers.

Only the simple one-record-per-line format our provisioning tool writes is
supported: ``name [ttl] [class] type rdata``. ``$ORIGIN`` and ``$TTL``
directives are honoured, comments start with ``;``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KNOWN_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA", "PTR")

# (code, record type or "*", field, pattern, message)
RULES = [
    (
        "Z001",
        "*",
        "name",
        r"^(?:@|\*|[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*\.?)$",
        "invalid owner name",
    ),
    ("Z002", "*", "name", r"(?i)\.{origin}\.{origin}\.?$", "origin appended twice"),
    (
        "Z003",
        "A",
        "rdata",
        r"^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$",
        "bad IPv4 address",
    ),
    ("Z004", "AAAA", "rdata", r"^[0-9A-Fa-f:]{2,39}$", "bad IPv6 address"),
    ("Z005", "CNAME", "rdata", r"^\S+$", "CNAME target must be a single name"),
    ("Z006", "MX", "rdata", r"^\d{1,5}\s+\S+$", "MX needs preference and exchange"),
    ("Z007", "TXT", "rdata", r'^(?:"[^"]{0,255}"\s*)+$', "TXT strings must be quoted, <=255 chars"),
    (
        "Z008",
        "*",
        "rdata",
        r"(?i)^(?:[a-z0-9-]+\.)*{origin}$",
        "target looks relative (missing dot)",
    ),
]
NEGATIVE = {"Z002", "Z008"}  # rules that fire when the pattern *matches*


@dataclass(frozen=True)
class Record:
    line: int
    name: str
    ttl: int
    rtype: str
    rdata: str


@dataclass(frozen=True)
class Finding:
    line: int
    code: str
    message: str


def parse_zone(text: str, default_ttl: int = 3600) -> tuple[str, list[Record]]:
    origin = ""
    ttl = default_ttl
    last_name = "@"
    records = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split(";", 1)[0].rstrip() if '"' not in raw else raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("$ORIGIN"):
            origin = line.split()[1].rstrip(".")
            continue
        if line.startswith("$TTL"):
            ttl = int(line.split()[1])
            continue
        parts = line.split(None, 4) if not line[0].isspace() else [last_name, *line.split(None, 3)]
        name, rest = parts[0], parts[1:]
        rec_ttl = ttl
        if rest and rest[0].isdigit():
            rec_ttl = int(rest.pop(0))
        if rest and rest[0].upper() == "IN":
            rest.pop(0)
        if len(rest) < 2:
            records.append(Record(lineno, name, rec_ttl, "?", " ".join(rest)))
            continue
        rtype, rdata = rest[0].upper(), " ".join(rest[1:])
        records.append(Record(lineno, name, rec_ttl, rtype, rdata))
        last_name = name
    return origin, records


def check_record(rec: Record, origin: str) -> list[Finding]:
    if rec.rtype not in KNOWN_TYPES:
        return [Finding(rec.line, "Z000", f"unknown record type {rec.rtype}")]
    found = []
    for code, rtype, field, pattern, message in RULES:
        if rtype not in ("*", rec.rtype):
            continue
        if "{origin}" in pattern:
            if not origin:
                continue
            pattern = pattern.replace("{origin}", re.escape(origin))
        value = getattr(rec, field)
        matched = re.search(pattern, value) is not None
        if matched == (code in NEGATIVE):
            found.append(Finding(rec.line, code, message))
    if rec.ttl < 60:
        found.append(Finding(rec.line, "Z010", f"TTL {rec.ttl} is below 60s"))
    return found


def lint_zone(text: str) -> list[Finding]:
    origin, records = parse_zone(text)
    findings: list[Finding] = []
    for rec in records:
        findings.extend(check_record(rec, origin))
    return sorted(findings, key=lambda f: (f.line, f.code))


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    return dict(sorted(counts.items()))
