from app import Finding, Record, check_record, lint_zone, parse_zone, summarize

ZONE = """\
$ORIGIN example.org.
$TTL 900
@       IN  NS    ns1.example.org.
www     IN  A     192.0.2.10
        300 IN AAAA 2001:db8::10   ; continuation of www
bad_ip  IN  A     192.0.2.300
mail    IN  CNAME mx.example.org
alias.example.org.example.org. IN CNAME www.example.org.
txt     IN  TXT   "hello; world"
fast 20 IN  A     198.51.100.1
odd     IN  LOC   52 22 23 N
"""


def test_parse_directives_and_continuation():
    origin, records = parse_zone(ZONE)
    assert origin == "example.org"
    assert records[0] == Record(3, "@", 900, "NS", "ns1.example.org.")
    assert records[2] == Record(5, "www", 300, "AAAA", "2001:db8::10")
    assert records[6].rdata == '"hello; world"'


def test_lint_full_zone_findings_sorted():
    findings = lint_zone(ZONE)
    assert [(f.line, f.code) for f in findings] == [
        (6, "Z003"),
        (7, "Z008"),
        (8, "Z002"),
        (10, "Z010"),
        (11, "Z000"),
    ]


def test_messages():
    by_code = {f.code: f.message for f in lint_zone(ZONE)}
    assert by_code["Z000"] == "unknown record type LOC"
    assert by_code["Z010"] == "TTL 20 is below 60s"
    assert by_code["Z008"] == "target looks relative (missing dot)"


def test_clean_record_has_no_findings():
    rec = Record(1, "www", 3600, "A", "203.0.113.5")
    assert check_record(rec, "example.org") == []


def test_origin_rules_skipped_without_origin():
    rec = Record(1, "api", 3600, "CNAME", "web.example.org")
    assert check_record(rec, "") == []
    assert check_record(rec, "example.org") == [
        Finding(1, "Z008", "target looks relative (missing dot)")
    ]


def test_origin_with_regex_metacharacters_is_escaped():
    rec = Record(1, "api", 3600, "CNAME", "webxexample.org")
    # the dot in the origin must not match "x"
    assert check_record(rec, "e.ample.org") == []


def test_invalid_owner_and_bad_mx():
    rec = Record(4, "-bad name", 3600, "MX", "mx.example.org.")
    codes = [f.code for f in check_record(rec, "example.org")]
    assert codes == ["Z001", "Z006"]


def test_summarize_counts_sorted_by_code():
    findings = [Finding(1, "Z010", "x"), Finding(2, "Z003", "y"), Finding(3, "Z010", "z")]
    assert list(summarize(findings).items()) == [("Z003", 1), ("Z010", 2)]


def test_empty_zone():
    assert lint_zone("; only a comment\n\n") == []
