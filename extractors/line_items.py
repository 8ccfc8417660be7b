"""Line items of invoices and fee lists, from the geometry of the words.

    items, totals = extract_line_items(doc)

Per page: words are grouped into visual rows; a header row (column-header synonyms of
`data/columns.toml`) gives the column bands; each row below is a subtotal/total row (a total
label, an amount, no unit price), an item row (a name and numbers), or a numberless row (a wrapped
name continued from the row above, a group heading, text after the table). A page without a
header row continues the previous page's table with its columns, unless that table was closed by
its grand total. The table ends at its total row or at a wide vertical gap. A page that yields no
item rows that way (its header row OCR garbled) is read with the columns in which its item rows'
cells line up (`headerless`), when they do.

Numbers on OCR pages are checked against the row's arithmetic (`table_numbers.reconcile`): one OCR
slip is undone where exactly one repair makes qty x unit price = amount; values that no single
slip explains stay as printed, with a low confidence. Invoice category rows that print no
quantity or unit price get quantity 1 and unit price = amount.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from extractors.headerless import headerless_columns
from extractors.item_names import clean_name
from extractors.model import Box, LineItem
from extractors.normalise import parse_date
from extractors.table_layout import (
    NUMERIC,
    Cell,
    Column,
    Row,
    Vocabulary,
    assign,
    header_columns,
    match_phrase,
    norm,
    visual_rows,
    vocabulary,
)
from extractors.table_numbers import Number, agrees, money, quantity, read_number, reconcile, to_decimal
from pipeline.models import Document, Page, Word

GAP_ROWS = 4.0  # a vertical gap of this many row pitches ends the table on its page
WRAP_PITCH = 0.85  # a numberless line closer than this (x the row pitch) continues the name


@dataclass
class _Draft:
    """An item row on its way to a LineItem."""

    page_no: int
    cells: dict[str, list[Cell]]
    words: list[Word]
    top: float
    name_parts: list[str] = field(default_factory=list)
    last_top: float = 0.0


@dataclass
class _State:
    columns: list[Column] | None = None
    closed: bool = True  # the last table ended with its grand total


def extract_line_items(doc: Document) -> tuple[list[LineItem], list[str]]:
    """The items of `doc`'s table(s) in order (line_no 1..n) and their printed subtotal/total
    amounts (two decimals, in page order)."""
    vocab = vocabulary()
    state = _State()
    items: list[LineItem] = []
    totals: list[str] = []
    for page in doc.pages:
        for draft in _page(page, vocab, state, totals):
            items.append(_item(draft, len(items) + 1, page.method == "ocr"))
    return _without_row_numbers(_unswap(items)), totals


MIN_NUMBERED_ROWS = 3


def _without_row_numbers(items: list[LineItem]) -> list[LineItem]:
    """A row-number column read into the names ("1 Western medicine", "2 Bed fee", ...; its "No."
    header lost in OCR): where every name of the document opens with a number and those numbers
    count up one by one, they are the rows' numbers, not part of the names."""
    if len(items) < MIN_NUMBERED_ROWS:
        return items
    firsts = [i.item_name.split(" ", 1) for i in items]
    if not all(len(f) == 2 and f[0].isdigit() for f in firsts):
        return items
    numbers = [int(f[0]) for f in firsts]
    if any(b != a + 1 for a, b in itertools.pairwise(numbers)):
        return items
    for item, (_, rest) in zip(items, firsts, strict=True):
        item.item_name = rest
    return items


def _unswap(items: list[LineItem]) -> list[LineItem]:
    """Unit price and amount read into each other's columns (a header OCR garbled on a page):
    where most rows of a page only add up with the two exchanged, they are exchanged back on that
    page."""
    for page_no in sorted({i.page_no for i in items}):
        rows = [i for i in items if i.page_no == page_no]
        straight = swapped = 0
        for item in rows:
            q, p, a = to_decimal(item.quantity), to_decimal(item.unit_price), to_decimal(item.amount)
            if q is None or p is None or a is None or q == 1:
                continue
            straight += agrees(q, p, a)
            swapped += agrees(q, a, p)
        if swapped < 3 or swapped <= 2 * straight:
            continue
        for item in rows:
            item.unit_price, item.amount = item.amount, item.unit_price
            item.repaired = sorted({*item.repaired, "unit_price", "amount"})
    return items


# ---- one page ------------------------------------------------------------------------------


def _page(page: Page, vocab: Vocabulary, state: _State, totals: list[str]) -> list[_Draft]:
    rows = visual_rows(page.words)
    if not rows:
        return []
    height = statistics.median(w.height for w in page.words)
    found: list[str] = []
    drafts = _scan(page, rows, None if state.closed else state.columns, vocab, state, found, height)
    inferred = None if drafts else headerless_columns(rows)
    if inferred is not None:
        # No header, or none whose rows are items: the table stands in aligned columns.
        after = (state.columns, state.closed)
        state.columns, state.closed = inferred[0], False
        found_here: list[str] = []
        drafts = _scan(page, rows[inferred[1]:], inferred[0], vocab, state, found_here, height)
        if drafts:
            found = found_here
        else:
            state.columns, state.closed = after
    totals.extend(found)
    return drafts


def _scan(page: Page, rows: list[Row], columns: list[Column] | None, vocab: Vocabulary,
          state: _State, totals: list[str], height: float) -> list[_Draft]:
    """The item rows of `rows`, read with `columns` until a header row gives others."""
    drafts: list[_Draft] = []
    loose: list[tuple[Row, dict[str, list[Cell]]]] = []  # numberless rows, resolved after
    last_bottom: float | None = None
    pitch = 2.4 * height
    for row in rows:
        found = header_columns(row, vocab)
        if found is not None:
            columns, state.columns, state.closed = found, found, False
            last_bottom = row.bottom
            continue
        if columns is None:
            continue
        if last_bottom is not None and row.top - last_bottom > GAP_ROWS * pitch:
            columns, last_bottom = None, None  # the table ended on this page
            continue
        cells = assign(row, columns)
        kind = _kind(row, cells, vocab)
        if kind in ("subtotal", "total"):
            amount = _total_amount(row, cells)
            if amount is not None:
                totals.append(amount)
                if kind == "total":
                    state.closed, columns = True, None
                    continue
            last_bottom = row.bottom
        elif kind == "item":
            drafts.append(_Draft(page.page_no, cells, list(row.words), row.top, last_top=row.top))
            last_bottom = row.bottom
            pitch = _pitch(drafts, height)
        elif kind == "text":
            loose.append((row, cells))
    _attach(drafts, loose, _pitch(drafts, height))
    return [d for d in drafts if d.name_parts or _text(d.cells, "name")]


def _kind(row: Row, cells: dict[str, list[Cell]], vocab: Vocabulary) -> str:
    nums = {k: read_number(_text(cells, k)) for k in NUMERIC if k in cells}
    has = {k for k, n in nums.items() if n.value is not None}
    label = _label(row, cells)
    words = [w for w in (norm(t) for t in label.split()) if w]
    if words and "price" not in has:
        hit = match_phrase(words, 0, vocab.rows)
        if hit is not None:
            return hit[0]
    if "amount" in has or "price" in has:
        return "item"
    return "text" if not has else "other"


def _label(row: Row, cells: dict[str, list[Cell]]) -> str:
    """The row's first text cell (a total row's label may sit in any column)."""
    for key in ("name", "category", "code", "no", "date", "unit", "spec"):
        if cells.get(key):
            return _text(cells, key)
    return row.cells[0].text if row.cells else ""


def _total_amount(row: Row, cells: dict[str, list[Cell]]) -> str | None:
    n = read_number(_text(cells, "amount")) if "amount" in cells else Number("", None)
    if n.value is None:
        for cell in reversed(row.cells):
            n = read_number(cell.text)
            if n.value is not None:
                break
    return money(n.value) if n.value is not None else None


def _pitch(drafts: list[_Draft], height: float) -> float:
    """The median distance between consecutive item rows (one-line rows dominate)."""
    deltas = [b.top - a.top for a, b in itertools.pairwise(drafts)
              if a.page_no == b.page_no and b.top > a.top]
    return statistics.median(deltas) if len(deltas) >= 2 else 2.4 * height


def _attach(drafts: list[_Draft], loose: list[tuple[Row, dict[str, list[Cell]]]], pitch: float) -> None:
    """Numberless rows in the name column just below an item row continue its name."""
    for row, cells in loose:
        keys = set(cells)
        if not keys <= {"name", "category", "unit", "spec", "code"} or "name" not in keys:
            continue
        above = [d for d in drafts if d.top < row.top]
        if not above:
            continue
        draft = max(above, key=lambda d: d.top)
        if row.top - draft.last_top < WRAP_PITCH * pitch:
            draft.name_parts.append(_text(cells, "name"))
            draft.words.extend(row.words)
            draft.last_top = row.top


# ---- one item ------------------------------------------------------------------------------


def _text(cells: dict[str, list[Cell]], key: str) -> str:
    return " ".join(c.text for c in cells.get(key, [])).strip()


_NUMBER_TOKEN = re.compile(r"[-¥$]?\d[\d,]*(?:\.\d+)?")


def _numbers_by_position(d: _Draft) -> dict[str, str] | None:
    """Where the numeric cells hold more numbers than they are columns (a header word OCR lost,
    so two columns' values fell into one cell: "7.37 44.22" under "Amount"), the numbers of the
    row in order: the last is the amount, the one before the unit price, the one before that the
    quantity. None when every numeric cell holds one number."""
    keys = [k for k in ("qty", "price", "amount") if k in d.cells]
    texts = [w.text for k in keys for c in d.cells[k] for w in c.words]
    tokens = [t for t in texts if _NUMBER_TOKEN.fullmatch(t.strip("|"))]
    if not keys or len(tokens) <= len(keys) or len(tokens) > 3:
        return None
    return dict(zip(("amount", "price", "qty"), reversed(tokens), strict=False))


_FULL_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")
UNPROVEN_LINE = 0.5  # the confidence of a line that does not add up is its words' times this


def _item(d: _Draft, line_no: int, ocr: bool) -> LineItem:
    by_position = _numbers_by_position(d)
    if by_position is not None:
        nums = {k: read_number(by_position[k]) if k in by_position else None for k in NUMERIC}
    else:
        nums = {k: read_number(_text(d.cells, k)) if k in d.cells else None for k in NUMERIC}
    reading = reconcile(nums["qty"], nums["price"], nums["amount"], ocr)
    q, p, a = reading.qty, reading.price, reading.amount
    if a is None and p is not None and q is None:
        a = p
    if q is None and p is None and a is not None:  # an invoice category row
        q, p = Decimal(1), a
    conf = sum(w.conf for w in d.words) / len(d.words)
    if reading.repaired:
        conf *= 0.75
    elif not reading.consistent and not (q == 1 and p == a):
        conf *= UNPROVEN_LINE
    name = " ".join([_text(d.cells, "name"), *d.name_parts]).strip()
    date = _text(d.cells, "date")
    first, _, rest = name.partition(" ")
    if not date and rest and _FULL_DATE.fullmatch(first) and parse_date(first):
        date, name = first, rest  # the date cell ran into the name: too narrow a gap
    return LineItem(
        line_no=line_no,
        item_name=clean_name(name) if ocr else " ".join(name.split()),
        quantity=quantity(q) if q is not None else "",
        unit_price=money(p) if p is not None else "",
        amount=money(a) if a is not None else "",
        item_date=parse_date(date) or "" if date else "",
        row_type=_text(d.cells, "category").lower(),
        conf=round(min(max(conf, 0.0), 1.0), 3),
        page_no=d.page_no,
        box=_box(d.words),
        repaired=reading.repaired,
    )


def _box(words: list[Word]) -> Box:
    left, top = min(w.left for w in words), min(w.top for w in words)
    return left, top, max(w.right for w in words) - left, max(w.bottom for w in words) - top
