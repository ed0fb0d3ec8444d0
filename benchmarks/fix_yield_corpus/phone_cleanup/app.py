"""Normalise phone numbers from CRM imports to E.164, keeping extensions."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

COUNTRY_RULES = {
    "US": {"code": "1", "trunk": "1", "length": 10},
    "GB": {"code": "44", "trunk": "0", "length": 10},
    "DE": {"code": "49", "trunk": "0", "length": 11},
    "FR": {"code": "33", "trunk": "0", "length": 9},
    "NL": {"code": "31", "trunk": "0", "length": 9},
}
EXTENSION_MARKERS = ["extension", "ext.", "ext", "x.", "x", "#", "poste", "durchwahl", "dw."]

NON_DIGITS = re.compile(r"[^\d+]")
INTL_PREFIX = re.compile(r"^(?:\+|00)(\d+)$")


class InvalidNumber(ValueError):
    pass


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    extension: str | None = None

    def __str__(self) -> str:
        return f"{self.e164};ext={self.extension}" if self.extension else self.e164


def split_extension(raw: str) -> tuple[str, str | None]:
    markers = "|".join(re.escape(m) for m in EXTENSION_MARKERS)
    ext_re = re.compile(rf"\s*(?:{markers})\s*(\d{{1,6}})\s*$", re.IGNORECASE)
    m = ext_re.search(raw)
    if not m:
        return raw, None
    return raw[: m.start()], m.group(1)


def _national_digits(digits: str, rule: dict) -> str:
    trunk = rule["trunk"]
    if len(digits) == rule["length"] + len(trunk) and digits.startswith(trunk):
        digits = digits[len(trunk) :]
    if len(digits) != rule["length"]:
        raise InvalidNumber(f"expected {rule['length']} digits, got {len(digits)}")
    return digits


def normalize(raw: str, default_country: str = "US") -> PhoneNumber:
    body, ext = split_extension(raw.strip())
    compact = NON_DIGITS.sub("", body)
    if not compact:
        raise InvalidNumber(f"no digits in {raw!r}")
    intl = INTL_PREFIX.match(compact)
    if intl:
        digits = intl.group(1)
        for rule in COUNTRY_RULES.values():
            code = rule["code"]
            if digits.startswith(code) and len(digits) - len(code) == rule["length"]:
                return PhoneNumber(f"+{digits}", ext)
        raise InvalidNumber(f"unknown country prefix in {raw!r}")
    rule = COUNTRY_RULES.get(default_country)
    if rule is None:
        raise InvalidNumber(f"no rules for country {default_country}")
    national = _national_digits(compact.replace("+", ""), rule)
    return PhoneNumber(f"+{rule['code']}{national}", ext)


def clean_contacts(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    cleaned: list[dict[str, str]] = []
    rejected: list[str] = []
    for row in rows:
        try:
            phone = normalize(row["phone"], row.get("country", "US"))
        except InvalidNumber as exc:
            logger.info("rejecting contact %s: %s", row.get("id"), exc)
            rejected.append(row.get("id", "?"))
            continue
        cleaned.append({**row, "phone": str(phone)})
    return cleaned, rejected
