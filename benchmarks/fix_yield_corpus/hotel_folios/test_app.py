from datetime import date
from decimal import Decimal

from app import LINE_WIDTH, Charge, Folio, LedgerPrinter, night_audit, post_room_night


def _folio(number="F1", room="204", guest="Moreau, A."):
    return Folio(number, room, guest)


def test_room_night_posts_rate_and_taxes():
    folio = _folio()
    post_room_night(folio, Decimal("189.999"), [Charge("FB", Decimal("40.00"), "minibar")])
    post_room_night(folio, Decimal("100"), [Charge("PARK", Decimal("35.00"))])
    codes = [c.code for c in folio.charges]
    assert codes == ["ROOM", "TAX", "FB", "TAX", "ROOM", "TAX", "PARK"]
    assert folio.charges[0].amount == Decimal("190.00")
    assert folio.charges[1].amount == Decimal("27.55")
    assert folio.charges[3].amount == Decimal("3.40")
    assert folio.balance == Decimal("190.00") + Decimal("27.55") + Decimal("43.40") + Decimal(
        "114.50"
    ) + Decimal("35.00")


def test_negative_payment_is_not_taxed():
    folio = _folio()
    post_room_night(folio, Decimal("0"), [Charge("FB", Decimal("-20.00"), "comp")])
    assert [c.code for c in folio.charges] == ["ROOM", "FB"]


def test_ledger_layout_and_order():
    a, b = _folio("F2", "310", "Silva, B."), _folio("F1", "105", "Tanaka, C.")
    post_room_night(a, Decimal("150"), [])
    post_room_night(b, Decimal("1234.5"), [Charge("SPA", Decimal("80"), "massage")])
    text = night_audit([a, b], date(2026, 3, 14), "Test Inn")
    lines = text.splitlines()
    assert lines[0] == "Test Inn night audit 2026-03-14"
    assert lines[1] == "=" * LINE_WIDTH
    assert lines[2].startswith("Folio F1  Room 105")
    assert text.index("Room 105") < text.index("Room 310")
    assert "  Spa services (massage)" in text
    assert lines[3].endswith(" 1,234.50") and len(lines[3]) == LINE_WIDTH
    assert lines[-1].startswith("House total (2 folios)")
    assert lines[-1].endswith(f"{a.balance + b.balance:,.2f}")


def test_printer_can_be_reused():
    folio = _folio()
    post_room_night(folio, Decimal("99"), [])
    printer = LedgerPrinter(date(2026, 1, 1), "Inn")
    assert printer.render([folio]) == printer.render([folio])
    assert text_lines(printer.render([])) == 4


def text_lines(text: str) -> int:
    return len(text.splitlines())
