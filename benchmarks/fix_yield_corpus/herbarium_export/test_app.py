from app import COLUMNS, ExportJob, Specimen, export_occurrences


def _spec(catalog="OXF-1", **kw):
    base = dict(
        catalog=catalog,
        genus="quercus",
        epithet="Robur",
        author="L.",
        family="FAGACEAE",
        collectors=["Druce, G.C."],
        number="412",
        year=1921,
        month=6,
        day=3,
        country="United Kingdom",
        province="Oxfordshire",
        locality="Wytham Woods",
        lat=51.7712345,
        lon=-1.3381,
        uncertainty_m=250,
        habitat="Oak woodland",
    )
    base.update(kw)
    return Specimen(**base)


def _rows(job):
    lines = job.payload.split("\n")
    assert lines[-1] == ""
    return [line.split("\t") for line in lines[:-1]]


def test_header_and_full_row():
    job = export_occurrences(ExportJob("OXF", "Herbarium"), [_spec()])
    header, row = _rows(job)
    assert tuple(header) == COLUMNS
    assert row == [
        "urn:catalog:OXF:Herbarium:OXF-1",
        "OXF-1",
        "PreservedSpecimen",
        "Quercus robur L.",
        "Fagaceae",
        "Druce, G.C.",
        "412",
        "1921-06-03",
        "United Kingdom",
        "Oxfordshire",
        "Wytham Woods",
        "51.77123",
        "-1.33810",
        "250",
        "Oak woodland",
    ]
    assert job.written == 1 and job.rejected == []


def test_partial_dates_and_missing_coordinates():
    specs = [
        _spec("A", day=None),
        _spec("B", month=None, day=None),
        _spec("C", year=None),
        _spec("D", lat=None),
        _spec("E", lat=95.0, uncertainty_m=None),
        _spec("F", uncertainty_m=None, author=""),
    ]
    rows = _rows(export_occurrences(ExportJob("OXF", "H"), specs))[1:]
    assert [r[7] for r in rows] == ["1921-06", "1921", "", "1921-06-03", "1921-06-03", "1921-06-03"]
    assert [r[11:14] for r in rows[3:]] == [
        ["", "", ""],
        ["", "", ""],
        ["51.77123", "-1.33810", ""],
    ]
    assert rows[5][3] == "Quercus robur"


def test_tabs_and_newlines_are_cleaned():
    s = _spec(
        locality="Box Hill,\tchalk\n slope",
        habitat="Ditch\r\nmargin",
        collectors=["Salmon,  C.E.", "Marshall, E.S.\n"],
    )
    rows = _rows(export_occurrences(ExportJob("OXF", "H"), [s]))
    assert len(rows) == 2 and all(len(r) == len(COLUMNS) for r in rows)
    assert rows[1][10] == "Box Hill, chalk slope"
    assert rows[1][14] == "Ditch margin"
    assert rows[1][5] == "Salmon, C.E. | Marshall, E.S."


def test_blank_and_duplicate_catalogue_numbers_rejected():
    specs = [_spec("X-1"), _spec("  "), _spec("X-2"), _spec("X-1", number="999")]
    job = export_occurrences(ExportJob("OXF", "H"), specs)
    assert job.written == 2
    assert job.rejected == ["<blank>", "X-1"]
    assert [r[1] for r in _rows(job)[1:]] == ["X-1", "X-2"]
    assert _rows(job)[1][6] == "412"


def test_job_is_reset_between_exports():
    job = ExportJob("OXF", "H")
    export_occurrences(job, [_spec("A"), _spec("")])
    first = job.payload
    export_occurrences(job, [_spec("A"), _spec("")])
    assert job.payload == first and job.written == 1 and job.rejected == ["<blank>"]
    export_occurrences(job, [])
    assert job.payload == "\t".join(COLUMNS) + "\n"
    assert job.written == 0 and job.rejected == []
