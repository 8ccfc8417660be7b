"""The contract between the case planner (`samples/cases.py`, `samples/generate.py`) and the
renderers (`samples/render/`, `samples/scan.py`).

The planner decides *what* a document says (truth values, already normalised) and *how values are
printed* (a `Style`); a renderer decides *where* things go (layout, labels, pagination).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# Canonical field names. Truth values are normalised: dates ISO `YYYY-MM-DD`, amounts with two
# decimals (`1234.50`), ID numbers without spaces, names as "Family Given" (e.g. "Wang Xiaoming").
FIELD_NAMES: tuple[str, ...] = (
    "patient_name", "id_number", "hospital", "invoice_number", "issue_date", "admission_date",
    "discharge_date", "diagnosis", "total_amount", "card_number", "filing_date", "applicant",
    "claimed_amount", "gender", "birth_date", "address", "insured_region", "treatment_region",
    "employer", "department", "valid_until", "bank_account",
)

# 2026-03-14, 14/03/2026, 2026/3/14, March 14, 2026
DATE_FORMATS: tuple[str, ...] = ("iso", "dmy", "ymd_slash", "long")
AMOUNT_FORMATS: tuple[str, ...] = ("comma", "yen", "cny", "plain")  # 1,234.56 ¥1234.56 CNY 1234.56 1234.56


def format_date(iso: str, fmt: str) -> str:
    d = dt.date.fromisoformat(iso)
    if fmt == "iso":
        return d.isoformat()
    if fmt == "dmy":
        return d.strftime("%d/%m/%Y")
    if fmt == "ymd_slash":
        return f"{d.year}/{d.month}/{d.day}"
    if fmt == "long":
        return f"{d.strftime('%B')} {d.day}, {d.year}"
    raise ValueError(f"unknown date format {fmt!r}")


def format_amount(value: Decimal | str, fmt: str) -> str:
    v = Decimal(value).quantize(Decimal("0.01"))
    if fmt == "comma":
        return f"{v:,.2f}"
    if fmt == "yen":
        return f"¥{v:.2f}"
    if fmt == "cny":
        return f"CNY {v:.2f}"
    if fmt == "plain":
        return f"{v:.2f}"
    raise ValueError(f"unknown amount format {fmt!r}")


@dataclass(frozen=True)
class Style:
    """How one issuer prints values. Line-item amounts use `line_amount_fmt` (usually plain)."""

    date_fmt: str = "iso"
    amount_fmt: str = "comma"
    line_amount_fmt: str = "plain"
    line_date_fmt: str = "iso"


@dataclass(frozen=True)
class LineSpec:
    """One row of an invoice or fee list, truth values as printed (the amount may be a planted
    arithmetic error: quantity x unit_price != amount)."""

    name: str  # as printed, e.g. "Amoxicillin Capsules 0.25g" or "Ward bed (3-bed room)"
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    row_type: str  # drug | bed | nursing | test | examination | treatment | material
    item_date: str | None = None  # ISO, for fee lists that have a date column
    unit: str = ""  # e.g. "box", "day", "time"
    generic_name: str | None = None  # drug lines: the catalogue name the line should match
    code: str = ""  # hospital's item code, where the layout prints one


@dataclass
class DocSpec:
    """What one document says."""

    doc_type: str
    fields: dict[str, str]  # canonical name -> normalised truth value; only fields printed
    style: Style = field(default_factory=Style)
    layout: int = 0  # layout variant; renderers use it modulo their number of layouts
    lines: list[LineSpec] = field(default_factory=list)
    # free text and extra printed data: "narrative" (discharge course of treatment, may carry the
    # excluded cause), "hospital_address", "issuer" (agency name), "seal_text", "remarks", ...
    extras: dict[str, str] = field(default_factory=dict)
