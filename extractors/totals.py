"""The total amount and the issue date of receipts and invoices of any layout.

    find_total(pages)       # FieldValue("total_amount", "15.90", ...) or None
    find_issue_date(pages)  # FieldValue("issue_date", "2017-12-22", ...) or None

The fallback of the labelled-field extractor and the main path for free-form receipts. Every
amount on the pages is a candidate, scored by the label on its line (or on the label-only line
before it or to its left: stacked and two-column layouts), by how often the same value is printed,
and by the arithmetic of the receipt: total = cash - change, total = subtotal + tax + rounding.
A "rounding" line whose amount is too large for an adjustment is the rounded total.
Dates are scored by a date label on their line (a due date or an expiry date counts against), a
time next to them and their place near the top; a weekday printed with a date checks its digits,
and where no date reads on a line, one with a single OCR slip (a confusable digit in the day or
month, a letter in the month name) counts, doubted, when only one reading fits. Label wordings
live in `data/totals.toml` (`load_config` takes another file for tests); OCR slips inside labels
are tolerated by fuzzy word matching (two slips in a long word, a word split in two), slips inside
numbers by `normalise.fix_digits`.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from extractors.model import Box, FieldValue
from extractors.normalise import MONTHS, find_amounts, find_dates, fix_digits, parse_date
from pipeline.models import Page, Word

DATA = Path(__file__).resolve().parent / "data" / "totals.toml"
Phrase = tuple[str, ...]
_ROLES = ("cash", "change", "subtotal", "tax", "rounding")
_STOPWORDS = frozenset({"of", "the", "a", "an", "in"})


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity (caches)
class TotalsConfig:
    total: dict[str, tuple[Phrase, ...]]  # "strong" / "plain" / "avoid" -> phrases
    payment: dict[str, tuple[Phrase, ...]]  # "cash" / "change" / "subtotal" / "tax" / "rounding"
    date: dict[str, tuple[Phrase, ...]]  # "prefer" / "avoid"
    fuzzy_min_len: int
    fuzzy_score: float



def phrase_tokens(text: str) -> Phrase:
    """A label as comparison tokens: lower-case runs of letters and digits ("Total (RM):" ->
    ("total", "rm"))."""
    return tuple(t for t in re.findall(r"[^\W_]+", text.lower()) if t not in _STOPWORDS)


def _phrases(table: dict, key: str, where: str) -> tuple[Phrase, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}.{key}: expected a non-empty list of non-empty strings, got {value!r}")
    return tuple(p for p in (phrase_tokens(v) for v in value) if p)


def load_config(path: Path = DATA) -> TotalsConfig:
    """Read and check the label vocabulary; a mistake raises ValueError naming the entry."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        config = TotalsConfig(
            total={k: _phrases(raw["total"], k, "total") for k in ("strong", "plain", "avoid")},
            payment={k: _phrases(raw["payment"], k, "payment") for k in _ROLES},
            date={k: _phrases(raw["date"], k, "date") for k in ("prefer", "avoid")},
            fuzzy_min_len=int(raw["match"]["fuzzy_min_len"]),
            fuzzy_score=float(raw["match"]["fuzzy_score"]),
        )
    except KeyError as e:
        raise ValueError(f"{path.name}: missing table or key {e}") from e
    if not 0 < config.fuzzy_score <= 100:
        raise ValueError(f"{path.name}: match.fuzzy_score must be in (0, 100]")
    return config


CONFIG = load_config()


# --- the pages as lines --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Line:
    page_no: int
    words: tuple[Word, ...]
    text: str  # words joined by single spaces
    starts: tuple[int, ...]  # offset of each word in `text`
    pos: float  # place in the document, 0 (top of first page) .. 1 (bottom of last page)

    def words_in(self, span: tuple[int, int]) -> list[Word]:
        pairs = zip(self.words, self.starts, strict=True)
        return [w for w, s in pairs if s < span[1] and span[0] < s + len(w.text)]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


def document_lines(pages: list[Page]) -> list[Line]:
    out: list[Line] = []
    for n, page in enumerate(pages):
        for words in page.lines:
            words = [w for w in words if w.text.strip()]
            if not words:
                continue
            starts, offset = [], 0
            for w in words:
                starts.append(offset)
                offset += len(w.text) + 1
            y = (words[0].top + words[0].height / 2) / page.height if page.height else 0.5
            out.append(Line(page.page_no, tuple(words), " ".join(w.text for w in words), tuple(starts),
                            (n + min(max(y, 0.0), 1.0)) / len(pages)))
    return out


@lru_cache(maxsize=8)
def _vocabulary(config: TotalsConfig) -> tuple[str, ...]:
    groups = (*config.total.values(), *config.payment.values(), *config.date.values())
    return tuple(sorted({t for g in groups for p in g for t in p if len(t) >= config.fuzzy_min_len}))


_LONG_WORD, _LONG_WORD_SCORE = 8, 75.0  # words this long may carry two slips (2 of 8 letters: 75)


@lru_cache(maxsize=8192)
def _fuzzy_word(token: str, config: TotalsConfig) -> str:
    vocabulary = _vocabulary(config)
    if len(token) < config.fuzzy_min_len or token in vocabulary or sum(c.isdigit() for c in token) > 1:
        return token
    best = process.extractOne(token, vocabulary, scorer=fuzz.ratio, score_cutoff=config.fuzzy_score)
    if best:
        return best[0]
    if len(token) >= _LONG_WORD:  # two slips in a long word ("Subtoiat"), if only one word is near
        near = process.extract(token, vocabulary, scorer=fuzz.ratio, score_cutoff=_LONG_WORD_SCORE, limit=2)
        if len(near) == 1 or (len(near) == 2 and near[0][1] > near[1][1]):
            return near[0][0]
    return token


@lru_cache(maxsize=8192)
def _joined_word(first: str, second: str, config: TotalsConfig) -> str | None:
    """The vocabulary word two tokens spell together, where the first is no label word of its own
    and OCR split the word or slipped in it ("SUR-TOTAL" -> "subtotal"); else None."""
    joined = first + second
    vocabulary = [v for v in _vocabulary(config) if v not in (first, second) and len(v) >= 6]
    if len(joined) < 6 or first in _vocabulary(config) or not first.isalpha():
        return None
    best = process.extractOne(joined, vocabulary, scorer=fuzz.ratio, score_cutoff=config.fuzzy_score)
    return best[0] if best else None


def label_of(text: str, config: TotalsConfig = CONFIG) -> Phrase:
    """The label tokens of a line's text (values already blanked out), OCR slips undone."""
    tokens = [_fuzzy_word(t, config) for t in phrase_tokens(text)]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        joined = _joined_word(tokens[i], tokens[i + 1], config) if i + 1 < len(tokens) else None
        out.append(joined or tokens[i])
        i += 2 if joined else 1
    return tuple(out)


def _longest(tokens: Phrase, phrases: tuple[Phrase, ...]) -> int:
    """Length of the longest phrase found in `tokens` (whole words, contiguous), 0 if none."""
    best = 0
    for p in phrases:
        n = len(p)
        if n > best and any(tokens[i:i + n] == p for i in range(len(tokens) - n + 1)):
            best = n
    return best


def classify(tokens: Phrase, groups: dict[str, tuple[Phrase, ...]], order: tuple[str, ...]) -> str:
    """The group of the longest phrase in `tokens`; on equal length the group earlier in `order`
    wins. "" when none matches."""
    found = [(_longest(tokens, groups[g]), -i, g) for i, g in enumerate(order)]
    length, _, group = max(found)
    return group if length else ""


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def _box(words: list[Word]) -> Box:
    left, top = min(w.left for w in words), min(w.top for w in words)
    return (left, top, max(w.right for w in words) - left, max(w.bottom for w in words) - top)


def _conf(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words)


# --- the total -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    words: tuple[Word, ...]
    raw: str
    decimals: bool  # printed with decimals ("15.90", not "15")


@dataclass(slots=True)
class AmountLine:
    """A line with its amounts and what its label (own, or borrowed from a label-only line before it
    or to its left) says."""

    line: Line
    amounts: list[Amount]
    tokens: Phrase
    kind: str  # "strong", "plain", "avoid" or ""
    role: str  # one of _ROLES or ""
    label_words: tuple[Word, ...]


_TIME = re.compile(r"(?<![\d.])\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:[AaPp][Mm])?(?![\d.])")


def _amounts(line: Line) -> tuple[list[Amount], list[tuple[int, int]]]:
    fixed = fix_digits(line.text)
    times = [m.span() for m in _TIME.finditer(fixed) if ":" in m.group(0)]
    out, spans = [], list(times)
    for value, span in find_amounts(_blank(line.text, times)):
        raw = line.text[span[0]:span[1]]
        spans.append(span)
        if fixed[span[1]:span[1] + 1] == "%":
            continue
        out.append(Amount(Decimal(value), tuple(line.words_in(span)), raw,
                          bool(re.search(r"\d[.,]\d\d\s*\D*$", fixed[span[0]:span[1]]))))
    return out, spans


def _label_kind(tokens: Phrase, config: TotalsConfig) -> tuple[str, str]:
    kind = classify(tokens, config.total, ("avoid", "strong", "plain"))
    groups = {**config.payment, "strong": config.total["strong"], "plain": config.total["plain"]}
    role = classify(tokens, groups, ("strong", *_ROLES, "plain"))
    return kind, role if role in _ROLES else ""


def _same_band(a: Line, b: Line) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return a.page_no == b.page_no and overlap > 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _label_line(lines: list[Line], i: int, labels: dict[int, Phrase]) -> int | None:
    """The label-only line that labels amount-only line `i`: one in the same band to its left, else
    the line right above it."""
    line = lines[i]
    for j in range(max(0, i - 8), min(len(lines), i + 8)):
        if j in labels and _same_band(lines[j], line) and lines[j].words[-1].right <= line.words[0].left:
            return j
    if i - 1 in labels and lines[i - 1].page_no == line.page_no:
        height = line.bottom - line.top
        if line.top - lines[i - 1].bottom < 1.5 * height:
            return i - 1
    return None


def amount_lines(lines: list[Line], config: TotalsConfig = CONFIG) -> list[AmountLine]:
    """Every line with amounts, with its label."""
    found: dict[int, tuple[list[Amount], Phrase]] = {}
    labels: dict[int, Phrase] = {}
    for i, line in enumerate(lines):
        amounts, spans = _amounts(line)
        dates = [span for _, span in find_dates(line.text)]
        tokens = label_of(_blank(line.text, spans + dates), config)
        if amounts:
            found[i] = (amounts, tokens)
        elif tokens and not dates:
            labels[i] = tokens
    out = []
    for i, (amounts, tokens) in found.items():
        label_words = tuple(w for w in lines[i].words if not any(w in a.words for a in amounts))
        if not tokens:
            j = _label_line(lines, i, labels)
            if j is not None:
                tokens, label_words = labels[j], lines[j].words
        kind, role = _label_kind(tokens, config)
        out.append(AmountLine(lines[i], amounts, tokens, kind, role, label_words))
    return out


def _last(al: AmountLine) -> Amount:
    with_decimals = [a for a in al.amounts if a.decimals]
    return (with_decimals or al.amounts)[-1]


def _values(rows: list[AmountLine], role: str) -> list[Decimal]:
    return [_last(r).value for r in rows if r.role == role and _last(r).decimals and not _rounded_total(r)]


_MAX_ROUNDING = Decimal(1)  # no rounding adjustment is this large (cash rounding: 0.05, 0.50)


def _rounded_total(row: AmountLine) -> bool:
    """A "rounding" line whose amount is too large for an adjustment: the rounded total itself,
    its label garbled or shared with the adjustment ("Rounding RM 37.45")."""
    amount = _last(row)
    return row.role == "rounding" and amount.decimals and abs(amount.value) >= _MAX_ROUNDING


def implied_totals(rows: list[AmountLine]) -> set[Decimal]:
    """Totals the payment lines imply: cash - change (cash alone when no change is given), subtotal
    plus any of tax and rounding."""
    cash, change = _values(rows, "cash"), _values(rows, "change")
    out = {c - g for c in cash for g in change if 0 <= g < c} | ({*cash} if not change else set())
    for s in _values(rows, "subtotal"):
        extras = [Decimal(0), *(t for t in _values(rows, "tax") if t > 0)]
        out |= {s + t + r for t in extras for r in [Decimal(0), *_values(rows, "rounding")]}
    return {v for v in out if v > 0}


# Digits tesseract confuses on receipt print ("0" read as "6" or "8", a "3" as "8", ...).
_CONFUSED = frozenset(frozenset(p) for p in ("06", "08", "68", "38", "56", "58", "09", "89", "17", "35",
                                               "14"))


def ocr_slip(printed: str, implied: str) -> bool:
    """Whether `printed` is `implied` with one OCR slip: a confusable digit, or a lost leading
    digit ("5.80" for "35.80")."""
    if len(printed) == len(implied):
        diffs = [(a, b) for a, b in zip(printed, implied, strict=True) if a != b]
        return len(diffs) == 1 and frozenset(diffs[0]) in _CONFUSED
    return len(implied) == len(printed) + 1 and implied.endswith(printed)


_KIND_SCORE = {"strong": 3.0, "plain": 2.0, "": 0.0}


def _score(row: AmountLine, amount: Amount, rows: list[AmountLine], implied: set[Decimal],
           kind: str) -> float:
    score = _KIND_SCORE[kind] + 0.5 * row.line.pos
    if sum(a.decimals for a in row.amounts) > 1 and kind != "strong":
        score -= 2.0  # a row of a table (GST summary: net, tax)
    if not amount.decimals:
        score -= 3.0
    others = sum(1 for r in rows if r is not row and any(a.value == amount.value for a in r.amounts))
    score += min(0.5 * others, 1.5)
    if amount.value in implied:
        score += 2.0
    payable = [_last(r).value for r in rows if r.role not in ("cash", "change") and r.kind != "avoid"]
    if payable and amount.value >= max(payable):
        score += 0.5
    return score


@dataclass(frozen=True, slots=True)
class TotalCandidate:
    score: float
    row: AmountLine
    amount: Amount
    value: Decimal  # the amount, or the total the payment lines imply where it is an OCR slip of it
    kind: str  # the row's kind, "strong" for a rounded total on a rounding line


def total_candidates(pages: list[Page], config: TotalsConfig = CONFIG) -> list[TotalCandidate]:
    """Every amount that may be the total, best first."""
    rows = amount_lines(document_lines(pages), config)
    implied = implied_totals(rows)
    out = []
    for row in rows:
        kind = "strong" if _rounded_total(row) else row.kind
        if kind == "avoid" or (row.role and kind != "strong"):
            continue
        amount = _last(row)
        if amount.value > 0:
            again = any(r is not row and any(a.value == amount.value for a in r.amounts) for r in rows)
            value = amount.value if again else _repaired(amount.value, implied)
            out.append(TotalCandidate(_score(row, amount, rows, implied, kind), row, amount, value, kind))
    out.sort(key=lambda c: -c.score)
    return out


def _repaired(value: Decimal, implied: set[Decimal]) -> Decimal:
    """The implied total `value` is an OCR slip of, where exactly one fits; else `value`."""
    if value in implied:
        return value
    fits = [v for v in implied if ocr_slip(f"{value:.2f}", f"{v:.2f}")]
    return fits[0] if len(fits) == 1 else value


def find_total(pages: list[Page], config: TotalsConfig = CONFIG) -> FieldValue | None:
    """The total amount payable of a receipt or invoice, or None when no amount qualifies."""
    candidates = total_candidates(pages, config)
    if not candidates:
        return None
    best = candidates[0]
    words = [*best.row.label_words, *best.amount.words]
    conf = _conf(words) * {"strong": 1.0, "plain": 0.9, "": 0.6}[best.kind]
    if best.value != best.amount.value:
        conf *= 0.7
    return FieldValue("total_amount", f"{best.value:.2f}", best.amount.raw.strip(), round(conf, 3),
                      best.row.line.page_no, _box(words))


# --- the issue date ------------------------------------------------------------------------------

_COMPACT_DATE = re.compile(r"(?<![\d.,/-])(\d{8})(?![\d.,/-])")


def compact_date(digits: str) -> str | None:
    """An eight-digit date as ISO: yyyymmdd, else ddmmyyyy ("20180304", "25032018"); None if
    neither reads as a date of 1990..2099."""
    for y, m, d in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        if 1990 <= int(y) <= 2099:
            try:
                return dt.date(int(y), int(m), int(d)).isoformat()
            except ValueError:
                continue
    return None


@dataclass(frozen=True, slots=True)
class DateCandidate:
    score: float
    iso: str
    line: Line
    words: tuple[Word, ...]
    raw: str


_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*((?:19|20)?\d\d)(?!\d)")
_PARTNERS = {d: sorted({c for pair in _CONFUSED if d in pair for c in pair} - {d}) for d in "0123456789"}


def _digit_variants(text: str, positions: list[int]) -> list[str]:
    """`text` with one digit at one of `positions` replaced by a digit OCR confuses it with."""
    return [text[:i] + c + text[i + 1:] for i in positions if text[i].isdigit() for c in _PARTNERS[text[i]]]


def repaired_dates(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Numeric dates that do not read as printed (day 61, month 99) but do with one confusable digit
    of the day or month undone ("61/03/18" -> 2018-03-01), where exactly one such reading exists."""
    out = []
    for m in _NUMERIC_DATE.finditer(fix_digits(text)):
        raw = m.group(0)
        if find_dates(raw):
            continue
        start = m.start()
        positions = [*range(m.start(1) - start, m.end(1) - start),
                     *range(m.start(3) - start, m.end(3) - start)]
        readings = {r for v in _digit_variants(raw, positions) if (r := parse_date(v))}
        if len(readings) == 1:
            out.append((readings.pop(), m.span()))
    return out


# Letters tesseract confuses in month names ("Mat" for "Mar", "HARCH" for "MARCH").
_LETTER_SLIPS = (("r", "t"), ("r", "n"), ("n", "h"), ("m", "n"), ("h", "m"), ("u", "v"), ("c", "e"),
                 ("a", "o"), ("e", "o"), ("i", "l"), ("y", "v"), ("g", "q"), ("f", "t"), ("b", "h"))
_WORD_DATE = (
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})[\s\-/.]*(?P<mon>[A-Za-z]{3,9})\.?[\s\-/.,]*"
               r"(?P<y>(?:19|20)?\d\d)(?!\d)"),
    re.compile(r"(?<![A-Za-z])(?P<mon>[A-Za-z]{3,9})\.?\s*(?P<d>\d{1,2}),?\s*(?P<y>(?:19|20)\d\d)(?!\d)"),
)


def slipped_month(word: str) -> int | None:
    """The month a word names with one OCR letter slip ("Mat" -> 3), where only one month fits;
    None for a month name as printed (that reads already) and for anything else."""
    word = word.lower()
    if word in MONTHS:
        return None
    found = set()
    for i, c in enumerate(word):
        for pair in _LETTER_SLIPS:
            if c in pair:
                other = pair[1] if c == pair[0] else pair[0]
                if (name := word[:i] + other + word[i + 1:]) in MONTHS:
                    found.add(MONTHS[name])
    return found.pop() if len(found) == 1 else None


def slipped_month_dates(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Dates whose month name carries one OCR letter slip ("27 Mat 2018" -> 2018-03-27)."""
    fixed, out = fix_digits(text), list[tuple[str, tuple[int, int]]]()
    for pattern in _WORD_DATE:
        for m in pattern.finditer(fixed):
            month = slipped_month(m.group("mon"))
            y = int(m.group("y"))
            y = y if y >= 100 else y + 2000 if y < 70 else y + 1900
            if month and not any(s < m.end() and m.start() < e for _, (s, e) in out):
                try:
                    out.append((dt.date(y, month, int(m.group("d"))).isoformat(), m.span()))
                except ValueError:
                    continue
    return out


_WEEKDAY = re.compile(r"(?i)(?<![a-z])(mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}(?![a-z])")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekday_checked(iso: str, raw: str, text: str) -> str:
    """A date checked against the one weekday printed on its line ("14-01-2016 (Sun)"): where they
    disagree and exactly one confusable digit of the date makes them agree, that reading
    (2018-01-14, a Sunday); else the date as read."""
    days = {_WEEKDAYS.index(m.group(1).lower()) for m in _WEEKDAY.finditer(text)
            if len(m.group(0)) in (3, 4) or m.group(0).lower().endswith("day")}
    if len(days) != 1 or dt.date.fromisoformat(iso).weekday() in days:
        return iso
    fixed = fix_digits(raw)
    latest = dt.date.today().year + 1  # an issue date is not far in the future (2046 is a Sunday too)
    readings = {r for v in _digit_variants(fixed, list(range(len(fixed)))) if (r := parse_date(v))
                and dt.date.fromisoformat(r).weekday() in days and int(r[:4]) <= latest}
    return readings.pop() if len(readings) == 1 else iso


def _line_dates(line: Line) -> list[tuple[str, tuple[int, int], float]]:
    """(ISO, span, doubt) for each date on the line. Eight-digit runs only where nothing else is,
    dates with an OCR slip undone (a digit, a letter of the month) only where neither is; both
    doubted (0.5)."""
    found = [(weekday_checked(iso, line.text[span[0]:span[1]], line.text), span, 0.0)
             for iso, span in find_dates(line.text)]
    if not found:
        fixed = fix_digits(line.text)
        found = [(iso, m.span(1), 0.5) for m in _COMPACT_DATE.finditer(fixed)
                 if (iso := compact_date(m.group(1)))]
    if not found:
        slipped = [*slipped_month_dates(line.text), *repaired_dates(line.text)]
        found = [(iso, span, 0.5) for iso, span in slipped]
    return [f for f in found if 1990 <= int(f[0][:4]) <= 2099]


def _date_label(line: Line, spans: list[tuple[int, int]], config: TotalsConfig) -> str:
    tokens = label_of(_blank(line.text, spans), config)
    return classify(tokens, config.date, ("avoid", "prefer"))


def date_candidates(pages: list[Page], config: TotalsConfig = CONFIG) -> list[DateCandidate]:
    """Every date that may be the issue date, best first."""
    lines = document_lines(pages)
    out = []
    for i, line in enumerate(lines):
        dates = _line_dates(line)
        if not dates:
            continue
        label = _date_label(line, [s for _, s, _ in dates], config)
        if not label and i > 0 and not _line_dates(lines[i - 1]):
            label = {"prefer": "above", "avoid": "avoid"}.get(_date_label(lines[i - 1], [], config), "")
        has_time = bool(_TIME.search(fix_digits(line.text)))
        for iso, span, doubt in dates:
            score = {"prefer": 2.0, "above": 1.0, "avoid": -3.0, "": 0.0}[label] + 1.0 * has_time
            score += 1.0 - line.pos - doubt
            raw = line.text[span[0]:span[1]]
            out.append(DateCandidate(score, iso, line, tuple(line.words_in(span)), raw))
    counts = {c.iso: sum(1 for d in out if d.iso == c.iso) for c in out}
    out = [DateCandidate(c.score + 0.3 * min(counts[c.iso] - 1, 2), c.iso, c.line, c.words, c.raw)
           for c in out]
    out.sort(key=lambda c: -c.score)
    return out


def find_issue_date(pages: list[Page], config: TotalsConfig = CONFIG) -> FieldValue | None:
    """The date a receipt or invoice was issued (ISO), or None when no date is printed."""
    candidates = date_candidates(pages, config)
    if not candidates:
        return None
    best = candidates[0]
    words = list(best.words) or list(best.line.words)
    return FieldValue("issue_date", best.iso, best.raw.strip(), round(_conf(words), 3), best.line.page_no,
                      _box(words))
