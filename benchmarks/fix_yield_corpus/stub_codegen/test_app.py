from app import StubWriter
from workload import make_input


def test_layout():
    writer = StubWriter("s.yaml", indent=2)
    source = writer.write([("Point", [("x", "int"), ("y", "int")]), ("Empty", [])])
    assert source == (
        '"""Generated from s.yaml; do not edit."""\n\n'
        "class Point:\n  x: int\n  y: int\n\nclass Empty:\n  pass\n\n# 2 records\n"
    )
    assert writer.buf == source


def test_written_twice_and_emitted_by_hand():
    writer = StubWriter("m")
    writer.write([("A", [("a", "str")])])
    assert writer.write([]) == '"""Generated from m; do not edit."""\n\n# 0 records\n'
    writer.emit("x = 1", 1)
    assert writer.buf.endswith("# 0 records\n    x = 1\n")
    writer.buf = "# header\n"
    writer.emit("y = 2")
    assert writer.buf == "# header\ny = 2\n"


def test_the_output_compiles():
    source = StubWriter("schema.yaml").write(make_input(40))
    namespace: dict = {}
    exec(compile(source, "<stubs>", "exec"), namespace)
    assert list(namespace["Rec3"].__annotations__) == ["field_0", "field_1", "field_2"]
    assert namespace["Rec3"].__annotations__["field_1"] is int


def test_fixed_input():
    source = StubWriter("schema.yaml").write(make_input())
    lines = source.splitlines()
    assert len(lines) == 10503
    assert lines[2:5] == ["class Rec0:", "    pass", ""]
    assert lines[-1] == "# 2500 records"
    assert source.count("class ") == 2500
