from __future__ import annotations

from app import Hold, HoldRegistry, Transfer, TransferScreen, screen_batch


def _t(ref: str, src: str, dst: str, cents: int, cur: str = "EUR") -> Transfer:
    return Transfer(ref, src, dst, cents, cur)


def test_clean_transfers_are_accepted() -> None:
    res = screen_batch([_t("r1", "A", "B", 100), _t("r2", "B", "C", 250)], [])
    assert [t.ref for t in res.accepted] == ["r1", "r2"]
    assert res.rejected == []
    assert res.accepted_total == 350
    assert res.posted_cents == {"A": 100, "B": 250}


def test_freeze_blocks_both_directions() -> None:
    holds = [Hold("F", "freeze")]
    res = screen_batch([_t("r1", "F", "B", 10), _t("r2", "A", "F", 10)], holds)
    assert [(t.ref, why) for t, why in res.rejected] == [
        ("r1", "source on hold"),
        ("r2", "destination on hold"),
    ]


def test_debit_and_credit_blocks_are_one_sided() -> None:
    holds = [Hold("D", "debit_block"), Hold("C", "credit_block")]
    res = screen_batch(
        [
            _t("r1", "D", "X", 5),
            _t("r2", "X", "D", 5),
            _t("r3", "C", "X", 5),
            _t("r4", "X", "C", 5),
        ],
        holds,
    )
    assert [t.ref for t in res.accepted] == ["r2", "r3"]
    assert dict((t.ref, why) for t, why in res.rejected) == {
        "r1": "source on hold",
        "r4": "destination on hold",
    }


def test_daily_limit_is_cumulative_per_source() -> None:
    res = screen_batch(
        [_t("r1", "A", "B", 300), _t("r2", "A", "C", 300), _t("r3", "B", "C", 300)],
        [],
        daily_limit_cents=500,
    )
    assert [t.ref for t in res.accepted] == ["r1", "r3"]
    assert res.rejected[0][1] == "daily limit exceeded"
    assert res.posted_cents == {"A": 300, "B": 300}


def test_basic_validation_reasons() -> None:
    res = screen_batch(
        [_t("r1", "A", "B", 0), _t("r2", "A", "B", 5, "JPY"), _t("r3", "A", "A", 5)], []
    )
    assert [why for _, why in res.rejected] == [
        "non-positive amount",
        "unsupported currency",
        "self transfer",
    ]


def test_registry_filters_by_kind() -> None:
    reg = HoldRegistry([Hold("A", "freeze"), Hold("B", "debit_block"), Hold("C", "credit_block")])
    assert len(reg) == 3
    assert reg.accounts_with(("debit_block",)) == ["B"]
    screen = TransferScreen(reg, 1_000)
    res = screen.screen([_t("r1", "B", "C", 1), _t("r2", "C", "B", 1)])
    assert [t.ref for t in res.accepted] == ["r2"]
