from datetime import date

import pytest
from app import MAX_LINE, Event, Family, Person, export, gedcom_date

EXPORTED = date(2024, 3, 1)


def _tree():
    people = [
        Person(1, "John", "Ward", "M", birth=Event(when=date(1801, 4, 9), place="Leeds, England")),
        Person(
            2,
            "Mary",
            "Hill",
            "F",
            birth=Event(approx_year=1803),
            death=Event(place="Cork, Ireland"),
        ),
        Person(3, "Ann", "Ward", "F", occupation="Weaver"),
    ]
    families = [Family(1, husband=1, wife=2, children=[3], marriage=Event(when=date(1824, 11, 2)))]
    return people, families


def test_header_records_and_trailer():
    text = export(*_tree(), EXPORTED, submitter="Ward Society")
    lines = text.split("\n")
    assert lines[:8] == [
        "0 HEAD",
        "1 SOUR TREEKEEPER",
        "1 GEDC",
        "2 VERS 5.5.1",
        "2 FORM LINEAGE-LINKED",
        "1 CHAR UTF-8",
        "1 DATE 1 MAR 2024",
        "1 SUBM @U1@",
    ]
    assert lines[8:10] == ["0 @U1@ SUBM", "1 NAME Ward Society"]
    assert text.endswith("0 TRLR\n")
    assert text.count("\n0 @I") == 3 and text.count("\n0 @F") == 1


def test_person_and_family_blocks():
    text = export(*_tree(), EXPORTED)
    john = text[text.index("0 @I1@ INDI") : text.index("0 @I2@ INDI")]
    assert john == (
        "0 @I1@ INDI\n1 NAME John /Ward/\n2 GIVN John\n2 SURN Ward\n1 SEX M\n"
        "1 BIRT\n2 DATE 9 APR 1801\n2 PLAC Leeds, England\n1 FAMS @F1@\n"
    )
    mary = text[text.index("0 @I2@ INDI") : text.index("0 @I3@ INDI")]
    assert "1 BIRT\n2 DATE ABT 1803\n1 DEAT\n2 PLAC Cork, Ireland\n" in mary
    ann = text[text.index("0 @I3@ INDI") : text.index("0 @F1@ FAM")]
    assert "1 OCCU Weaver\n1 FAMC @F1@\n" in ann
    fam = text[text.index("0 @F1@ FAM") :]
    assert fam == (
        "0 @F1@ FAM\n1 HUSB @I1@\n1 WIFE @I2@\n1 CHIL @I3@\n"
        "1 MARR\n2 DATE 2 NOV 1824\n1 NCHI 1\n0 TRLR\n"
    )


def test_notes_use_cont_and_conc_and_escape_at_signs():
    note = "First line\n" + "x" * (MAX_LINE + 10) + "\nmail: a@b.org"
    text = export([Person(7, "Eli", "Cooper", "X", note=note)], [], EXPORTED)
    assert "1 SEX U\n" in text
    block = text[text.index("1 NOTE") : text.index("0 TRLR")]
    assert block == (
        "1 NOTE First line\n2 CONT "
        + "x" * MAX_LINE
        + "\n2 CONC "
        + "x" * 10
        + "\n2 CONT mail: a@@b.org\n"
    )


def test_records_sorted_by_id_and_unknown_members_rejected():
    people = [Person(5, "B", "Z", "M"), Person(2, "A", "Z", "F")]
    text = export(people, [Family(9, wife=2), Family(3, husband=5)], EXPORTED)
    assert text.index("@I2@ INDI") < text.index("@I5@ INDI")
    assert text.index("@F3@ FAM") < text.index("@F9@ FAM")
    assert "1 NCHI" not in text
    with pytest.raises(ValueError, match="I4"):
        export(people, [Family(1, husband=5, children=[4])], EXPORTED)


def test_gedcom_dates():
    assert gedcom_date(Event(when=date(1899, 12, 31))) == "31 DEC 1899"
    assert gedcom_date(Event(approx_year=1750)) == "ABT 1750"
    assert gedcom_date(Event()) == ""


def test_empty_names_and_multiple_marriages():
    people = [
        Person(1, "", "Price", "M"),
        Person(2, "Jane", "", "F"),
        Person(3, "Emma", "Hill", "F"),
    ]
    text = export(people, [Family(1, 1, 2), Family(2, 1, 3)], EXPORTED)
    first = text[text.index("0 @I1@") : text.index("0 @I2@")]
    assert (
        first == "0 @I1@ INDI\n1 NAME  /Price/\n2 SURN Price\n1 SEX M\n1 FAMS @F1@\n1 FAMS @F2@\n"
    )
    assert "1 NAME Jane //\n2 GIVN Jane\n1 SEX F\n" in text
