"""Numbers of a table row as read, and the repair of OCR slips that the row's own arithmetic
(quantity x unit price = amount) proves.

A slip is one of: a letter for a digit (O/0, l/1: undone on reading), a lost decimal point
("1234" for "12.34"), a lost, extra or misread digit. A repair is made only when exactly one
column, changed by one slip, makes the arithmetic hold; otherwise the values stay as read (a
printed line_amount_mismatch stays printed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from extractors.normalise import DIGIT_SLIPS, fix_digits

CENT = Decimal("0.01")
_CURRENCY = re.compile(r"(?i)¥|￥|\$|rmb|cny|yuan|元")
_CORE = re.compile(r"-?\d[\d,.\s]*\d|-?\d")


@dataclass(frozen=True)
class Number:
    """A number cell: its digits and separators as read (`raw`) and its value (None: unreadable)."""

    raw: str
    value: Decimal | None


def read_number(text: str) -> Number:
    """The number in a cell ("¥1,234.56", "CNY 12.30", "l2.3O", "1.234,56", "2")."""
    cleaned = _CURRENCY.sub(" ", fix_digits(text)).strip()
    cleaned = re.sub(r"(?<=\d)[°'`:;*~^-](?=\d\d(?!\d))", ".", cleaned)  # "51°25", "46-35": a smudged point
    if re.fullmatch(r"[\dOoDQlIi|SsBZzg.,\s-]+", cleaned):
        cleaned = cleaned.translate(DIGIT_SLIPS)
    m = _CORE.search(cleaned)
    if not m:
        return Number("", None)
    raw = re.sub(r"\s+", "", m.group(0))
    return Number(raw, to_decimal(raw))


def to_decimal(raw: str) -> Decimal | None:
    """"1,234.56", "1.234.56", "12,50" (a decimal comma), "1234" as a Decimal."""
    neg = raw.startswith("-")
    body = raw.lstrip("-")
    seps = [i for i, c in enumerate(body) if c in ".,"]
    if seps:
        last = seps[-1]
        decimals = len(body) - last - 1
        if (decimals == 3 and body[last] == ",") or decimals == 0:
            body = body.replace(",", "").replace(".", "")  # thousands separators only
        else:
            body = body[:last].replace(",", "").replace(".", "") + "." + body[last + 1:]
    try:
        value = Decimal(body)
    except InvalidOperation:
        return None
    return -value if neg else value


def money(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP):.2f}"


def quantity(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def agrees(q: Decimal, p: Decimal, a: Decimal) -> bool:
    return abs(q * p - a) <= CENT


def variants(raw: str, decimals: int) -> set[Decimal]:
    """Values that `raw` would have without one OCR slip: the lost decimal point put back, one
    digit dropped, added or changed."""
    out: set[Decimal] = set()
    if re.search(r",\d\d$", raw) and "." not in raw:
        raw = raw[:-3].replace(",", "") + "." + raw[-2:]  # a decimal comma ("17,87")
    digits = raw.replace(",", "")
    if "." not in digits and decimals and len(digits) > decimals:
        out.add(Decimal(digits[:-decimals] + "." + digits[-decimals:]))
        if len(digits) > decimals + 1:  # the point read as a digit ("5272" for "5.72")
            out.add(_dec(digits[:-decimals - 1] + "." + digits[-decimals:]))
    for i, c in enumerate(digits):
        if c.isdigit():
            out.add(_dec(digits[:i] + digits[i + 1:]))
            out.update(_dec(digits[:i] + d + digits[i + 1:]) for d in "0123456789" if d != c)
    for i in range(len(digits) + 1):
        out.update(_dec(digits[:i] + d + digits[i:]) for d in "0123456789")
    out.discard(Decimal(-1))
    return out


def _dec(text: str) -> Decimal:
    try:
        return Decimal(text) if re.fullmatch(r"\d+(\.\d+)?", text) else Decimal(-1)
    except InvalidOperation:
        return Decimal(-1)


@dataclass
class Reading:
    """Quantity, unit price and amount of a row after repair; `repaired` names changed columns."""

    qty: Decimal | None
    price: Decimal | None
    amount: Decimal | None
    repaired: list[str]
    consistent: bool


def reconcile(qty: Number | None, price: Number | None, amount: Number | None, ocr: bool) -> Reading:
    """Fill a missing value from the other two and undo one OCR slip where the arithmetic proves
    it (OCR pages only: a text layer is exact)."""
    q = qty.value if qty else None
    p = price.value if price else None
    a = amount.value if amount else None
    if q is not None and p is not None and a is not None:
        if agrees(q, p, a) or not ocr:
            return Reading(q, p, a, [], agrees(q, p, a))
        return _repair(qty, price, amount, q, p, a)  # type: ignore[arg-type]
    if not ocr:
        return Reading(q, p, a, [], False)
    if a is None and q is not None and p is not None and qty and qty.raw and price and price.raw:
        return Reading(q, p, (q * p).quantize(CENT), ["amount"], True)
    if q is None and p and a is not None:  # a lost quantity ("1" is easily dropped)
        derived = a / p
        if derived > 0 and derived == derived.quantize(Decimal("0.01")) and agrees(derived, p, a):
            return Reading(derived.normalize(), p, a, ["quantity"], True)
        merged = _merged_quantity(price, a)  # type: ignore[arg-type]
        if merged is not None:
            return Reading(merged[0], merged[1], a, ["quantity", "unit_price"], True)
    if p is None and q and a is not None:
        derived = a / q
        if derived == derived.quantize(CENT):
            return Reading(q, derived, a, ["unit_price"], True)
    return Reading(q, p, a, [], False)


def _merged_quantity(price: Number, a: Decimal) -> tuple[Decimal, Decimal] | None:
    """A one-digit quantity OCR ran into the price beside it ("2258.72": 2 x 258.72), proven
    when that digit times the rest is the amount."""
    raw = price.raw.replace(",", "")
    if len(raw) < 3 or not raw[0].isdigit() or raw[0] == "0" or raw[1] in ".0":
        return None
    q, rest = Decimal(raw[0]), to_decimal(raw[1:])
    if rest is None or rest != rest.quantize(CENT) or not agrees(q, rest, a):
        return None
    return q, rest


def _repair(qty: Number, price: Number, amount: Number, q: Decimal, p: Decimal, a: Decimal) -> Reading:
    found: list[tuple[str, Decimal]] = []
    target_a = (q * p).quantize(CENT, ROUND_HALF_UP)
    if target_a in variants(amount.raw, 2):
        found.append(("amount", target_a))
    if q:
        target_p = a / q
        if target_p == target_p.quantize(CENT) and target_p in variants(price.raw, 2):
            found.append(("unit_price", target_p))
    if p:
        target_q = a / p
        if target_q == target_q.quantize(Decimal("0.001")) and target_q in variants(qty.raw, 1):
            found.append(("quantity", target_q))
    read = {"amount": a, "unit_price": p, "quantity": q}
    # A value off by a factor of ten is a decimal point slipped in print as often as in OCR: the
    # arithmetic cannot tell which, so it stays as printed.
    found = [(c, v) for c, v in found if v * 10 != read[c] and read[c] * 10 != v]
    if len(found) != 1:
        return Reading(q, p, a, [], False)
    column, value = found[0]
    if column == "amount":
        return Reading(q, p, value, ["amount"], True)
    if column == "unit_price":
        return Reading(q, value, a, ["unit_price"], True)
    return Reading(value, p, a, ["quantity"], True)
