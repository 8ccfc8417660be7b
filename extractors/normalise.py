"""Values as printed into one normal form.

    parse_date("14/03/2026") == parse_date("March 14, 2026") == "2026-03-14"
    parse_amount("¥1,234.5") == parse_amount("CNY 1234.50") == "1234.50"
    normalise_id("1101 0519 4912 2064 8X") == "11010519491220648X"
    normalise_name("  wang  XIAOMING ") == "Wang Xiaoming"

`find_dates` / `find_amounts` locate every value of that kind in a line of text (with its span),
for extractors that look for "the date on this line". Typical OCR slips inside digit groups
(O/o -> 0, l/I/| -> 1, S -> 5, B -> 8) are undone where the surrounding characters are digits;
nothing else is guessed: a value that does not parse is None.

Day and month order: numeric dates are read day first (14/03/2026, the contract's form, and the
form of most receipts outside the US), unless the first number cannot be a month and the second
can (then it is day first anyway) or the second cannot be a month (then it is month first).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_SEP = r"\s*[-/.]\s*"
_DATE_PATTERNS = [
    # 2026-03-14, 2026/3/14, 2026.03.14, 2026年3月14日
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)" + r"\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*"
               r"(?P<d>\d{1,2})(?:\s*日)?(?!\d)"),
    # 14/03/2026, 14-03-2026, 14.03.26 (a two-digit year only with one separator: "6/ 1.98" is an
    # amount after a rate, not a date)
    re.compile(r"(?<![\d.])(?P<a>\d{1,2})" + _SEP + r"(?P<b>\d{1,2})" + _SEP
               + r"(?P<y>(?:19|20)\d\d)(?![\d])"),
    re.compile(r"(?<![\d.])(?P<a>\d{1,2})\s*(?P<sep>[-/.])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*"
               r"(?P<y>\d\d)(?![\d])"),
    # March 14, 2026 / Mar 14 2026
    re.compile(r"(?i)(?<![a-z])" + _MONTH
               + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s*(?P<y>(?:19|20)\d\d)(?!\d)"),
    # 14 March 2026 / 14-Mar-2026 / 14 Mar, 2026
    re.compile(r"(?i)(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*" + _MONTH
               + r"[\s\-/.,]*(?P<y>(?:19|20)?\d\d)(?!\d)"),
]

# Slips tesseract makes inside numbers; applied only to characters between digits or digit-like
# characters, so words stay words.
DIGIT_SLIPS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                              "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "g": "9"})
_NUMBERISH = re.compile(r"(?<![A-Za-z])[0-9OoDQlIi|SsBZzg][0-9OoDQlIi|SsBZzg.,:/\-]*[0-9OoDQlIi|SsBZzg]"
                        r"(?![A-Za-z])")


# "§" is how tesseract reads a "5" in some receipt fonts; undone only where it opens an amount with
# decimals ("§.30", "1§.90"), so a section sign before a number ("§ 12", "§12") stays.
_SECTION_FIVE = re.compile(r"(?<![A-Za-z])§(?=\d*[.,]\d\d(?!\d))")


def fix_digits(text: str) -> str:
    """Undo letter-for-digit slips inside tokens that are mostly digits ("2O26" -> "2026", "§.30"
    -> "5.30"). The result has the length of `text`, so spans found in it hold for `text`."""
    text = _SECTION_FIVE.sub("5", text)

    def fix(m: re.Match[str]) -> str:
        token = m.group(0)
        digits = sum(c.isdigit() for c in token)
        letters = sum(c.isalpha() or c == "|" for c in token)
        return token.translate(DIGIT_SLIPS) if digits >= 2 and digits > letters else token

    return _NUMBERISH.sub(fix, text)


def _valid(y: int, m: int, d: int) -> str | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _year(text: str) -> int:
    """A printed year in full; two digits are read 1970..2069 ("98" -> 1998, "18" -> 2018)."""
    y = int(text)
    if y >= 100:
        return y
    return y + 2000 if y < 70 else y + 1900


def _match_date(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g.get("mon"):
        return _valid(_year(g["y"]), MONTHS[g["mon"].lower()], int(g["d"]))
    if g.get("m"):
        return _valid(int(g["y"]), int(g["m"]), int(g["d"]))
    a, b, y = int(g["a"]), int(g["b"]), _year(g["y"])
    if b > 12 >= a:  # 03/14/2026: month first
        return _valid(y, a, b)
    return _valid(y, b, a)


def find_dates(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Every date in `text` as (ISO date, (start, end) span in `text`), in order."""
    fixed = fix_digits(text)
    found: list[tuple[str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(fixed):
            span = m.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            iso = _match_date(m)
            if iso:
                found.append((iso, span))
                taken.append(span)
    return sorted(found, key=lambda f: f[1][0])


def parse_date(text: str) -> str | None:
    """The (first) date in `text` as ISO YYYY-MM-DD, or None."""
    dates = find_dates(text)
    return dates[0][0] if dates else None


_CURRENCY = r"(?:¥|￥|\$|RMB|CNY|RM|Yuan|yuan|元)"
_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<neg>-)?\s*" + _CURRENCY + r"?\s*(?P<neg2>-)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?|\d+,\d{2}(?![\d]))"
    r"(?:\s*" + _CURRENCY + r")?(?![\w]|[.,]\d)"
)


def _amount(num: str, negative: bool) -> str | None:
    if re.fullmatch(r"\d+,\d{2}", num):  # 12,50: a decimal comma
        num = num.replace(",", ".")
    num = num.replace(",", "").replace(" ", "")
    try:
        value = Decimal(num)
    except InvalidOperation:
        return None
    return f"{-value if negative else value:.2f}"


def find_amounts(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Every amount-like number in `text` as (two-decimal string, span), in order. Dates are
    not amounts."""
    fixed = fix_digits(text)
    dates = [span for _, span in find_dates(text)]
    out: list[tuple[str, tuple[int, int]]] = []
    for m in _AMOUNT.finditer(fixed):
        if any(s < m.end() and m.start() < e for s, e in dates):
            continue
        value = _amount(m.group("num"), bool(m.group("neg") or m.group("neg2")))
        if value is not None:
            out.append((value, m.span()))
    return out


def parse_amount(text: str) -> str | None:
    """The (last) amount in `text` with two decimals ("1234.50"), or None. The last, because a
    line like "Total (3 items) 1,234.50" carries its amount at the end."""
    amounts = find_amounts(text)
    return amounts[-1][0] if amounts else None


def parse_quantity(text: str) -> str | None:
    """A quantity as a plain decimal without trailing zeros ("2", "0.5"), or None."""
    m = re.search(r"\d+(?:\.\d+)?", fix_digits(text).replace(",", ""))
    if not m:
        return None
    value = Decimal(m.group(0)).normalize()
    return f"{value:f}"


_ID = re.compile(r"(?<![0-9A-Za-z])(\d[\d ]{13,22}[\dXx])(?![0-9A-Za-z])")


def normalise_id(text: str) -> str:
    """An ID number without spaces or separators, check letter upper-case ("...648x" -> "...648X");
    digit slips undone."""
    fixed = fix_digits(text.strip())
    return re.sub(r"[\s\-.]", "", fixed).upper()


def find_id_numbers(text: str) -> list[tuple[str, tuple[int, int]]]:
    """18-digit resident ID numbers (last character may be X) and 15-digit old ones in `text`,
    spaces inside allowed."""
    out = []
    for m in _ID.finditer(fix_digits(text)):
        value = normalise_id(m.group(1))
        if len(value) in (15, 18):
            out.append((value, m.span(1)))
    return out


def normalise_name(text: str) -> str:
    """A person's name in one form: single spaces, each part capitalised, no label punctuation
    ("WANG, Xiaoming" -> "Wang Xiaoming"). Chinese characters are kept as they are."""
    cleaned = re.sub(r"[,;:_*]+", " ", text)
    parts = [p for p in cleaned.split() if p]
    return " ".join(p[:1].upper() + p[1:].lower() if p.isascii() else p for p in parts)


def name_key(text: str) -> str:
    """A comparison key for names: letters only, lower case, order-independent."""
    return " ".join(sorted(re.sub(r"[^\w\s]", " ", text.lower()).split()))
