"""Table geometry: words grouped into visual rows, cells, the header row and its column bands.

A header row is a row whose words read, fuzzily, as column headers of `data/columns.toml`
(longest synonym first, so "Unit Price" wins over "Unit"). Its cells give the column bands; the
cells of the rows below go to the column whose band they overlap (or the nearest one).
"""

from __future__ import annotations

import re
import statistics
import tomllib
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from pipeline.models import Word

DATA = Path(__file__).parent / "data" / "columns.toml"
COLUMN_KEYS = ("no", "date", "code", "name", "category", "unit", "spec", "qty", "price", "amount")
NUMERIC = frozenset({"qty", "price", "amount"})
TOTAL_KINDS = ("subtotal", "total")


@dataclass(frozen=True)
class Vocabulary:
    """Column-header synonyms (key -> normalised phrases, longest first) and total-row labels."""

    columns: tuple[tuple[str, tuple[str, ...]], ...]  # (key, phrase words), longest phrase first
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (subtotal | total, phrase words)


def norm(text: str) -> str:
    """Lower case, letters and digits only (OCR punctuation is noise in labels)."""
    return re.sub(r"[^a-z0-9#¥]+", "", text.lower())


def _phrases(entries: dict[str, list[str]], keys: tuple[str, ...], what: str
             ) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for key, values in entries.items():
        if key not in keys:
            raise ValueError(f"{DATA}: unknown {what} key {key!r}; use one of {', '.join(keys)}")
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ValueError(f"{DATA}: [{what}] {key} must be a list of non-empty strings")
        for v in values:
            words = tuple(w for w in (norm(p) for p in v.split()) if w)
            if words:
                out.append((key, words))
    return sorted(out, key=lambda kv: (-len(kv[1]), -len("".join(kv[1]))))


def load_vocabulary(path: Path = DATA) -> Vocabulary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = _phrases(data.get("columns", {}), COLUMN_KEYS, "columns")
    rows = _phrases(data.get("rows", {}), TOTAL_KINDS, "rows")
    if not {"name", "amount"} <= {k for k, _ in columns} or not rows:
        raise ValueError(f"{DATA}: needs [columns] name and amount and a [rows] section")
    return Vocabulary(tuple(columns), tuple(rows))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return load_vocabulary()


_OCR_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("1", "i"), ("l", "i"), ("0", "o"), ("5", "s"))


def _canonical(text: str) -> str:
    for a, b in _OCR_LOOKALIKES:
        text = text.replace(a, b)
    return text


@lru_cache(maxsize=65536)
def similar(a: str, b: str) -> bool:
    """Equal up to OCR look-alikes (rn/m, l/i, 0/o), or one slip apart for words of 4+
    characters (two for 8+)."""
    a, b = _canonical(a), _canonical(b)
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 2:
        return False
    need = 0.8 if len(b) < 8 else 0.75
    sm = SequenceMatcher(None, a, b)
    return sm.real_quick_ratio() >= need and sm.quick_ratio() >= need and sm.ratio() >= need


def _word_like(a: str, b: str) -> bool:
    """`similar`, or a 3-letter word with one letter misread ("Price Ber Unit")."""
    return similar(a, b) or (len(a) == len(b) == 3 and sum(x != y for x, y in zip(a, b, strict=True)) <= 1)


def match_phrase(words: list[str], start: int, phrases: tuple[tuple[str, tuple[str, ...]], ...]
                 ) -> tuple[str, int] | None:
    """The longest phrase that the normalised `words` spell from `start`: (key, word count).
    Exact spellings first: "Units | Price per Unit" is a unit column and a price column, not a
    slightly misspelt "Unit Price" followed by stray words."""
    for key, phrase in phrases:
        n = len(phrase)
        if start + n <= len(words) and all(words[start + i] == phrase[i] for i in range(n)):
            return key, n
    for key, phrase in phrases:
        n = len(phrase)
        if n == 1:
            if similar(words[start], phrase[0]):
                return key, 1
            continue
        if start + n <= len(words) and all(_word_like(words[start + i], phrase[i]) for i in range(n)):
            return key, n
        joined = "".join(phrase)
        if len(words[start]) >= len(joined) - 1 and similar(words[start], joined):  # "UnitPrice"
            return key, 1
    return None


# ---- rows and cells ------------------------------------------------------------------------


@dataclass
class Cell:
    words: list[Word]

    @property
    def left(self) -> float:
        return self.words[0].left

    @property
    def right(self) -> float:
        return max(w.right for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Row:
    words: list[Word]
    cells: list[Cell] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


_RULE_MARKS = frozenset("|!¦[]_—–-=:")


def is_rule_residue(text: str) -> bool:
    """A "word" that is a piece of table ruling OCR left behind ("|", "||", "[", "—")."""
    return bool(text) and all(c in _RULE_MARKS for c in text)


def visual_rows(words: list[Word]) -> list[Row]:
    """Words grouped into rows by their vertical centres, top to bottom, each left to right;
    leftovers of table rules are not words."""
    words = [w for w in words if not is_rule_residue(w.text)]
    if not words:
        return []
    height = statistics.median(w.height for w in words)
    rows: list[tuple[float, list[Word]]] = []
    for w in sorted(words, key=lambda w: w.top + w.height / 2):
        centre = w.top + w.height / 2
        if rows and abs(centre - rows[-1][0]) <= 0.45 * max(height, min(w.height, 2 * height)):
            ws = rows[-1][1]
            ws.append(w)
            rows[-1] = (sum(x.top + x.height / 2 for x in ws) / len(ws), ws)
        else:
            rows.append((centre, [w]))
    out = []
    for _, ws in rows:
        ws.sort(key=lambda w: w.left)
        row = Row(ws)
        row.cells = split_cells(ws)
        out.append(row)
    return out


def _char_width(w: Word) -> float:
    return w.width / max(len(w.text), 1)


_PLAIN_NUMBER = re.compile(r"^[(¥$]?\d[\d.,]*\)?$")


def split_cells(words: list[Word]) -> list[Cell]:
    """Words of one row split where the gap is wider than a word space."""
    cells: list[Cell] = []
    for w in words:
        if cells:
            prev = cells[-1].words[-1]
            gap = w.left - prev.right
            space = max(_char_width(prev), _char_width(w), 0.25 * max(prev.height, w.height))
            if gap <= 1.3 * space and not (_PLAIN_NUMBER.match(prev.text) and _PLAIN_NUMBER.match(w.text)):
                cells[-1].words.append(w)
                continue
        cells.append(Cell([w]))
    return cells


# ---- the header row ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    left: float
    right: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


_AMOUNT_LIKE = re.compile(r"\d[.,]\d\d|\d{4}")


def header_columns(row: Row, vocab: Vocabulary) -> list[Column] | None:
    """The columns of `row` when it is a header row: most of its words are column headers, with
    a name or amount column among at least three (two when it is just name and amount)."""
    words = row.words
    if any(_AMOUNT_LIKE.search(w.text) for w in words):
        return None  # a header has no amounts in it
    normed = [norm(w.text) for w in words]
    found: list[Column] = []
    unmatched: list[Word] = []
    matched = i = 0
    while i < len(words):
        if not normed[i]:
            i += 1
            continue
        hit = match_phrase(normed, i, vocab.columns)
        if hit is None:
            unmatched.append(words[i])
            i += 1
            continue
        key, n = hit
        span = words[i:i + n]
        if found and found[-1].key == key and key != "name":
            found[-1] = Column(key, found[-1].left, max(w.right for w in span))
        elif all(c.key != key for c in found):
            found.append(Column(key, span[0].left, max(w.right for w in span)))
        matched += n
        i += n
    if len(unmatched) == 1 and len(found) >= 3 and all(c.key != "name" for c in found):
        # One header word OCR garbled ("tem" for "Item") where the name column should be: the
        # item name is the one column a line-item table cannot lack.
        w = unmatched[0]
        found.append(Column("name", w.left, w.right))
        found.sort(key=lambda c: c.left)
        matched += 1
    keys = {c.key for c in found}
    content = sum(1 for t in normed if t)
    if matched < 0.75 * content or ("amount" not in keys and "price" not in keys):
        return None
    if len(keys) >= 3 or (keys == {"name", "amount"} and matched == content):
        return found
    return None


def assign(row: Row, columns: list[Column]) -> dict[str, list[Cell]]:
    """The row's cells by column key: the band a cell overlaps most, else the nearest band; a
    text cell next to a text cell continues it (a name with wide word spaces)."""
    out: dict[str, list[Cell]] = {}
    prev_key = ""
    for cell in row.cells:
        best, overlap = "", 0.0
        for col in columns:
            ov = min(cell.right, col.right) - max(cell.left, col.left)
            if ov > overlap:
                best, overlap = col.key, ov
        if not best:
            if prev_key in ("name", "category", "unit", "spec") and not _numberish(cell.text):
                best = prev_key
            else:
                centre = (cell.left + cell.right) / 2
                best = min(columns, key=lambda c: _distance(cell, c, centre)).key
        out.setdefault(best, []).append(cell)
        prev_key = best
    return out


def _distance(cell: Cell, col: Column, centre: float) -> float:
    if cell.right < col.left:
        return col.left - cell.right
    if cell.left > col.right:
        return cell.left - col.right
    return abs(centre - col.centre) * 0.01


def _numberish(text: str) -> bool:
    return bool(re.search(r"\d", text)) and sum(c.isdigit() for c in text) >= sum(c.isalpha() for c in text)
