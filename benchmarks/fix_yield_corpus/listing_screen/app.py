"""Screen marketplace listings for restricted items before they go live."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# fmt: off
WEAPON_TERMS = [
    "ammo", "ammunition", "bayonet", "brass-knuckles", "crossbow", "firearm", "glock",
    "grenade", "gunpowder", "handgun", "holster", "knuckleduster", "machete", "magazine-clip",
    "nunchucks", "pepper-spray", "pistol", "revolver", "rifle", "shotgun", "silencer",
    "stun-gun", "suppressor", "switchblade", "taser", "throwing-star", "tomahawk",
]
DRUG_TERMS = [
    "adderall", "cannabis", "cbd", "codeine", "cocaine", "ecstasy", "fentanyl", "hash",
    "heroin", "ketamine", "kratom", "lsd", "marijuana", "mdma", "mescaline", "methadone",
    "oxycodone", "oxycontin", "percocet", "psilocybin", "steroids", "thc", "tramadol",
    "vicodin", "weed", "xanax",
]
TOBACCO_TERMS = [
    "cigar", "cigarette", "cigarettes", "ecig", "e-liquid", "hookah", "juul", "nicotine",
    "snus", "tobacco", "vape", "vaping",
]
COUNTERFEIT_TERMS = [
    "aaa-grade", "bootleg", "counterfeit", "dupe", "fake", "first-copy", "inspired-by",
    "knockoff", "lookalike", "mirror-quality", "replica", "unbranded-designer",
]
WILDLIFE_TERMS = [
    "bearskin", "coral", "elephant-tusk", "fur-pelt", "ivory", "pangolin", "rhino-horn",
    "shark-fin", "tiger-bone", "tortoiseshell",
]
FINANCIAL_TERMS = [
    "bank-login", "carding", "cloned-card", "cvv", "dumps", "fullz", "gift-card-codes",
    "paypal-account", "ssn", "western-union",
]
RESTRICTED_TERMS = (
    WEAPON_TERMS + DRUG_TERMS + TOBACCO_TERMS + COUNTERFEIT_TERMS + WILDLIFE_TERMS
    + FINANCIAL_TERMS
)
# fmt: on
REVIEW_THRESHOLD = 1
REJECT_THRESHOLD = 3

_WORD_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Listing:
    listing_id: str
    title: str
    description: str
    tags: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    listing_id: str
    status: str
    hits: dict[str, int]


def tokenize(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def _listing_tokens(listing: Listing) -> list[str]:
    tokens = tokenize(listing.title) + tokenize(listing.description)
    for tag in listing.tags:
        tokens.extend(tokenize(tag.replace(" ", "-")))
    return tokens


def find_hits(listing: Listing) -> Counter[str]:
    hits: Counter[str] = Counter()
    for token in _listing_tokens(listing):
        if token in RESTRICTED_TERMS:
            hits[token] += 1
    return hits


def screen(listing: Listing) -> Verdict:
    hits = find_hits(listing)
    total = sum(hits.values())
    if total >= REJECT_THRESHOLD:
        status = "rejected"
    elif total >= REVIEW_THRESHOLD:
        status = "review"
    else:
        status = "approved"
    if status != "approved":
        log.info("listing %s -> %s (%d hits)", listing.listing_id, status, total)
    return Verdict(listing.listing_id, status, dict(sorted(hits.items())))


def screen_all(listings: list[Listing]) -> dict[str, list[str]]:
    buckets: dict[str, list[str]] = {"approved": [], "review": [], "rejected": []}
    for listing in listings:
        verdict = screen(listing)
        buckets[verdict.status].append(verdict.listing_id)
    return buckets
