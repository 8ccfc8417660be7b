"""Invented people, places, hospitals and employers for synthetic claim packets.

No real personal data: names are random pinyin syllable combinations, places are random syllable
pairs, and ID numbers follow GB 11643 (18 digits, ISO 7064 MOD 11-2 check digit) with region codes
starting with 9 (no real administrative division does) and random birth dates.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


@cache
def name_parts() -> dict[str, list[str]]:
    with (DATA / "names.toml").open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Region:
    name: str  # e.g. "Qingze"
    code: str  # 6-digit fake administrative code, starts with 9
    districts: tuple[str, ...]


@dataclass(frozen=True)
class Hospital:
    name: str
    address: str
    region: Region


@dataclass(frozen=True)
class Person:
    name: str  # "Family Given"
    gender: str  # "Male" | "Female"
    birth_date: str  # ISO
    id_number: str
    address: str
    region: Region
    card_number: str  # medical-insurance / social-security card number
    bank_account: str


# ---- ID numbers -----------------------------------------------------------------------------


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_number_valid(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and id_check_digit(number[:17]) == number[17]


def make_id_number(region_code: str, birth: dt.date, gender: str, rng: random.Random) -> str:
    last = rng.choice((1, 3, 5, 7, 9) if gender == "Male" else (0, 2, 4, 6, 8))
    seq = rng.randrange(0, 100) * 10 + last
    first17 = f"{region_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def altered_id_number(number: str, rng: random.Random) -> str:
    """Another valid ID number that differs in one or two of the sequence/birth digits."""
    digits = list(number[:17])
    for pos in rng.sample(range(14, 17), rng.choice((1, 2))):
        digits[pos] = rng.choice([d for d in "0123456789" if d != digits[pos]])
    first17 = "".join(digits)
    return first17 + id_check_digit(first17)


def luhn_complete(digits: str) -> str:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return digits + str((10 - total % 10) % 10)


# ---- places and organisations ----------------------------------------------------------------


def make_region(rng: random.Random, exclude: frozenset[str] = frozenset()) -> Region:
    parts = name_parts()
    while True:
        name = rng.choice(parts["place_first"]) + rng.choice(parts["place_second"])
        if name not in exclude:
            break
    code = f"9{zlib.crc32(name.encode()) % 100000:05d}"
    districts = tuple(
        f"{rng.choice(parts['place_first'])}{rng.choice(parts['place_second'])} "
        f"{rng.choice(parts['district_suffix'])}"
        for _ in range(3)
    )
    return Region(name, code, districts)


def make_address(region: Region, rng: random.Random) -> str:
    parts = name_parts()
    estate = rng.choice(parts["place_first"]) + rng.choice(parts["place_second"]).lower()
    return (
        f"Room {rng.randint(1, 28)}{rng.randint(1, 4):02d}, Building {rng.randint(1, 24)}, "
        f"{estate} {rng.choice(parts['estate_suffix'])}, No. {rng.randint(1, 399)} "
        f"{rng.choice(parts['street'])}, {rng.choice(region.districts)}, {region.name}"
    )


def make_hospital(region: Region, rng: random.Random) -> Hospital:
    pattern = rng.choice(name_parts()["hospital_patterns"])
    district = rng.choice(region.districts).rsplit(" ", 1)[0]
    name = pattern.format(city=region.name, district=district)
    street = rng.choice(name_parts()["street"])
    return Hospital(name, f"No. {rng.randint(1, 299)} {street}, {region.name}", region)


def make_employer(region: Region, rng: random.Random) -> str:
    parts = name_parts()
    word, kind = rng.choice(parts["employer_words"]), rng.choice(parts["employer_kinds"])
    return f"{region.name} {word} {kind}"


# ---- people ---------------------------------------------------------------------------------


def make_given_name(rng: random.Random) -> str:
    syllables = rng.sample(name_parts()["given"], rng.choice((1, 2, 2, 2)))
    return "".join(syllables).capitalize()


def make_name(rng: random.Random) -> str:
    return f"{rng.choice(name_parts()['family'])} {make_given_name(rng)}"


def altered_name(name: str, rng: random.Random) -> str:
    """A different but plausible name: another given name, or another family name."""
    family, given = name.split(" ", 1)
    while True:
        if rng.random() < 0.7:
            candidate = f"{family} {make_given_name(rng)}"
        else:
            candidate = f"{rng.choice(name_parts()['family'])} {given}"
        if candidate.casefold() != name.casefold():
            return candidate


def make_card_number(region: Region, rng: random.Random) -> str:
    letter = "ABCDEFGHJKLMNPQRSTUVWXYZ"[int(region.code) % 24]
    return f"{letter}{rng.randrange(10**7, 10**8)}"


def make_person(region: Region, rng: random.Random, today: dt.date) -> Person:
    gender = rng.choice(("Male", "Female"))
    age_days = rng.randint(18 * 365, 85 * 365)
    birth = today - dt.timedelta(days=age_days)
    return Person(
        name=make_name(rng),
        gender=gender,
        birth_date=birth.isoformat(),
        id_number=make_id_number(region.code, birth, gender, rng),
        address=make_address(region, rng),
        region=region,
        card_number=make_card_number(region, rng),
        bank_account=luhn_complete("6299" + "".join(rng.choices("0123456789", k=14))),
    )
