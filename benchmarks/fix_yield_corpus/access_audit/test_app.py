from __future__ import annotations

from app import AccessAuditor


def _line(ip: str, method: str, path: str, status: int, user: str = "-") -> str:
    return f'{ip} - {user} [07/Dec/2026:00:00:01 +0000] "{method} {path} HTTP/1.1" {status} 512'


def test_parse_fields() -> None:
    req = AccessAuditor().parse(_line("10.0.0.1", "GET", "/home?q=1", 200, "alice"))
    assert req is not None
    assert (req.ip, req.user, req.method, req.path, req.status) == (
        "10.0.0.1",
        "alice",
        "GET",
        "/home?q=1",
        200,
    )


def test_malformed_lines_counted() -> None:
    report = AccessAuditor().audit(["garbage", _line("1.1.1.1", "GET", "/", 200), ""])
    assert report.parsed == 1
    assert report.malformed == 2


def test_sensitive_paths_case_insensitive() -> None:
    a = AccessAuditor()
    assert a.sensitive_hit("/ADMIN/users") == "/ADMIN"
    assert a.sensitive_hit("/.git/config") == "/.git/"
    assert a.sensitive_hit("/static/admin.css") is None
    assert a.sensitive_hit("/envelope") is None


def test_classification_reasons() -> None:
    a = AccessAuditor()
    lines = [
        _line("1.1.1.1", "GET", "/admin", 200),
        _line("1.1.1.2", "GET", "/.env", 404),
        _line("1.1.1.3", "GET", "/files/../../etc", 400),
        _line("1.1.1.4", "TRACE", "/", 405),
        _line("1.1.1.5", "GET", "/index.html", 200),
    ]
    report = a.audit(lines)
    assert [(r.ip, why) for r, why in report.flagged] == [
        ("1.1.1.1", "sensitive path served: /admin"),
        ("1.1.1.2", "probe: /.env"),
        ("1.1.1.3", "path traversal"),
        ("1.1.1.4", "unusual method TRACE"),
    ]


def test_custom_prefixes_with_regex_characters() -> None:
    a = AccessAuditor(["/a+b", "/x.y"])
    assert a.sensitive_hit("/a+b/c") == "/a+b"
    assert a.sensitive_hit("/aab") is None
    assert a.sensitive_hit("/xzy") is None


def test_noisy_ips() -> None:
    lines = [_line("9.9.9.9", "GET", "/p", 403)] * 3 + [_line("8.8.8.8", "GET", "/p", 401)]
    report = AccessAuditor().audit(lines)
    assert report.noisy_ips(3) == ["9.9.9.9"]
    assert report.noisy_ips(1) == ["8.8.8.8", "9.9.9.9"]
