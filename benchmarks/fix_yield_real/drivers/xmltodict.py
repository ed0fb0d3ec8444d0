"""xmltodict: turn XML feeds into dicts and back, as an integration service does."""

import random

from _driver import run, use_checkout

use_checkout()

import xmltodict  # noqa: E402

rng = random.Random(2)
ITEMS = "".join(
    f'<item id="{i}" lang="en"><title>Release {i} &amp; notes</title>'
    f'<price currency="EUR">{rng.uniform(1, 99):.2f}</price>'
    f"<tags><tag>a</tag><tag>b{i % 5}</tag></tags><empty/></item>"
    for i in range(200)
)
FEED = f'<?xml version="1.0"?><feed xmlns:x="urn:x"><x:meta>m</x:meta>{ITEMS}</feed>'
DOC = xmltodict.parse(FEED)


def work() -> None:
    xmltodict.parse(FEED)
    xmltodict.parse(FEED, process_namespaces=True, force_list=("tag",))
    xmltodict.unparse(DOC, pretty=True)


if __name__ == "__main__":
    run(work, bench_reps=30, module=xmltodict)
