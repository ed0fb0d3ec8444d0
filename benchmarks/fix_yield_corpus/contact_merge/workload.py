"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import merge_contacts


def make_input(people: int = 1800) -> dict[str, list[dict[str, str]]]:
    first = ["ana", "bo", "chen", "dara", "eli", "fatima", "gus", "hana", "ivo", "jun"]
    domains = ["example.com", "gmail.com", "corp.example", "mail.example"]

    def row(i: int, variant: int) -> dict[str, str]:
        name = f"{first[i % 10]}.{i}"
        email = f"{name}@{domains[i % 4]}"
        if variant == 1:
            email = f" {email.upper()} "
        elif variant == 2 and i % 4 == 1:
            email = email.replace(".", "", 1).replace("@", "+crm@")
        return {"name": f" {name.title()} ", "email": email, "phone": f"(555) {i:04d}"}

    return {
        "sales": [row(i, 0) for i in range(0, people, 2)],
        "support": [row(i, 1) for i in range(0, people, 3)],
        "billing": [row(i, 2) for i in range(people)],
    }


def run(data: dict[str, list[dict[str, str]]]) -> object:
    return merge_contacts(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
