from app import Dog, _quote, count_ancestors, load_registry, pedigree_dot

ROWS = [
    {"reg_no": "A1", "name": "Oakmere Flint", "sex": "D", "born": "2010", "titles": "CH"},
    {"reg_no": "A2", "name": "Fenwold Juno ", "sex": "B", "born": "2011"},
    {"reg_no": "A3", "name": "Oakmere Wren", "sex": "B", "born": "2013", "sire": "A1", "dam": "A2"},
    {
        "reg_no": "A4",
        "name": "Tarnside Rook",
        "sex": "D",
        "born": "2013",
        "sire": "A1",
        "dam": "X9",
    },
    {
        "reg_no": "A5",
        "name": 'Pip "the" Pup',
        "sex": "D",
        "born": "2016",
        "sire": "A4",
        "dam": "A3",
        "titles": "SH CH/JW",
    },
]

HEAD = "digraph pedigree {\n  rankdir=RL;\n  node [shape=box, fontname=Helvetica];\n"


def registry():
    return load_registry(ROWS)


def test_load_registry_fields():
    reg = registry()
    assert reg["A2"] == Dog("A2", "Fenwold Juno", "B", 2011, "", "", ())
    assert reg["A5"].titles == ("SH CH", "JW")
    assert reg["A4"].dam == "X9"


def test_quote_escapes():
    assert _quote('a "b" \\c') == '"a \\"b\\" \\\\c"'


def test_count_ancestors_finds_line_breeding():
    counts = count_ancestors(registry(), "A5", 3)
    assert counts == {"A4": 1, "A3": 1, "A1": 2, "X9": 1, "A2": 1}
    assert count_ancestors(registry(), "A5", 1) == {"A4": 1, "A3": 1}


def test_single_generation_exact():
    dot = pedigree_dot(registry(), ["A3"], generations=1)
    assert dot == HEAD + (
        '  "A3" [label="Oakmere Wren\nA3  2013", style=filled, fillcolor=pink];\n'
        '  "A1" -> "A3" [label=sire];\n'
        '  "A1" [label="CH Oakmere Flint\nA1  2010", style=filled, fillcolor=lightblue];\n'
        '  "A2" -> "A3" [label=dam];\n'
        '  "A2" [label="Fenwold Juno\nA2  2011", style=filled, fillcolor=pink];\n'
        "}\n"
    )


def test_full_pedigree_exact():
    dot = pedigree_dot(registry(), ["A5"], generations=2)
    assert dot == HEAD + (
        '  "A5" [label="SH CH JW Pip \\"the\\" Pup\nA5  2016", style=filled, fillcolor=lightblue];\n'  # noqa: E501
        '  "A4" -> "A5" [label=sire];\n'
        '  "A4" [label="Tarnside Rook\nA4  2013", style=filled, fillcolor=lightblue];\n'
        '  "A1" -> "A4" [label=sire];\n'
        '  "A1" [label="CH Oakmere Flint\nA1  2010", style=filled, fillcolor=orange];\n'
        '  "X9" -> "A4" [label=dam];\n'
        '  "X9" [label="X9\n(not registered)", style=dashed];\n'
        '  "A3" -> "A5" [label=dam];\n'
        '  "A3" [label="Oakmere Wren\nA3  2013", style=filled, fillcolor=pink];\n'
        '  "A1" -> "A3" [label=sire];\n'
        '  "A2" -> "A3" [label=dam];\n'
        '  "A2" [label="Fenwold Juno\nA2  2011", style=filled, fillcolor=pink];\n'
        "}\n"
    )


def test_generation_limit_zero():
    assert pedigree_dot(registry(), ["A1"], generations=0) == HEAD + (
        '  "A1" [label="CH Oakmere Flint\nA1  2010", style=filled, fillcolor=lightblue];\n}\n'
    )


def test_multiple_subjects_share_nodes_and_edges():
    dot = pedigree_dot(registry(), ["A3", "A4", "A3"], generations=3)
    assert dot.count('"A1" [label=') == 1
    assert dot.count('"A1" -> "A3"') == 1
    assert dot.count(" -> ") == 4
    assert dot.endswith("}\n")


def test_unknown_subject_is_dashed():
    dot = pedigree_dot(registry(), ["ZZ1"], generations=4)
    assert dot == HEAD + '  "ZZ1" [label="ZZ1\n(not registered)", style=dashed];\n}\n'
