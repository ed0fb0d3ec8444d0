"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Rendition, Segment, render_asset


def make_input() -> tuple[list[Rendition], list[Segment]]:
    renditions = [
        Rendition("360p", 800_000, "640x360", "avc1.4d401e,mp4a.40.2"),
        Rendition("720p", 2_800_000, "1280x720", "avc1.4d401f,mp4a.40.2"),
        Rendition("1080p", 5_000_000, "1920x1080", "avc1.640028,mp4a.40.2"),
    ]
    segments = [
        Segment(
            f"seg_{i:05d}.ts",
            6.0 if i % 50 else 4.8,
            discontinuity=i % 400 == 0 and i > 0,
            byte_range=(180_000 + (i * 977) % 50_000, i * 200_000) if i % 3 == 0 else None,
        )
        for i in range(1000)
    ]
    return renditions, segments


def run(data: tuple[list[Rendition], list[Segment]]) -> object:
    renditions, segments = data
    return render_asset("https://cdn.example.net/vod", "asset-8812", renditions, segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
