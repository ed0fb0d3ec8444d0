import copy

import app
import pytest
from app import Order, OrderLine, clock, new_ticket, render, route, service

PRISTINE = copy.deepcopy(app.STATION_TEMPLATES)


def order(check=1, lines=None, **kw):
    lines = lines or [
        OrderLine("ribeye", seat=1),
        OrderLine("fries", seat=1),
        OrderLine("caesar", seat=2),
    ]
    return Order(check, "12", 30, lines, **kw)


def test_new_ticket_matches_template():
    assert new_ticket("fry") == PRISTINE["fry"]
    with pytest.raises(KeyError):
        new_ticket("sushi")


def test_route_splits_and_times():
    tickets = route(order())
    assert [t["station"] for t in tickets] == ["GRILL", "FRY", "GARDE MANGER"]
    assert [(t["timing"]["fire_at"], t["timing"]["due_at"]) for t in tickets] == [
        (30, 42),
        (36, 42),
        (38, 42),
    ]
    assert tickets[0]["check"] == 1 and tickets[0]["table"] == "12"
    assert tickets[1]["items"] == [{"item": "fries", "qty": 1, "mods": [], "seat": 1}]


def test_rush_shortens_due_but_not_before_placed():
    tickets = route(order(rush=True, vip=True))
    assert [(t["timing"]["fire_at"], t["timing"]["due_at"]) for t in tickets] == [
        (30, 39),
        (33, 39),
        (35, 39),
    ]
    assert all(t["flags"]["rush"] and t["flags"]["vip"] for t in tickets)


def test_allergies_deduplicated_and_extra_copy():
    lines = [
        OrderLine("calamari", allergens=["shellfish"]),
        OrderLine("wings", allergens=["shellfish", "gluten"]),
    ]
    (ticket,) = route(order(lines=lines))
    assert ticket["flags"]["allergy"] == ["shellfish", "gluten"]
    assert ticket["printer"]["copies"] == 2


def test_tickets_independent_and_templates_untouched():
    first = route(order(1, [OrderLine("tart", mods=["no nuts"], allergens=["peanut"])]))
    second = route(order(2, [OrderLine("sundae")]))
    assert [e["item"] for e in second[0]["items"]] == ["sundae"]
    assert second[0]["flags"]["allergy"] == []
    assert second[0]["printer"]["copies"] == 2
    assert first[0]["printer"]["copies"] == 3
    first[0]["printer"]["header"].append("changed")
    assert app.STATION_TEMPLATES == PRISTINE


def test_unknown_item():
    with pytest.raises(KeyError):
        route(order(lines=[OrderLine("pizza")]))


def test_render_exact():
    lines = [OrderLine("burger", qty=2, mods=["med rare"], seat=3, allergens=["dairy"])]
    (ticket,) = route(Order(7, "4", 65, lines, rush=True))
    assert render(ticket) == "\n".join(
        [
            "         *** GRILL ***          ",
            "T4 #7                FIRE 18:05",
            "RUSH",
            "!! ALLERGY: DAIRY",
            "2 x burger                    s3",
            "  ** med rare",
            "                       DUE 18:14",
        ]
    )
    assert clock(0) == "17:00"


def test_service_groups_by_screen_in_fire_order():
    orders = [order(1), Order(2, "5", 10, [OrderLine("oysters", allergens=["shellfish"])])]
    screens = service(orders)
    assert sorted(screens) == ["kds-1", "kds-2", "kds-3"]
    assert len(screens["kds-3"]) == 3  # order 2 twice (allergy copy), order 1 once
    assert screens["kds-3"][0].splitlines()[2].startswith("T5 #2")
    assert screens["kds-3"][2].splitlines()[2].startswith("T12 #1")
    assert app.STATION_TEMPLATES == PRISTINE
