"""webcolors: normalise and convert the colours of a stylesheet or theme file."""

import contextlib

from _driver import run, use_checkout

use_checkout("src")

import webcolors  # noqa: E402

NAMES = ["navy", "tomato", "darkorange", "gold", "teal", "salmon", "slategray", "ivory"]
HEXES = [f"#{(i * 2654435761) % 0xFFFFFF:06X}" for i in range(200)] + ["#fff", "#0aC", "#123"]


def work() -> None:
    for h in HEXES:
        rgb = webcolors.hex_to_rgb(h)
        webcolors.rgb_to_hex(rgb)
        webcolors.rgb_to_rgb_percent(rgb)
        webcolors.normalize_hex(h)
        with contextlib.suppress(ValueError):
            webcolors.hex_to_name(h)
    for name in NAMES:
        webcolors.name_to_rgb(name)
        webcolors.name_to_hex(name, spec=webcolors.CSS3)


if __name__ == "__main__":
    run(work, bench_reps=250, module=webcolors)
