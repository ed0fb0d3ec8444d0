"""Level meter for podcast episode uploads.

Reads 16-bit PCM WAV bytes, measures per-window RMS levels, the sample peak
and clipping, finds long silences (dead air), and decides whether an episode
needs normalising before it goes to the hosting platform.
"""

from __future__ import annotations

import math
import operator
import struct
from dataclasses import dataclass

SILENCE_DBFS = -50.0
CLIP_LEVEL = 32767
FULL_SCALE = 32768.0


class WavError(ValueError):
    pass


@dataclass(frozen=True)
class WavInfo:
    channels: int
    rate: int
    bits: int
    data_offset: int
    data_size: int


@dataclass
class LevelReport:
    duration_s: float
    peak_dbfs: float
    rms_dbfs: float
    clipped_samples: int
    windows_dbfs: list[float]
    silences: list[tuple[float, float]]

    @property
    def needs_normalising(self) -> bool:
        return self.clipped_samples > 0 or not (-20.0 <= self.rms_dbfs <= -14.0)


def parse_wav(blob: bytes) -> WavInfo:
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise WavError("not a RIFF/WAVE file")
    pos = 12
    fmt = None
    while pos + 8 <= len(blob):
        chunk_id, size = struct.unpack_from("<4sI", blob, pos)
        body = pos + 8
        if chunk_id == b"fmt ":
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", blob, body)
            if tag != 1 or bits != 16:
                raise WavError("only 16-bit PCM is supported")
            fmt = (channels, rate, bits)
        elif chunk_id == b"data":
            if fmt is None:
                raise WavError("data chunk before fmt chunk")
            size = min(size, len(blob) - body)
            return WavInfo(*fmt, data_offset=body, data_size=size)
        pos = body + size + (size & 1)
    raise WavError("no data chunk")


def to_dbfs(amplitude: float) -> float:
    if amplitude <= 0:
        return -math.inf
    return round(20 * math.log10(amplitude / FULL_SCALE), 2)


def read_samples(blob: bytes, info: WavInfo) -> list[int]:
    """Interleaved signed 16-bit samples of the data chunk."""
    samples = []
    end = info.data_offset + info.data_size - info.data_size % (2 * info.channels)
    for pos in range(info.data_offset, end, 2):
        samples.append(struct.unpack_from("<h", blob, pos)[0])
    return samples


def measure(blob: bytes, window_ms: int = 400) -> LevelReport:
    info = parse_wav(blob)
    samples = read_samples(blob, info)
    frames = len(samples) // info.channels
    step = max(1, info.rate * window_ms // 1000) * info.channels

    windows = []
    total_sq = 0
    for start in range(0, len(samples), step):
        chunk = samples[start : start + step]
        sq = sum(map(operator.mul, chunk, chunk))
        total_sq += sq
        windows.append(to_dbfs(math.sqrt(sq / len(chunk))))

    peak = max(max(samples, default=0), -min(samples, default=0))
    clipped = samples.count(CLIP_LEVEL) + samples.count(-CLIP_LEVEL - 1)
    rms = math.sqrt(total_sq / len(samples)) if samples else 0.0
    return LevelReport(
        duration_s=round(frames / info.rate, 3),
        peak_dbfs=to_dbfs(peak),
        rms_dbfs=to_dbfs(rms),
        clipped_samples=clipped,
        windows_dbfs=windows,
        silences=find_silences(windows, window_ms / 1000),
    )


def find_silences(
    windows: list[float], window_s: float, min_s: float = 2.0
) -> list[tuple[float, float]]:
    """(start, end) seconds of runs of quiet windows lasting at least ``min_s``."""
    gaps = []
    run_start = None
    for i, level in enumerate([*windows, 0.0]):
        if level < SILENCE_DBFS and i < len(windows):
            if run_start is None:
                run_start = i
        elif run_start is not None:
            if (i - run_start) * window_s >= min_s:
                gaps.append((round(run_start * window_s, 3), round(i * window_s, 3)))
            run_start = None
    return gaps
