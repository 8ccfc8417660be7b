"""How truth values are printed: dates and amounts by the document's `Style`, quantities,
and amounts in words (as Chinese invoices print the total)."""

from __future__ import annotations

from decimal import Decimal

from samples.spec import Style, format_amount, format_date

DATE_FIELDS = frozenset(
    {"issue_date", "admission_date", "discharge_date", "filing_date", "birth_date", "valid_until"}
)
AMOUNT_FIELDS = frozenset({"total_amount", "claimed_amount"})


def format_field(name: str, value: str, style: Style) -> str:
    """The printed form of a field's truth value (values that do not parse print as given)."""
    try:
        if name in DATE_FIELDS:
            return format_date(value, style.date_fmt)
        if name in AMOUNT_FIELDS:
            return format_amount(value, style.amount_fmt)
    except ValueError:
        return value
    return value


def format_qty(q: Decimal) -> str:
    """2 -> "2", 0.50 -> "0.5", 1.25 -> "1.25"."""
    text = f"{q:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n or not words:
        words.append(_ONES[n])
    return words


def number_words(n: int) -> str:
    parts: list[str] = []
    for scale, name in ((1_000_000, "million"), (1000, "thousand")):
        if n >= scale:
            parts += [*_below_thousand(n // scale), name]
            n %= scale
    if n or not parts:
        parts += _below_thousand(n)
    return " ".join(parts)


def amount_words(value: Decimal | str) -> str:
    """1234.56 -> "One thousand two hundred thirty-four yuan and fifty-six fen"."""
    v = Decimal(value).quantize(Decimal("0.01"))
    yuan, fen = int(v), int((v - int(v)) * 100)
    text = f"{number_words(yuan)} yuan"
    text += f" and {number_words(fen)} fen" if fen else " only"
    return text[0].upper() + text[1:]
