"""Flag suspicious requests in reverse-proxy access logs for the security review queue."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

LINE_RE = re.compile(
    r'(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<ts>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" '
    r"(?P<status>\d{3}) (?P<size>\d+|-)"
)

DEFAULT_SENSITIVE = (
    "/admin",
    "/.env",
    "/.git/",
    "/wp-login.php",
    "/phpmyadmin",
    "/server-status",
    "/actuator/",
    "/api/internal/",
    "/backup.zip",
    "/etc/passwd",
    "/config.json",
    "/debug/pprof",
)


@dataclass(frozen=True)
class Request:
    ip: str
    user: str
    method: str
    path: str
    status: int


@dataclass
class AuditReport:
    parsed: int = 0
    malformed: int = 0
    flagged: list[tuple[Request, str]] = field(default_factory=list)
    denied_by_ip: Counter[str] = field(default_factory=Counter)

    def noisy_ips(self, threshold: int) -> list[str]:
        return sorted(ip for ip, n in self.denied_by_ip.items() if n >= threshold)


class AccessAuditor:
    def __init__(self, sensitive_prefixes: Iterable[str] = DEFAULT_SENSITIVE) -> None:
        self.sensitive_prefixes = tuple(sensitive_prefixes)

    def parse(self, line: str) -> Request | None:
        m = LINE_RE.match(line)
        if m is None:
            return None
        return Request(m["ip"], m["user"], m["method"], m["path"], int(m["status"]))

    def sensitive_hit(self, path: str) -> str | None:
        alternatives = "|".join(re.escape(p) for p in self.sensitive_prefixes)
        m = re.match(f"(?:{alternatives})", path, re.IGNORECASE)
        return m.group(0) if m else None

    def classify(self, req: Request) -> str | None:
        hit = self.sensitive_hit(req.path)
        if hit is not None:
            if req.status < 400:
                return f"sensitive path served: {hit}"
            return f"probe: {hit}"
        if ".." in req.path or "%2e%2e" in req.path.lower():
            return "path traversal"
        if req.method not in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            return f"unusual method {req.method}"
        return None

    def audit(self, lines: Iterable[str]) -> AuditReport:
        report = AuditReport()
        for line in lines:
            req = self.parse(line)
            if req is None:
                report.malformed += 1
                continue
            report.parsed += 1
            if req.status in (401, 403):
                report.denied_by_ip[req.ip] += 1
            reason = self.classify(req)
            if reason is not None:
                report.flagged.append((req, reason))
        return report
