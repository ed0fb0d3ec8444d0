from __future__ import annotations

from app import Carton, CheckDigit, LabelRenderer, Pallet, ZplWriter


def _pallet(serial: int = 1) -> Pallet:
    p = Pallet("0614141", serial, "DC 01")
    p.add(Carton("00614141000012", "Blue widget", 12)).add(
        Carton("00614141000029", "Red^gadget", 3)
    )
    return p


def test_check_digit_known_value():
    assert CheckDigit.compute("00614141123456789") == 0
    assert CheckDigit.compute("0061414100000000") == 7


def test_sscc_is_18_digits_with_valid_check():
    sscc = _pallet(42).sscc
    assert len(sscc) == 18
    assert sscc.startswith("00614141")
    assert CheckDigit.compute(sscc[:-1]) == int(sscc[-1])


def test_single_label_exact_output():
    out = LabelRenderer("ACME").render_batch([_pallet(7)])
    sscc = _pallet(7).sscc
    assert out.splitlines() == [
        "^XA",
        "^PW812",
        "^FO40,40^A0N,28,28^FDFROM: ACME^FS",
        "^FO40,76^A0N,28,28^FDTO: DC 01^FS",
        f"^FO40,112^A0N,34,34^FDSSCC (00) {sscc}^FS",
        "^FO40,154^A0N,20,20^FD00614141000012 Blue widget x12^FS",
        "^FO40,182^A0N,20,20^FD00614141000029 Red gadget x3^FS",
        "^FO40,210^A0N,28,28^FDUNITS 15  CARTONS 2^FS",
        f"^FO40,246^BY3^BCN,120,Y,N,N^FD>;00{sscc}^FS",
        "^XZ",
    ]
    assert out.endswith("^XZ\n")


def test_batch_has_one_label_per_pallet_in_order():
    pallets = [_pallet(i) for i in range(1, 6)]
    out = LabelRenderer("ACME").render_batch(pallets)
    assert out.count("^XA") == 5 and out.count("^XZ") == 5
    positions = [out.index(p.sscc) for p in pallets]
    assert positions == sorted(positions)


def test_empty_batch_renders_nothing():
    assert LabelRenderer("ACME").render_batch([]) == ""


def test_description_truncated_to_30_chars():
    p = Pallet("0614141", 3, "X").add(Carton("1", "x" * 50, 1))
    out = LabelRenderer("S").render_batch([p])
    assert "^FD1 " + "x" * 30 + " x1^FS" in out


def test_writer_dpi_sets_print_width():
    w = ZplWriter(dpi=300)
    LabelRenderer("S", writer=w).render_batch([_pallet()])
    assert "^PW1200\n" in w.getvalue()
