"""Line items of fee lists and invoices: drug lines from the sample catalogue (WHO EML), drug lines
that are not in the catalogue (newer generics), and non-drug lines (bed, nursing, tests, ...)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from samples.spec import LineSpec

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CATALOGUE = HERE / "catalogue.csv"
CENT = Decimal("0.01")

# invoice summary rows: row_type of the fee-list lines -> printed category
INVOICE_CATEGORIES: dict[str, str] = {
    "drug": "Western medicine",
    "bed": "Bed fee",
    "nursing": "Nursing fee",
    "test": "Laboratory tests",
    "examination": "Examination fee",
    "treatment": "Treatment fee",
    "material": "Medical materials",
}
SUMMARY_ROW_TYPE = "summary"  # invoice rows that sum fee-list lines of one category
INTENSIVE = frozenset({"ICU bed", "Special nursing care"})

# price per unit of sale (CNY), by unit, for category A; category B and not-listed cost more
DRUG_PRICES: dict[str, tuple[float, float]] = {
    "box": (4, 60), "vial": (3, 60), "ampoule": (1, 20), "bottle": (5, 40), "tube": (5, 35),
    "canister": (20, 60), "pen": (100, 300),
}


@dataclass(frozen=True)
class DrugForm:
    name: str  # catalogue name
    form: str  # printed form, e.g. "Capsules", "for Injection"
    strength: str  # e.g. "250mg"
    unit: str
    salt: str = ""
    category: str = "A"  # A | B | not_listed
    price_min: float = 0.0
    price_max: float = 0.0


@dataclass(frozen=True)
class NonDrugItem:
    name: str
    row_type: str
    unit: str
    price_min: float
    price_max: float
    setting: str  # inpatient | outpatient | both
    per_day: bool


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def catalogue() -> dict[str, str]:
    """Catalogue name -> category, from the committed `samples/catalogue.csv`."""
    return {row["name"]: row["category"] for row in _read_csv(CATALOGUE)}


@cache
def listed_drugs() -> tuple[DrugForm, ...]:
    cats = catalogue()
    return tuple(
        DrugForm(r["name"], r["form"], r["strength"], r["unit"], r["salt"], cats[r["name"]])
        for r in _read_csv(DATA / "drug_forms.csv")
    )


@cache
def unlisted_drugs() -> tuple[DrugForm, ...]:
    return tuple(
        DrugForm(r["name"], r["form"], r["strength"], r["unit"], "", "not_listed",
                 float(r["price_min"]), float(r["price_max"]))
        for r in _read_csv(DATA / "drugs_not_listed.csv")
    )


@cache
def non_drug_items() -> tuple[NonDrugItem, ...]:
    return tuple(
        NonDrugItem(r["name"], r["row_type"], r["unit"], float(r["price_min"]),
                    float(r["price_max"]), r["setting"], r["per_day"] == "1")
        for r in _read_csv(DATA / "non_drug_items.csv")
    )


# ---- formatting helpers ---------------------------------------------------------------------


def money(value: Decimal | float | str) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def amount_str(value: Decimal) -> str:
    return f"{money(value):.2f}"


def quantity_str(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def item_code(name: str) -> str:
    """A hospital's internal item code, stable per item name."""
    return f"{110000000 + zlib.crc32(name.encode()) % 890000000}"


def random_price(rng: random.Random, low: float, high: float, even_cents: bool = False) -> Decimal:
    cents = rng.randint(round(low * 100), round(high * 100))
    if even_cents:
        cents -= cents % 2
    return Decimal(max(cents, 2)) / 100


def strength_text(strength: str, rng: random.Random) -> str:
    """'250mg' is printed as '250mg' or '0.25g' (the Chinese habit for >= 100 mg)."""
    if strength.endswith("mg") and strength[:-2].isdigit():
        mg = int(strength[:-2])
        if mg >= 100 and mg % 50 == 0 and rng.random() < 0.5:
            return f"{Decimal(mg) / 1000:f}".rstrip("0").rstrip(".") + "g"
    return strength


def printed_drug_name(drug: DrugForm, rng: random.Random) -> str:
    name = drug.name
    if drug.salt and drug.salt.lower() not in name.lower() and rng.random() < 0.5:
        name = f"{name} {drug.salt}"
    return f"{name} {drug.form} {strength_text(drug.strength, rng)}"


# ---- single lines ---------------------------------------------------------------------------


def make_line(name: str, qty: Decimal, price: Decimal, row_type: str, date: dt.date | None,
              unit: str, generic: str | None = None) -> LineSpec:
    return LineSpec(name=name, quantity=qty, unit_price=price, amount=money(qty * price),
                    row_type=row_type, item_date=date.isoformat() if date else None, unit=unit,
                    generic_name=generic, code=item_code(name))


def drug_line(rng: random.Random, date: dt.date | None, drug: DrugForm) -> LineSpec:
    low, high = (drug.price_min, drug.price_max) if drug.price_max else DRUG_PRICES[drug.unit]
    if drug.category == "B":
        low, high = low * 2, high * 3
    half = drug.unit == "box" and rng.random() < 0.08
    qty = Decimal("0.5") if half else Decimal(rng.choice((1, 1, 1, 2, 2, 3, 4, 6)))
    price = random_price(rng, low, high, even_cents=half)
    return make_line(printed_drug_name(drug, rng), qty, price, "drug", date, drug.unit, drug.name)


def non_drug_line(rng: random.Random, date: dt.date | None, item: NonDrugItem,
                  qty: int | None = None) -> LineSpec:
    if qty is None:
        qty = rng.randint(2, 12) if item.unit == "hour" else rng.choice((1, 1, 1, 2, 3))
    price = random_price(rng, item.price_min, item.price_max)
    return make_line(item.name, Decimal(qty), price, item.row_type, date, item.unit)


@cache
def common_drugs() -> frozenset[str]:
    text = (DATA / "common_drugs.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#")


def pick_drug(rng: random.Random, setting: str) -> DrugForm:
    drugs = listed_drugs()
    if rng.random() < 0.5:
        common = [d for d in drugs if d.name in common_drugs()]
        return rng.choice(common)
    want_b = rng.random() < (0.3 if setting == "inpatient" else 0.12)
    pool = [d for d in drugs if (d.category == "B") == want_b] or list(drugs)
    return rng.choice(pool)


def pick_unlisted_drug(rng: random.Random) -> DrugForm:
    return rng.choice(unlisted_drugs())


# ---- whole lists ----------------------------------------------------------------------------

ROW_MIX: tuple[tuple[str, float], ...] = (
    ("drug", 0.5), ("test", 0.16), ("examination", 0.08), ("treatment", 0.14), ("material", 0.12),
)


def _items(setting: str, row_type: str, per_day: bool | None = None) -> list[NonDrugItem]:
    return [i for i in non_drug_items()
            if i.row_type == row_type and i.setting in (setting, "both")
            and (per_day is None or i.per_day == per_day)]


def daily_lines(rng: random.Random, days: Sequence[dt.date], n_target: int) -> list[LineSpec]:
    """Bed and nursing lines: one per day when the list is long enough, else one per stay."""
    intensive = rng.random() < 0.08  # ICU bed and special nursing are rare
    bed, nursing = (rng.choice([i for i in _items("inpatient", kind)
                                if (i.name in INTENSIVE) == intensive])
                    for kind in ("bed", "nursing"))
    if 2 * len(days) + 6 <= n_target and rng.random() < 0.7:
        price_b, price_n = (random_price(rng, i.price_min, i.price_max) for i in (bed, nursing))
        return [make_line(i.name, Decimal(1), p, i.row_type, d, i.unit)
                for d in days for i, p in ((bed, price_b), (nursing, price_n))]
    return [non_drug_line(rng, days[0], item, qty=len(days)) for item in (bed, nursing)]


def other_line(rng: random.Random, setting: str, date: dt.date) -> LineSpec:
    kinds, weights = zip(*ROW_MIX, strict=True)
    row_type = rng.choices(kinds, weights)[0]
    if row_type == "drug":
        return drug_line(rng, date, pick_drug(rng, setting))
    return non_drug_line(rng, date, rng.choice(_items(setting, row_type, per_day=False)))


def fee_list_lines(rng: random.Random, first: dt.date, last: dt.date,
                   n_lines: int) -> list[LineSpec]:
    """Lines dated within first..last; inpatient when last > first (bed days = nights)."""
    setting = "inpatient" if last > first else "outpatient"
    lines: list[LineSpec] = []
    if setting == "inpatient":
        nights = [first + dt.timedelta(days=i) for i in range((last - first).days)]
        lines += daily_lines(rng, nights, n_lines)
    else:
        visit = rng.choice(_items("outpatient", "treatment"))
        lines.append(non_drug_line(rng, first, visit, qty=1))
    span = (last - first).days
    while len(lines) < n_lines:
        lines.append(other_line(rng, setting, first + dt.timedelta(days=rng.randint(0, span))))
    return order_lines(lines, rng)


def order_lines(lines: list[LineSpec], rng: random.Random) -> list[LineSpec]:
    order = list(INVOICE_CATEGORIES)
    if rng.random() < 0.5:
        return sorted(lines, key=lambda ln: (ln.item_date or "", order.index(ln.row_type)))
    return sorted(lines, key=lambda ln: (order.index(ln.row_type), ln.item_date or ""))


def lines_total(lines: Sequence[LineSpec]) -> Decimal:
    return money(sum((ln.amount for ln in lines), Decimal(0)))


def invoice_summary(lines: Sequence[LineSpec], date: dt.date | None = None) -> list[LineSpec]:
    """One invoice row per category present in the fee list (quantity 1, price = amount)."""
    out: list[LineSpec] = []
    for row_type, label in INVOICE_CATEGORIES.items():
        amount = lines_total([ln for ln in lines if ln.row_type == row_type])
        if amount:
            out.append(LineSpec(name=label, quantity=Decimal(1), unit_price=amount, amount=amount,
                                row_type=SUMMARY_ROW_TYPE,
                                item_date=date.isoformat() if date else None, unit="item"))
    return out
