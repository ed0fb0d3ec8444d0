from app import Booking, Deck, GateScan, Lane, board, loading_summary, normalise_plate

S = "DOV-CAL-0900"


def _decks():
    return [
        Deck("CAR", 2, 11.0, frozenset({Lane.CAR})),
        Deck("MAIN", 1, 40.0, frozenset({Lane.FREIGHT, Lane.VAN, Lane.CAR})),
    ]


def _bookings(*rows):
    return {b.ref: b for b in rows}


def test_plate_normalisation():
    assert normalise_plate("ab12 cde") == "AB12CDE"
    assert normalise_plate("AB-12-CDE") == normalise_plate("AB12CDE")


def test_deck_places_in_least_used_lane_and_respects_length():
    deck = Deck("D", 3, 10.0, frozenset({Lane.CAR}))
    assert [deck.place(5.5) for _ in range(3)] == [0, 1, 2]
    assert deck.place(5.5) is None
    assert deck.place(4.5) == 0 and deck.used_m == [10.0, 5.5, 5.5]


def test_boarding_flow_and_refusal_reasons():
    bookings = _bookings(
        Booking("A", S, Lane.CAR, 2, "AB12 CDE"),
        Booking("B", S, Lane.FOOT, 1),
        Booking("C", "DOV-CAL-1300", Lane.CAR, 1, "XY99 ZZZ"),
        Booking("D", S, Lane.VAN, 3, "VN11 AAA"),
        Booking("E", S, Lane.CAR, 1, "EE11 EEE"),
    )
    scans = [
        GateScan("A", "ab12-cde", 10, 2),
        GateScan("B", "", 11, 1),
        GateScan("A", "AB12 CDE", 12, 2),
        GateScan("C", "XY99 ZZZ", 13, 1),
        GateScan("D", "VN11 AAA", 14, 4),
        GateScan("E", "QQ00 QQQ", 15, 1),
        GateScan("Z", "", 9, 1),
    ]
    result = board(S, bookings, list(reversed(scans)), _decks(), max_passengers=100)
    assert result.boarded == [("A", "CAR", 0), ("B", "FOOT", -1)]
    assert result.passengers == 3
    assert result.refused == {
        "no booking for this sailing": ["Z", "C"],
        "already checked in": ["A"],
        "more passengers than booked": ["D"],
        "plate mismatch": ["E"],
    }


def test_refused_scan_can_retry_and_capacity_limits():
    bookings = _bookings(*(Booking(f"R{i}", S, Lane.CAR, 2, f"P{i}") for i in range(6)))
    scans = [GateScan("R0", "WRONG", 1, 2)] + [
        GateScan(f"R{i}", f"P{i}", 10 + i, 2) for i in range(6)
    ]
    result = board(S, bookings, scans, _decks(), max_passengers=9)
    assert [r for r, _, _ in result.boarded] == ["R0", "R1", "R2", "R3"]
    assert [d for _, d, _ in result.boarded] == ["CAR", "CAR", "CAR", "CAR"]
    assert result.refused == {"plate mismatch": ["R0"], "passenger certificate full": ["R4", "R5"]}
    result = board(S, bookings, scans, _decks(), max_passengers=100)
    assert [d for _, d, _ in result.boarded] == ["CAR"] * 4 + ["MAIN", "MAIN"]


def test_hazmat_only_on_its_deck():
    bookings = _bookings(
        Booking("H1", S, Lane.FREIGHT, 1, "HZ1", hazmat_class="3"),
        Booking("H2", S, Lane.FREIGHT, 1, "HZ2", hazmat_class="8"),
        Booking("F1", S, Lane.FREIGHT, 1, "FR1"),
    )
    scans = [GateScan(r, b.plate, i, 1) for i, (r, b) in enumerate(bookings.items())]
    decks = [
        Deck("UPPER", 1, 100.0, frozenset({Lane.FREIGHT})),
        Deck("MAIN", 1, 20.0, frozenset({Lane.FREIGHT})),
    ]
    result = board(S, bookings, scans, decks, max_passengers=10, hazmat_deck="MAIN")
    assert result.boarded == [("H1", "MAIN", 0), ("F1", "UPPER", 0)]
    assert result.refused == {"no deck space": ["H2"]}


def test_loading_summary():
    bookings = _bookings(
        Booking("A", S, Lane.CAR, 2, "A1"),
        Booking("B", S, Lane.FOOT, 3),
        Booking("V", S, Lane.VAN, 1, "V1"),
    )
    scans = [
        GateScan("A", "A1", 1, 2),
        GateScan("B", "", 2, 3),
        GateScan("V", "V1", 3, 1),
        GateScan("A", "A1", 4, 2),
    ]
    decks = _decks()
    summary = loading_summary(board(S, bookings, scans, decks, max_passengers=50), decks)
    assert summary == {
        "boarded": 3,
        "passengers": 6,
        "refused": {"already checked in": 1},
        "per_deck": {"CAR": 1, "FOOT": 1, "MAIN": 1},
        "fill": {"CAR": 0.25, "MAIN": 0.175},
    }
