"""Merge the contact exports of several CRMs into one list, each person once.

Two rows are the same person when their e-mail addresses agree after normalising: case,
surrounding blanks, a ``+tag`` suffix, and the dots Gmail ignores. The first row seen wins.
"""

from __future__ import annotations

from dataclasses import dataclass

GMAIL_DOMAINS = ("gmail.com", "googlemail.com")


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str
    source: str


def normalize_email(raw: str) -> str:
    local, _, domain = raw.strip().lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def clean_phone(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    return f"+{digits}" if digits else ""


def merge_contacts(exports: dict[str, list[dict[str, str]]]) -> list[Contact]:
    """One contact per normalised e-mail, in the order the exports list them."""
    seen = []
    merged = []
    for source, rows in exports.items():
        for row in rows:
            email = normalize_email(row["email"])
            if not email.partition("@")[2] or email in seen:
                continue
            seen.append(email)
            merged.append(
                Contact(row["name"].strip(), email, clean_phone(row.get("phone", "")), source)
            )
    return merged
