import struct

import pytest
from app import HEADER, BlockError, channel_summary, decode_block

PM = struct.Struct(">IHHHhhhiihHB")
FX = struct.Struct("<IfhHB")


def _pm_row(ts, v1, amps, kw, quality=0xC0):
    return (ts, v1, 2300, 2300, amps, 0, 0, kw, 0, 950, 5000, quality)


def _pm_block(unit, rows):
    return HEADER.pack(unit, 1, len(rows)) + b"".join(PM.pack(*row) for row in rows)


def _fx_block(unit, rows):
    return HEADER.pack(unit, 2, len(rows)) + b"".join(FX.pack(*row) for row in rows)


def test_decode_block_keeps_good_quality_records():
    good = _pm_row(100, 2301, -150, 45000)
    block = _pm_block(12, [good, _pm_row(160, 2310, 20, 1000, quality=0x40)])
    log = decode_block(block)
    assert (log.unit_id, log.model) == (12, "PM-210")
    assert log.records == [good]
    assert log.bad_quality == 1


def test_truncated_and_unknown_blocks_rejected():
    block = _fx_block(3, [(1, 2.5, 10, 100, 0xC0)])
    assert decode_block(block).records == [(1, 2.5, 10, 100, 0xC0)]
    with pytest.raises(BlockError, match="1 records of 13 bytes run past the 17-byte block"):
        decode_block(block[:-1])
    with pytest.raises(BlockError, match="unknown model code 9"):
        decode_block(HEADER.pack(1, 9, 0))
    with pytest.raises(BlockError, match="shorter than its header"):
        decode_block(b"\x00")


def test_channel_summary_scales_and_combines_blocks():
    blocks = [
        _pm_block(1, [_pm_row(1, 2300, -150, 45000), _pm_row(2, 2400, 50, 1000)]),
        _pm_block(2, [_pm_row(1, 2200, 0, 2000, quality=0xFF)]),
        _fx_block(3, [(1, 12.5, -35, 150, 0xC0), (2, 7.5, 20, 250, 0x00)]),
        _pm_block(4, [_pm_row(1, 2200, 0, 0, quality=0x00)]),
        b"\x00\x01\x01\x00\x05",
    ]
    s = channel_summary(blocks)
    pm = s["channels"]["PM-210"]
    assert pm["voltage_l1"] == (220.0, 240.0, round((2300 + 2400 + 2200) * 0.1 / 3, 4))
    assert pm["current_l1"] == (-1.5, 0.5, round(-100 * 0.01 / 3, 4))
    assert pm["power_kw"][1] == 45.0
    assert pm["power_factor"] == (0.95, 0.95, 0.95)
    assert pm["frequency"] == (50.0, 50.0, 50.0)
    fx = s["channels"]["FX-9"]
    assert fx == {
        "flow_rate": (12.5, 12.5, 12.5),
        "temperature": (-3.5, -3.5, -3.5),
        "pressure": (1.5, 1.5, 1.5),
    }
    assert s["bad_quality"] == 2
    assert len(s["rejected"]) == 1 and "run past" in s["rejected"][0]
