"""idna: encode and decode internationalised host names, as an HTTP client does per request."""

import contextlib

from _driver import run, use_checkout

use_checkout()

import idna  # noqa: E402

HOSTS = [
    "bücher.example", "münchen.de", "xn--bcher-kva.example", "пример.испытание", "例え.テスト",
    "straße.de", "ñandú.com.ar", "παράδειγμα.δοκιμή", "mañana.example.org", "www.日本語.jp",
    "café.fr", "εκδοση.gr", "i❤.ws", "UPPER-ÇASE.Example",
]  # fmt: skip


def work() -> None:
    for host in HOSTS:
        try:
            encoded = idna.encode(host, uts46=True)
            idna.decode(encoded)
        except idna.IDNAError:
            pass
        for label in host.split("."):
            with contextlib.suppress(idna.IDNAError):
                idna.alabel(label.lower())


if __name__ == "__main__":
    run(work, bench_reps=300, module=idna)
