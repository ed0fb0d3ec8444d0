from app import Node, count_nodes, progress, prune_completed, to_opml
from workload import make_input, run


def _trip() -> Node:
    return Node(
        "Trip",
        children=[
            Node("Book <flights>", checked=True, tags=["urgent", "ops"]),
            Node(
                "Pack",
                note='see "list" & bag',
                children=[Node("Socks", checked=False), Node("Charger", checked=True)],
            ),
        ],
    )


def test_full_document_exact():
    ideas = Node("Ideas", collapsed=True, children=[Node("A")])
    assert to_opml("Q&A <2025>", [_trip(), ideas], owner="Ann") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        "  <head>\n    <title>Q&amp;A &lt;2025&gt;</title>\n    <ownerName>Ann</ownerName>\n"
        "    <expansionState>0,2</expansionState>\n  </head>\n  <body>\n"
        '    <outline text="Trip">\n'
        '      <outline text="Book &lt;flights&gt;" _complete="true" category="ops,urgent"/>\n'
        '      <outline text="Pack" _note=\'see "list" &amp; bag\'>\n'
        '        <outline text="Socks" _complete="false"/>\n'
        '        <outline text="Charger" _complete="true"/>\n'
        "      </outline>\n    </outline>\n"
        '    <outline text="Ideas">\n      <outline text="A"/>\n    </outline>\n'
        "  </body>\n</opml>\n"
    )


def test_single_leaf_no_owner_no_expansion():
    assert to_opml("Empty", [Node("x")]) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        "  <head>\n    <title>Empty</title>\n  </head>\n"
        '  <body>\n    <outline text="x"/>\n  </body>\n</opml>\n'
    )


def test_expansion_state_row_numbers_skip_collapsed():
    root = Node(
        "r",
        children=[
            Node("a", collapsed=True, children=[Node("a1")]),
            Node("b", children=[Node("b1")]),
        ],
    )
    doc = to_opml("t", [root])
    assert "<expansionState>0,3</expansionState>" in doc


def test_progress_counts_checklist_items():
    assert progress(_trip()) == (2, 3)
    assert progress(Node("plain")) == (0, 0)


def test_prune_completed_drops_done_items():
    pruned = prune_completed(_trip())
    assert [c.text for c in pruned.children] == ["Pack"]
    assert [c.text for c in pruned.children[0].children] == ["Socks"]
    assert prune_completed(Node("done", checked=True)) is None
    assert count_nodes(_trip()) == 5


def test_pruned_document_exact():
    assert to_opml("p", [prune_completed(_trip())]) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        "  <head>\n    <title>p</title>\n    <expansionState>0,1</expansionState>\n  </head>\n"
        '  <body>\n    <outline text="Trip">\n'
        '      <outline text="Pack" _note=\'see "list" &amp; bag\'>\n'
        '        <outline text="Socks" _complete="false"/>\n'
        "      </outline>\n    </outline>\n  </body>\n</opml>\n"
    )


def test_workload_checksum():
    data = make_input()
    assert sum(count_nodes(r) for r in data) == 4068
    assert run(data) == 1601128
