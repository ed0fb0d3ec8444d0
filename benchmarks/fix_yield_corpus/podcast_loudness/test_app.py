import math
import struct

import pytest
from app import LevelReport, WavError, find_silences, measure, parse_wav, read_samples, to_dbfs


def make_wav(samples, channels=1, rate=1000, extra_chunk=b""):
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if extra_chunk:
        body += b"note" + struct.pack("<I", len(extra_chunk)) + extra_chunk
        if len(extra_chunk) % 2:
            body += b"\x00"
    body += b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_parse_wav_skips_odd_chunk():
    blob = make_wav([1, 2, 3], channels=1, rate=8000, extra_chunk=b"abc")
    info = parse_wav(blob)
    assert (info.channels, info.rate, info.bits, info.data_size) == (1, 8000, 16, 6)
    assert blob[info.data_offset : info.data_offset + 2] == struct.pack("<h", 1)


def test_parse_wav_rejects_bad_input():
    with pytest.raises(WavError):
        parse_wav(b"RIFX0000WAVE")
    eight_bit = make_wav([0]).replace(struct.pack("<HH", 2, 16), struct.pack("<HH", 2, 8))
    with pytest.raises(WavError):
        parse_wav(eight_bit)


def test_read_samples_signed_and_truncated_frame():
    blob = make_wav([0, -1, 32767, -32768, 1234, -4321, 7])
    info = parse_wav(blob)
    assert read_samples(blob, info) == [0, -1, 32767, -32768, 1234, -4321, 7]
    stereo = make_wav([5, -5, 6, -6, 9], channels=2)
    assert read_samples(stereo, parse_wav(stereo)) == [5, -5, 6, -6]


def test_to_dbfs():
    assert to_dbfs(32768) == 0.0
    assert to_dbfs(16384) == -6.02
    assert to_dbfs(0) == -math.inf


def test_measure_levels_and_clipping():
    samples = [16384, -16384] * 500 + [32767, -32768, 100, -100] * 50
    report = measure(make_wav(samples, rate=1000), window_ms=100)
    assert report.duration_s == 1.2
    assert report.peak_dbfs == 0.0
    assert report.clipped_samples == 100
    assert len(report.windows_dbfs) == 12
    assert report.windows_dbfs[0] == -6.02
    assert report.rms_dbfs == to_dbfs(
        math.sqrt((1000 * 16384**2 + 50 * (32767**2 + 32768**2 + 20000)) / 1200)
    )
    assert report.needs_normalising


def test_measure_stereo_windows_and_silence():
    quiet = [3, -3] * 2500  # 2.5 s of near silence (stereo frames)
    loud = [8000, -8000] * 500  # 0.5 s
    report = measure(make_wav(loud + quiet + loud, channels=2, rate=1000), window_ms=500)
    assert report.duration_s == 3.5
    assert report.silences == [(0.5, 3.0)]
    assert report.windows_dbfs[0] == to_dbfs(8000)
    assert report.clipped_samples == 0


def test_find_silences_minimum_and_trailing():
    w = [-10, -60, -60, -10, -60, -60, -60, -60, -60]
    assert find_silences(w, 0.5) == [(2.0, 4.5)]
    assert find_silences(w, 1.0) == [(1.0, 3.0), (4.0, 9.0)]


def test_needs_normalising_range():
    ok = LevelReport(1.0, -3.0, -16.0, 0, [], [])
    assert not ok.needs_normalising
    assert LevelReport(1.0, -3.0, -24.0, 0, [], []).needs_normalising
