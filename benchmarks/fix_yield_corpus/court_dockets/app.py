"""Nightly docket sweep: pull case numbers and deadlines out of PACER-style entry lines.

Usage: python app.py dockets.txt
"""

import re
import sys
from collections import Counter

# federal district court ids we subscribe to
_DISTRICT_IDS = """
    almd alnd alsd akd azd ared arwd cacd caed cand casd cod ctd ded dcd flmd flnd flsd
    gamd gand gasd hid idd ilcd ilnd ilsd innd insd iand iasd ksd kyed kywd laed lamd
    lawd med mdd mad mied miwd mnd msnd mssd moed mowd mtd ned nvd nhd njd nmd nyed
    nynd nysd nywd nced ncmd ncwd ndd ohnd ohsd oked oknd okwd ord paed pamd pawd prd
    rid scd sdd tned tnmd tnwd txed txnd txsd txwd utd vtd vaed vawd waed wawd wvnd
    wvsd wied wiwd wyd
"""
DISTRICTS = _DISTRICT_IDS.split()
CASE_TYPES = ("cv", "cr", "bk", "mj", "mc")
DEADLINE_RE = re.compile(r"\b(?:due|deadline|respond) (?:by|on) (\d{4}-\d{2}-\d{2})", re.I)

entries = []
skipped = 0
per_court = Counter()


def court_alternation():
    # longest ids first so the alternation never settles on a shorter prefix
    return "|".join(re.escape(c) for c in sorted(DISTRICTS, key=len, reverse=True))


def parse_entry(line):
    """Return a dict for one docket line, or None if it isn't one of ours."""
    pattern = (
        r"^(?P<court>" + court_alternation() + r")\s+"
        r"(?P<office>\d):(?P<yy>\d{2})-(?P<type>" + "|".join(CASE_TYPES) + r")-(?P<num>\d{3,5})"
        r"(?:-(?P<judge>[A-Z]{2,4}))?\s+"
        r"(?P<filed>\d{4}-\d{2}-\d{2})\s+#(?P<seq>\d+)\s+(?P<text>.*)$"
    )
    m = re.match(pattern, line.strip(), re.IGNORECASE)
    if not m:
        return None
    d = m.groupdict()
    case_no = f"{d['office']}:{d['yy']}-{d['type'].lower()}-{int(d['num']):05d}"
    return {
        "court": d["court"].lower(),
        "case": case_no,
        "judge": (d["judge"] or "").upper(),
        "filed": d["filed"],
        "seq": int(d["seq"]),
        "text": d["text"],
        "deadlines": DEADLINE_RE.findall(d["text"]),
    }


def sweep(lines):
    global skipped
    for line in lines:
        if not line.strip():
            continue
        entry = parse_entry(line)
        if entry is None:
            skipped += 1
            continue
        entries.append(entry)
        per_court[entry["court"]] += 1


def reset():
    global skipped
    entries.clear()
    per_court.clear()
    skipped = 0


def upcoming_deadlines(after):
    out = []
    for e in entries:
        for when in e["deadlines"]:
            if when > after:
                out.append((when, e["court"], e["case"], e["seq"]))
    out.sort()
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        sweep(fh)
    print(f"{len(entries)} entries, {skipped} skipped")
    for court, n in per_court.most_common(10):
        print(f"  {court:6} {n}")
    for when, court, case, seq in upcoming_deadlines("0000-00-00"):
        print(f"{when}  {court} {case} #{seq}")
