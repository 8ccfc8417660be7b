"""Table geometry: words grouped into visual rows, cells, the header row and its column bands.

A header row is a row whose words read, fuzzily, as column headers of `data/columns.toml`
(longest synonym first, so "Unit Price" wins over "Unit"). Its cells give the column bands; the
cells of the rows below go to the column whose band they overlap (or the nearest one).
"""

from __future__ import annotations

import itertools
import re
import statistics
import tomllib
from dataclasses import dataclass, field, replace
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


def _letter_i(bar: Word, words: list[Word], height: float) -> bool:
    """A "|" that is OCR's capital I ("Level | nursing care", "Troponin |"): of text height, a word
    space after a word that ends in a letter on its line. A ruling is taller, or stands apart."""
    if bar.text != "|" or bar.height > 1.2 * height:
        return False
    centre = bar.top + bar.height / 2
    return any(abs(w.top + w.height / 2 - centre) < 0.4 * height and w.text[-1:].isalpha()
               and 0 <= bar.left - w.right <= 0.6 * height for w in words)


def visual_rows(words: list[Word]) -> list[Row]:
    """Words grouped into rows by their vertical centres, top to bottom, each left to right;
    leftovers of table rules are not words, a "|" that is a letter I is one."""
    if not words:
        return []
    height = statistics.median(w.height for w in words)
    words = [replace(w, text="I") if _letter_i(w, words, height) else w for w in words
             if not is_rule_residue(w.text) or _letter_i(w, words, height)]
    if not words:
        return []
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
    if any(_AMOUNT_LIKE.search(w.text) for w in row.words):
        return None  # a header has no amounts in it
    # Punctuation-only words ("/" of "Drug / Service", "|" of a ruling) are not header words.
    words = [w for w in row.words if norm(w.text) and w.text != "I"]
    normed = [norm(w.text) for w in words]
    found: list[Column] = []
    unmatched: list[list[Word]] = []  # runs of consecutive words that are no column header
    matched = i = 0
    while i < len(words):
        hit = match_phrase(normed, i, vocab.columns)
        if hit is None:
            if unmatched and unmatched[-1][-1] is words[i - 1]:
                unmatched[-1].append(words[i])
            else:
                unmatched.append([words[i]])
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
    if len(found) >= 3 and all(c.key != "name" for c in found):
        name, runs = _lost_name_column(found, unmatched)
        found.append(name)
        found.sort(key=lambda c: c.left)
        matched += runs
    keys = {c.key for c in found}
    content = len(normed)
    if matched < 0.75 * content or ("amount" not in keys and "price" not in keys):
        return None
    if len(keys) >= 3 or (keys == {"name", "amount"} and matched == content):
        return found
    return None


TEXT_KEYS = ("name", "category", "unit", "spec")


def _lost_name_column(found: list[Column], unmatched: list[list[Word]]) -> tuple[Column, int]:
    """The name column of a header whose name header OCR garbled ("tem", "Ite Nase") or lost:
    the item name is the one column a line-item table cannot lack, and the widest, so it is the
    widest gap between the known columns (or after the last). A garbled header word at the start
    of that gap gives its left edge. Returns the column and the number of header words it
    explains."""
    cols = sorted(found, key=lambda c: c.left)
    gaps = [(b.left - a.right, a.right, b.left) for a, b in itertools.pairwise(cols)]
    gaps += [(cols[0].left - run[0].left, run[0].left, cols[0].left) for run in unmatched[:1]
             if run[-1].right < cols[0].left]  # a garbled header before the first known column
    _, start, end = max(gaps)
    for run in unmatched:
        if start <= run[0].left < (start + end) / 2:
            return Column("name", run[0].left, max(w.right for w in run)), len(run)
    return Column("name", start + 1, start + (end - start) / 2), 0


def assign(row: Row, columns: list[Column]) -> dict[str, list[Cell]]:
    """The row's cells by column key: the band a cell overlaps most; else the text column of the
    cell before it when that cell is nearer than any band (a left-aligned name runs on past its
    short header: "Glibenclamide Tablets  2.5mg"), else the nearest band."""
    out: dict[str, list[Cell]] = {}
    prev_key = ""
    prev: Cell | None = None
    for cell in row.cells:
        best, overlap = "", 0.0
        for col in columns:
            ov = min(cell.right, col.right) - max(cell.left, col.left)
            if ov > overlap:
                best, overlap = col.key, ov
        if not best:
            centre = (cell.left + cell.right) / 2
            nearest = min(columns, key=lambda c: _distance(cell, c, centre))
            best = nearest.key
            if prev is not None and prev_key in TEXT_KEYS:
                gap = cell.left - prev.right
                if gap < _distance(cell, nearest, centre) or (
                        not _numberish(cell.text) and nearest.key not in NUMERIC):
                    best = prev_key
        out.setdefault(best, []).append(cell)
        prev_key, prev = best, cell
    return out


def _distance(cell: Cell, col: Column, centre: float) -> float:
    if cell.right < col.left:
        return col.left - cell.right
    if cell.left > col.right:
        return cell.left - col.right
    return abs(centre - col.centre) * 0.01


def _numberish(text: str) -> bool:
    return bool(re.search(r"\d", text)) and sum(c.isdigit() for c in text) >= sum(c.isalpha() for c in text)
