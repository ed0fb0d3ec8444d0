"""Export a family-tree database to GEDCOM 5.5.1 text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MAX_LINE = 248  # GEDCOM line value limit before CONC continuation
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass
class Event:
    when: date | None = None
    approx_year: int | None = None
    place: str = ""


@dataclass
class Person:
    pid: int
    given: str
    surname: str
    sex: str = "U"
    birth: Event | None = None
    death: Event | None = None
    occupation: str = ""
    note: str = ""


@dataclass
class Family:
    fid: int
    husband: int | None = None
    wife: int | None = None
    children: list[int] = field(default_factory=list)
    marriage: Event | None = None


def gedcom_date(event: Event) -> str:
    if event.when is not None:
        d = event.when
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if event.approx_year is not None:
        return f"ABT {event.approx_year}"
    return ""


def _escape(value: str) -> str:
    # a literal '@' must be doubled so it is not read as a cross-reference pointer
    return value.replace("@", "@@")


class GedcomWriter:
    def __init__(self, source: str = "TREEKEEPER", submitter: str = "Unknown") -> None:
        self.source = source
        self.submitter = submitter
        self.text = ""

    def line(self, level: int, tag: str, value: str = "", xref: str = "") -> None:
        head = f"{level} {xref} {tag}" if xref else f"{level} {tag}"
        self.text += f"{head} {value}\n" if value else f"{head}\n"

    def long_text(self, level: int, tag: str, value: str) -> None:
        """Write free text, using CONT for newlines and CONC for over-long lines."""
        for n, para in enumerate(_escape(value).split("\n")):
            chunks = [para[i : i + MAX_LINE] for i in range(0, len(para), MAX_LINE)] or [""]
            self.line(level if n == 0 else level + 1, tag if n == 0 else "CONT", chunks[0])
            for chunk in chunks[1:]:
                self.line(level + 1, "CONC", chunk)

    def event(self, tag: str, event: Event | None) -> None:
        if event is None:
            return
        self.line(1, tag)
        when = gedcom_date(event)
        if when:
            self.line(2, "DATE", when)
        if event.place:
            self.line(2, "PLAC", _escape(event.place))

    def header(self, exported: date) -> None:
        self.line(0, "HEAD")
        self.line(1, "SOUR", self.source)
        self.line(1, "GEDC")
        self.line(2, "VERS", "5.5.1")
        self.line(2, "FORM", "LINEAGE-LINKED")
        self.line(1, "CHAR", "UTF-8")
        self.line(1, "DATE", gedcom_date(Event(when=exported)))
        self.line(1, "SUBM", "@U1@")
        self.line(0, "SUBM", xref="@U1@")
        self.line(1, "NAME", _escape(self.submitter))

    def person(self, p: Person, as_child: list[int], as_spouse: list[int]) -> None:
        self.line(0, "INDI", xref=f"@I{p.pid}@")
        self.line(1, "NAME", f"{_escape(p.given)} /{_escape(p.surname)}/")
        if p.given:
            self.line(2, "GIVN", _escape(p.given))
        if p.surname:
            self.line(2, "SURN", _escape(p.surname))
        self.line(1, "SEX", p.sex if p.sex in ("M", "F") else "U")
        self.event("BIRT", p.birth)
        self.event("DEAT", p.death)
        if p.occupation:
            self.line(1, "OCCU", _escape(p.occupation))
        for fid in as_child:
            self.line(1, "FAMC", f"@F{fid}@")
        for fid in as_spouse:
            self.line(1, "FAMS", f"@F{fid}@")
        if p.note:
            self.long_text(1, "NOTE", p.note)

    def family(self, f: Family) -> None:
        self.line(0, "FAM", xref=f"@F{f.fid}@")
        if f.husband is not None:
            self.line(1, "HUSB", f"@I{f.husband}@")
        if f.wife is not None:
            self.line(1, "WIFE", f"@I{f.wife}@")
        for child in f.children:
            self.line(1, "CHIL", f"@I{child}@")
        self.event("MARR", f.marriage)
        if f.children:
            self.line(1, "NCHI", str(len(f.children)))


def export(
    people: list[Person], families: list[Family], exported: date, submitter: str = "Unknown"
) -> str:
    known = {p.pid for p in people}
    as_child: dict[int, list[int]] = {}
    as_spouse: dict[int, list[int]] = {}
    for f in families:
        for member in (f.husband, f.wife, *f.children):
            if member is not None and member not in known:
                raise ValueError(f"family F{f.fid} refers to unknown person I{member}")
        for spouse in (f.husband, f.wife):
            if spouse is not None:
                as_spouse.setdefault(spouse, []).append(f.fid)
        for child in f.children:
            as_child.setdefault(child, []).append(f.fid)

    writer = GedcomWriter(submitter=submitter)
    writer.header(exported)
    for p in sorted(people, key=lambda p: p.pid):
        writer.person(p, as_child.get(p.pid, []), as_spouse.get(p.pid, []))
    for f in sorted(families, key=lambda f: f.fid):
        writer.family(f)
    writer.line(0, "TRLR")
    return writer.text
