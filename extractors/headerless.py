"""The columns of a line-item table whose header row OCR lost ("oer seers ree Be er se" for small
bold header type over a dashed rule), from how the cells of its item rows line up.

    found = headerless_columns(rows)   -> (columns, index of the first item row) or None

An item row ends in two or three numbers (quantity, unit price, amount in some order), may start
with a code and/or a date, and has a name in between. A table is a run of at least `MIN_ROWS`
such rows, close together, whose numbers stand in columns (the same right, left or centre x on
most rows), as do their codes and dates. Which number column is which is read from the rows' own
arithmetic: the assignment under which quantity x unit price = amount holds on most rows (with
two columns: integers are quantities, and the amount is the larger, a whole multiple of the
price). Lines of a form that carry a number or two ("Hospital No 8570752", "Total 123.00") are no
table: they lack the aligned run of rows or the arithmetic.

The columns are then used like a header's (`line_items`): the same cell assignment, total rows,
wrapped names, number repairs and name clean-up.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from decimal import Decimal

from extractors.normalise import parse_date
from extractors.table_layout import Column, Row
from extractors.table_numbers import agrees, read_number
from pipeline.models import Word

MIN_ROWS = 3  # item rows a headerless table needs
ALIGNED = 0.6  # the share of its rows on which a column's cells line up
GAP_LINES = 4.0  # rows further apart than this (x the median row distance) are another block

_NUMBER = re.compile(r"[(¥$￥]?-?[\dOolI|]*\d[\dOolI|]*(?:[.,][\dOolI|]+)*\)?")
_CODE = re.compile(r"[A-Za-z]{0,3}-?\d[\dA-Za-z\-./]*")


def _is_number(text: str) -> bool:
    """A cell value: digits (a few look-alike letters), separators, a currency sign; no date."""
    return bool(_NUMBER.fullmatch(text)) and sum(c.isdigit() for c in text) * 2 >= len(text.strip("(¥$￥)-"))


def _is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text)) and sum(c.isdigit() for c in text) * 2 > len(text)


def _is_date(text: str) -> bool:
    return bool(re.search(r"\d[-/.]\d", text)) and parse_date(text) is not None


@dataclass
class _Line:
    """A row that may be a table's item row: leading code/date words, name words, numbers."""

    index: int
    row: Row
    lead: list[tuple[str, Word]]  # ("date" | "code", word), left to right
    name: list[Word]
    numbers: list[Word]  # the trailing numbers, left to right (two or three)


def _line(index: int, row: Row) -> _Line | None:
    words = row.words
    n = 0
    while n < len(words) and n < 3 and _is_number(words[-1 - n].text):
        n += 1
    if n < 2 or (n == 3 and len(words) > 3 and _is_number(words[-4].text)):
        return None  # fewer than two numbers, or a run of more than three
    numbers = words[len(words) - n:]
    rest = words[:len(words) - n]
    lead: list[tuple[str, Word]] = []
    for w in rest[:2]:
        if _is_date(w.text):
            lead.append(("date", w))
        elif _is_code(w.text) and not lead:
            lead.append(("code", w))
        else:
            break
    name = rest[len(lead):]
    if sum(c.isalpha() for w in name for c in w.text) < 2:
        return None
    return _Line(index, row, lead, name, numbers)


def _aligned(words: list[Word], tol: float) -> list[Word]:
    """The words that line up with most of the others at their right, left or centre edge."""
    best: list[Word] = []
    for edge in (lambda w: w.right, lambda w: w.left, lambda w: w.left + w.width / 2):
        mid = statistics.median(edge(w) for w in words)
        hits = [w for w in words if abs(edge(w) - mid) <= tol]
        if len(hits) > len(best):
            best = hits
    return best


def _band(key: str, words: list[Word]) -> Column:
    return Column(key, min(w.left for w in words), max(w.right for w in words))


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Candidate rows split where the vertical distance is far more than the usual one."""
    if len(lines) < MIN_ROWS:
        return []
    steps = [b.row.top - a.row.top for a, b in itertools.pairwise(lines)]
    usual = statistics.median(steps)
    blocks: list[list[_Line]] = [[lines[0]]]
    for step, line in zip(steps, lines[1:], strict=True):
        if step > GAP_LINES * usual:
            blocks.append([])
        blocks[-1].append(line)
    return [b for b in blocks if len(b) >= MIN_ROWS]


def _numeric_keys(values: list[list[Decimal | None]], raws: list[list[str]]) -> tuple[str, ...] | None:
    """Keys of the number columns (left to right) that make the rows add up; None when no
    assignment is borne out by the rows."""
    k = len(values[0])
    if k == 3:
        complete = [v for v in values if None not in v]
        whole = [sum(bool(r[i]) and not re.search(r"[.,]\d", r[i]) for r in raws) for i in range(3)]
        best, score = None, (0, 0)
        # Quantity and unit price multiply alike: the column of whole numbers is the quantity.
        # Left to right quantity, unit price, amount comes first: it wins ties.
        for perm in itertools.permutations(("qty", "price", "amount")):
            pos = {key: i for i, key in enumerate(perm)}
            n = sum(agrees(v[pos["qty"]], v[pos["price"]], v[pos["amount"]])  # type: ignore[arg-type]
                    for v in complete)
            if (n, whole[pos["qty"]]) > score:
                best, score = perm, (n, whole[pos["qty"]])
        n = score[0]
        return best if best is not None and n * 2 >= len(complete) and n >= 2 else None
    whole = [all(r[i] and not re.search(r"[.,]\d", r[i]) for r in raws if r[i]) for i in range(2)]
    if whole[0] != whole[1]:
        return ("qty", "amount") if whole[0] else ("amount", "qty")
    pairs = [(v[0], v[1]) for v in values if v[0] and v[1]]
    if not pairs:
        return None
    larger = 1 if sum(b >= a for a, b in pairs) * 2 >= len(pairs) else 0
    ratios = [(p[larger] / p[1 - larger]) for p in pairs]
    multiples = sum(r == r.to_integral_value() for r in ratios)
    if multiples < ALIGNED * len(pairs) or not any(r > 1 for r in ratios):
        return None
    return ("price", "amount") if larger else ("amount", "price")


def _columns(block: list[_Line], height: float) -> list[Column] | None:
    tol = 1.2 * height
    n = len(block)
    need = max(MIN_ROWS, ALIGNED * n)
    numeric: list[list[Word]] = []  # aligned words of each number column, from the right
    for j in range(3):
        words = [ln.numbers[-1 - j] for ln in block if len(ln.numbers) > j]
        hits = _aligned(words, tol) if len(words) >= MIN_ROWS else []
        if len(hits) < (need if j < 2 else max(MIN_ROWS, 0.5 * n)):
            break
        numeric.append(hits)
    if len(numeric) < 2:
        return None
    numeric.reverse()  # left to right
    members = [{id(w) for w in col} for col in numeric]
    values: list[list[Decimal | None]] = []
    raws: list[list[str]] = []
    for ln in block:
        row_vals: list[Decimal | None] = []
        row_raws: list[str] = []
        for ids in members:
            w = next((w for w in ln.numbers if id(w) in ids), None)
            num = read_number(w.text) if w is not None else None
            row_vals.append(num.value if num else None)
            row_raws.append(num.raw if num else "")
        values.append(row_vals)
        raws.append(row_raws)
    keys = _numeric_keys(values, raws)
    if keys is None:
        return None
    columns = [_band(key, words) for key, words in zip(keys, numeric, strict=True)]
    for key in ("code", "date"):
        words = [w for ln in block for kind, w in ln.lead if kind == key]
        hits = _aligned(words, tol) if len(words) >= MIN_ROWS else []
        if len(hits) >= max(MIN_ROWS, 0.5 * n):
            columns.append(_band(key, hits))
    first_names = _aligned([ln.name[0] for ln in block], tol)
    if len(first_names) < need:
        return None
    numbers_left = min(c.left for c in columns if c.key in ("qty", "price", "amount"))
    name_left = min(w.left for w in first_names)
    columns.append(Column("name", name_left, max(name_left + 1, numbers_left - height)))
    return sorted(columns, key=lambda c: c.left)


def headerless_columns(rows: list[Row]) -> tuple[list[Column], int] | None:
    """The columns of the first table among `rows` that has no (readable) header row, and the
    index of its first item row; None when the rows hold no such table."""
    lines = [ln for i, row in enumerate(rows) if (ln := _line(i, row)) is not None]
    if len(lines) < MIN_ROWS:
        return None
    height = statistics.median(w.height for ln in lines for w in ln.row.words)
    for block in _blocks(lines):
        columns = _columns(block, height)
        if columns is not None:
            return columns, block[0].index
    return None
