import logging

import pytest
from app import ControlLists, OrderLine, Screening, Verdict, held_orders, screen_orders

DUAL_USE = """\
# compliance list 2024-Q3
8471.30   # portable computers
8526.91
9013.10  # telescopic sights
"""
DENIED = "Acme Rockets Ltd.\nGlobal Widgets, Inc\n\n"


@pytest.fixture
def lists():
    return ControlLists("kp, IR ,sy", DUAL_USE, DENIED, licence_threshold=10000.0)


def line(**kw):
    base = dict(
        order_id="SO-1",
        sku="SKU-1",
        hs_code="8517.62.00",
        country="DE",
        consignee="Nice Buyer GmbH",
        value_eur=500.0,
    )
    base.update(kw)
    return OrderLine(**base)


def test_plain_line_is_released(lists):
    assert lists.screen(line()) == Screening("SO-1", "SKU-1", Verdict.RELEASE, ())


def test_embargoed_destination_blocks(lists):
    s = lists.screen(line(country="ir"))
    assert s.verdict is Verdict.BLOCK
    assert s.reasons == ("destination IR is embargoed",)


def test_denied_party_matching_ignores_suffix_and_punctuation(lists):
    s = lists.screen(line(consignee="ACME rockets, LTD"))
    assert s.verdict is Verdict.BLOCK
    assert s.reasons == ("consignee on denied-party list",)
    assert lists.screen(line(consignee="Acme Rocketry Ltd")).verdict is Verdict.RELEASE


def test_dual_use_needs_licence(lists):
    s = lists.screen(line(hs_code="8471.30.01"))
    assert s.verdict is Verdict.LICENCE
    assert s.reasons == ("HS 847130 is dual-use",)


def test_block_wins_over_dual_use(lists):
    s = lists.screen(line(hs_code="9013.10.00", country="SY"))
    assert s.verdict is Verdict.BLOCK
    assert s.reasons == ("destination SY is embargoed", "HS 901310 is dual-use")


def test_value_threshold(lists):
    s = lists.screen(line(value_eur=10000.0))
    assert s.verdict is Verdict.LICENCE
    assert s.reasons == ("value 10000.00 EUR over threshold",)
    assert lists.screen(line(value_eur=20000.0, country="KP")).reasons == (
        "destination KP is embargoed",
    )


def test_screen_orders_groups_and_logs(lists, caplog):
    lines = [
        line(order_id="SO-1"),
        line(order_id="SO-2", country="KP"),
        line(order_id="SO-3", hs_code="8526.91.10"),
        line(order_id="SO-2", sku="SKU-2"),
        line(order_id="SO-3", sku="SKU-9", consignee="Global Widgets Inc"),
    ]
    with caplog.at_level(logging.INFO):
        result = screen_orders(lists, lines)
    assert [s.order_id for s in result[Verdict.RELEASE]] == ["SO-1", "SO-2"]
    assert [s.order_id for s in result[Verdict.BLOCK]] == ["SO-2", "SO-3"]
    assert held_orders(result) == ["SO-2", "SO-3"]
    assert caplog.messages == ["screened 5 lines: 2 released, 1 need licence, 2 blocked"]


def test_empty_batch(lists):
    result = screen_orders(lists, [])
    assert all(v == [] for v in result.values())
    assert held_orders(result) == []
