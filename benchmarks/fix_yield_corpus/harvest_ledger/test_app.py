from datetime import date

from app import (
    HarvestReportWriter,
    WeighTicket,
    brix_adjustment,
    crush_report,
    net_kg,
    ticket_value,
)

TICKETS = [
    WeighTicket("WT3", date(2024, 9, 2), "B1", "Merlot", 9000.0, 2000.0, 23.0, 1.0),
    WeighTicket("WT1", date(2024, 9, 1), "A2", "Pinot Noir", 8000.0, 2200.0, 18.4, 4.0),
    WeighTicket("WT2", date(2024, 9, 1), "A2", "Chardonnay", 7000.0, 2100.0, 25.0, 0.0),
]

EXPECTED = (
    "OAK HOLLOW - VINTAGE 2024 CRUSH LEDGER\n" + "-" * 78 + "\n"
    "TICKET    DATE        VARIETY                 NET KG   BRIX       VALUE\n" + "-" * 78 + "\n"
    "BLOCK A2\n"
    "WT1       2024-09-01  Pinot Noir              5568.0   18.4   14,454.21 *\n"
    "WT2       2024-09-01  Chardonnay              4900.0   25.0    7,885.93\n"
    "          block A2 (2 loads)                 10468.0          22,340.14\n"
    "\n"
    "BLOCK B1\n"
    "WT3       2024-09-02  Merlot                  6930.0   23.0   12,413.40\n"
    "          block B1 (1 loads)                  6930.0          12,413.40\n"
    "\n" + "-" * 78 + "\n"
    "TOTAL                                        17398.0          34,753.54\n"
    "3 tickets; * = MOG above 3%\n"
)


def test_net_kg_removes_tare_and_mog():
    assert net_kg(TICKETS[1]) == 5568.0
    assert net_kg(TICKETS[0]) == 6930.0


def test_net_kg_never_negative():
    t = WeighTicket("X", date(2024, 9, 1), "A1", "Merlot", 1000.0, 2000.0, 22.0, 0.0)
    assert net_kg(t) == 0.0


def test_brix_adjustment_bands():
    cases = [(18.9, -45.0), (19.0, 0.0), (22.0, 25.0), (24.49, 25.0), (24.5, 10.0), (120.0, 0.0)]
    assert [brix_adjustment(b) for b, _ in cases] == [a for _, a in cases]


def test_ticket_value():
    assert ticket_value(TICKETS[0]) == 12413.4
    assert ticket_value(TICKETS[1]) == 14454.21


def test_unknown_variety_uses_default_price():
    t = WeighTicket("X", date(2024, 9, 1), "A1", "Petit Verdot", 2907.185, 2000.0, 20.0, 0.0)
    assert ticket_value(t) == 1000.02


def test_crush_report_exact_text():
    assert crush_report(TICKETS, 2024, "Oak Hollow") == EXPECTED


def test_report_is_sorted_by_block_date_ticket():
    text = crush_report(list(reversed(TICKETS)), 2024, "Oak Hollow")
    assert text == EXPECTED


def test_writer_resets_between_writes():
    w = HarvestReportWriter(2023, "Test")
    first = w.write(TICKETS[:1])
    second = w.write(TICKETS[:1])
    assert first == second
    assert w.tickets_written == 1
    assert first.endswith("1 tickets; * = MOG above 3%\n")


def test_empty_report():
    text = crush_report([], 2024, "Oak Hollow")
    assert (
        text.splitlines()[-2]
        == "TOTAL                                            0.0               0.00"
    )
    assert text.count("\n") == 7
