"""Terminal gate-in feed: parse container booking lines and validate ISO 6346 numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

# ISO 6346 letter values skip multiples of 11 (A=10, B=12, ... K=21, L=23 ...).
_LETTER_VALUES: dict[str, int] = {}
_v = 10
for _ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    if _v % 11 == 0:
        _v += 1
    _LETTER_VALUES[_ch] = _v
    _v += 1
_WEIGHTS = [2**i for i in range(10)]

SIZE_TYPES = {
    "22G1": ("20", "GP"),
    "42G1": ("40", "GP"),
    "45G1": ("40", "HC"),
    "22R1": ("20", "RF"),
    "45R1": ("40", "RF"),
    "22U1": ("20", "OT"),
    "42P1": ("40", "FR"),
    "L5G1": ("45", "HC"),
}
MAX_GROSS_KG = {"20": 30_480, "40": 32_500, "45": 34_000}


@dataclass(frozen=True)
class GateIn:
    container: str
    size: str
    kind: str
    seal: str | None
    vgm_kg: int
    pol: str
    pod: str
    reefer_c: float | None


class FeedError(ValueError):
    pass


def check_digit(owner_serial: str) -> int:
    total = 0
    for ch, w in zip(owner_serial, _WEIGHTS, strict=False):
        total += (_LETTER_VALUES[ch] if ch.isalpha() else int(ch)) * w
    return total % 11 % 10


def classify_token(tok: str) -> tuple[str, str]:
    """Gate clerks key fields in any order; work out what each token is."""
    if re.fullmatch(r"[A-Z]{3}[UJZ]\d{7}", tok):
        return "cn", tok
    if re.fullmatch(r"[0-9L][0-9][A-Z][0-9]", tok):
        return "st", tok
    m = re.fullmatch(r"SEAL:([A-Z0-9]{6,10})", tok)
    if m:
        return "seal", m.group(1)
    m = re.fullmatch(r"VGM:(\d{3,5})", tok)
    if m:
        return "vgm", m.group(1)
    m = re.fullmatch(r"(POL|POD):([A-Z]{2}[A-Z2-9]{3})", tok)
    if m:
        return m.group(1).lower(), m.group(2)
    m = re.fullmatch(r"SET:([-+]?\d+(?:\.\d)?)C", tok)
    if m:
        return "temp", m.group(1)
    raise FeedError(f"unrecognised token {tok[:20]!r}")


def parse_line(line: str) -> GateIn:
    fields: dict[str, str] = {}
    for tok in line.split():
        key, value = classify_token(tok)
        if key in fields:
            raise FeedError(f"repeated {key}: {line.split()[0]}")
        fields[key] = value
    for required in ("cn", "st", "vgm", "pol", "pod"):
        if required not in fields:
            raise FeedError(f"missing {required}: {line.strip()[:40]}")
    cn = fields["cn"]
    if check_digit(cn[:10]) != int(cn[10]):
        raise FeedError(f"bad check digit: {cn}")
    st = fields["st"]
    if st not in SIZE_TYPES:
        raise FeedError(f"unknown size/type {st}: {cn}")
    size, kind = SIZE_TYPES[st]
    vgm = int(fields["vgm"])
    if vgm > MAX_GROSS_KG[size]:
        raise FeedError(f"overweight {vgm}kg: {cn}")
    temp = fields.get("temp")
    if kind == "RF" and temp is None:
        raise FeedError(f"reefer without setpoint: {cn}")
    return GateIn(
        cn,
        size,
        kind,
        fields.get("seal"),
        vgm,
        fields["pol"],
        fields["pod"],
        float(temp) if temp else None,
    )


def process_feed(lines: list[str]) -> tuple[list[GateIn], list[str]]:
    accepted, errors = [], []
    seen: set[str] = set()
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        try:
            unit = parse_line(line)
        except FeedError as exc:
            errors.append(str(exc))
            continue
        if unit.container in seen:
            errors.append(f"duplicate: {unit.container}")
            continue
        seen.add(unit.container)
        accepted.append(unit)
    return accepted, errors


def yard_summary(units: list[GateIn]) -> dict[str, int]:
    teu = sum(2 if u.size in ("40", "45") else 1 for u in units)
    return {
        "units": len(units),
        "teu": teu,
        "reefers": sum(u.kind == "RF" for u in units),
        "unsealed": sum(u.seal is None for u in units),
        "gross_t": sum(u.vgm_kg for u in units) // 1000,
    }
