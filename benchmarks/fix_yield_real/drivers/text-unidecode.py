"""text-unidecode: transliterate user-supplied names and titles to ASCII (slugs, search)."""

from _driver import run, use_checkout

use_checkout("src")

import text_unidecode  # noqa: E402

TITLES = [
    "Ærøskøbing — façade & naïve café", "Пётр Ильич Чайковский: Щелкунчик",
    "東京都渋谷区 神南一丁目",
    "Ελληνική Δημοκρατία, Αθήνα", "Łódź, Kraków i Gdańsk", "مرحبا بالعالم", "Straße über München",
    "Crème brûlée à l'œuf", "서울특별시 종로구", "Ngô Bảo Châu, Hà Nội",
]  # fmt: skip
TEXT = [t * 3 for t in TITLES] * 20


def work() -> None:
    for t in TEXT:
        text_unidecode.unidecode(t)


if __name__ == "__main__":
    run(work, bench_reps=400, module=text_unidecode)
