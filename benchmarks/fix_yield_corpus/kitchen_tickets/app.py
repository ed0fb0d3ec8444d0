"""Kitchen display routing for a restaurant's point of sale.

An order from the floor is split into one ticket per kitchen station (grill,
fry, garde manger, pastry, bar).  Each station has its own ticket template
(printer width, header lines, default cook time); tickets are filled from the
order, flagged for allergies/rush, and rendered as fixed-width text.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

STATION_TEMPLATES = {
    "grill": {
        "station": "GRILL",
        "items": [],
        "flags": {"allergy": [], "rush": False, "vip": False},
        "timing": {"cook_min": 12, "fire_at": None, "due_at": None},
        "printer": {"width": 32, "copies": 1, "header": ["*** GRILL ***"], "bold_mods": True},
        "bump": {"screen": "kds-1", "recall_window_s": 300},
    },
    "fry": {
        "station": "FRY",
        "items": [],
        "flags": {"allergy": [], "rush": False, "vip": False},
        "timing": {"cook_min": 6, "fire_at": None, "due_at": None},
        "printer": {"width": 32, "copies": 1, "header": ["*** FRY ***"], "bold_mods": False},
        "bump": {"screen": "kds-2", "recall_window_s": 120},
    },
    "garde": {
        "station": "GARDE MANGER",
        "items": [],
        "flags": {"allergy": [], "rush": False, "vip": False},
        "timing": {"cook_min": 4, "fire_at": None, "due_at": None},
        "printer": {"width": 40, "copies": 1, "header": ["COLD LINE", "-" * 9], "bold_mods": True},
        "bump": {"screen": "kds-3", "recall_window_s": 300},
    },
    "pastry": {
        "station": "PASTRY",
        "items": [],
        "flags": {"allergy": [], "rush": False, "vip": False},
        "timing": {"cook_min": 8, "fire_at": None, "due_at": None},
        "printer": {"width": 40, "copies": 2, "header": ["PASTRY"], "bold_mods": False},
        "bump": {"screen": "kds-4", "recall_window_s": 600},
    },
}

MENU_STATION = {
    "ribeye": "grill",
    "burger": "grill",
    "salmon": "grill",
    "chicken": "grill",
    "fries": "fry",
    "calamari": "fry",
    "wings": "fry",
    "caesar": "garde",
    "tartare": "garde",
    "oysters": "garde",
    "tart": "pastry",
    "sundae": "pastry",
    "souffle": "pastry",
}


@dataclass
class OrderLine:
    item: str
    qty: int = 1
    mods: list[str] = field(default_factory=list)
    seat: int = 0
    allergens: list[str] = field(default_factory=list)


@dataclass
class Order:
    check: int
    table: str
    placed_min: int  # minutes since open
    lines: list[OrderLine]
    vip: bool = False
    rush: bool = False


def new_ticket(station: str) -> dict:
    return copy.deepcopy(STATION_TEMPLATES[station])


def route(order: Order) -> list[dict]:
    tickets: dict[str, dict] = {}
    for line in order.lines:
        station = MENU_STATION.get(line.item)
        if station is None:
            raise KeyError(f"{line.item!r} is not on the menu")
        ticket = tickets.get(station)
        if ticket is None:
            ticket = new_ticket(station)
            ticket["check"] = order.check
            ticket["table"] = order.table
            ticket["flags"]["vip"] = order.vip
            ticket["flags"]["rush"] = order.rush
            tickets[station] = ticket
        ticket["items"].append(
            {"item": line.item, "qty": line.qty, "mods": list(line.mods), "seat": line.seat}
        )
        for allergen in line.allergens:
            if allergen not in ticket["flags"]["allergy"]:
                ticket["flags"]["allergy"].append(allergen)
    # the slowest station fires first; everything is due together
    longest = max(t["timing"]["cook_min"] for t in tickets.values())
    due = order.placed_min + longest - (3 if order.rush else 0)
    for ticket in tickets.values():
        timing = ticket["timing"]
        timing["due_at"] = due
        timing["fire_at"] = max(order.placed_min, due - timing["cook_min"])
        if ticket["flags"]["allergy"]:
            ticket["printer"]["copies"] += 1  # one copy goes to the expo
    return sorted(tickets.values(), key=lambda t: (t["timing"]["fire_at"], t["station"]))


def clock(minutes: int) -> str:
    return f"{17 + minutes // 60:02d}:{minutes % 60:02d}"


def render(ticket: dict) -> str:
    width = ticket["printer"]["width"]
    out = [h.center(width) for h in ticket["printer"]["header"]]
    out.append(
        f"T{ticket['table']} #{ticket['check']}".ljust(width - 11)
        + f"FIRE {clock(ticket['timing']['fire_at'])}"
    )
    flags = ticket["flags"]
    if flags["rush"] or flags["vip"]:
        out.append(
            " ".join(
                f for f in ("RUSH" if flags["rush"] else "", "VIP" if flags["vip"] else "") if f
            )
        )
    if flags["allergy"]:
        out.append(("!! ALLERGY: " + ", ".join(flags["allergy"]).upper())[:width])
    for entry in ticket["items"]:
        out.append(
            f"{entry['qty']} x {entry['item']}".ljust(width - 4) + f"s{entry['seat']}".rjust(4)
        )
        for mod in entry["mods"]:
            out.append(("  ** " if ticket["printer"]["bold_mods"] else "  - ") + mod)
    out.append(f"DUE {clock(ticket['timing']['due_at'])}".rjust(width))
    return "\n".join(out)


def service(orders: list[Order]) -> dict[str, list[str]]:
    """Rendered tickets per KDS screen, in fire order within each screen."""
    screens: dict[str, list[tuple[int, str]]] = {}
    for order in orders:
        for ticket in route(order):
            for _ in range(ticket["printer"]["copies"]):
                screens.setdefault(ticket["bump"]["screen"], []).append(
                    (ticket["timing"]["fire_at"], render(ticket))
                )
    return {
        screen: [text for _, text in sorted(items, key=lambda p: p[0])]
        for screen, items in sorted(screens.items())
    }
