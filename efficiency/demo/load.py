"""A steady load on the demo's front door: ``python -m efficiency.demo.load URL RATE``.

Open loop, as real users are: request ``n`` is sent at ``n / RATE`` seconds whatever the
answers to earlier ones, each from its own thread, so a slow service gets a queue instead of
fewer requests (a closed loop would hide the slowdown the alerts are about). Request ``n``
asks for order ``n``: the same sequence run after run. At most ``MAX_IN_FLIGHT`` requests
wait at once, as a client's connection pool allows; a tick that finds them all busy is
skipped, so an overloaded service sees a bounded queue rather than thousands of threads.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import urllib.request

#: requests per second the demo drives storefront with
RATE = 10.0
MAX_IN_FLIGHT = 8


def _get(url: str, slots: threading.BoundedSemaphore) -> None:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            reply.read()
    except OSError:
        pass  # the service counts its own errors; a load generator only offers load
    finally:
        slots.release()


def drive(url: str, rate: float) -> None:
    """Send ``GET url?order=n`` at ``rate`` per second until SIGTERM."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    slots = threading.BoundedSemaphore(MAX_IN_FLIGHT)
    began, n = time.monotonic(), 0
    while not stopping.is_set():
        if slots.acquire(blocking=False):
            threading.Thread(target=_get, args=(f"{url}?order={n}", slots), daemon=True).start()
        n += 1
        stopping.wait(max(0.0, began + n / rate - time.monotonic()))


def start_load(url: str, rate: float = RATE) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "efficiency.demo.load", url, str(rate)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    drive(sys.argv[1], float(sys.argv[2]))
