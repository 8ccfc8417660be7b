"""Labelled fields of a classified document: label synonyms found on the page, the value to their
right (or below them, in stacked card layouts), validated and normalised by the field's kind.

    fields = extract_fields(doc)            # {"patient_name": FieldValue(...), ...}
    FIELDS_BY_TYPE["id_card"]               # ("patient_name", "id_number", ...)

Labels, kinds and the fields of each type live in `data/fields.toml`, loaded and validated once
(`load_config` takes another file for tests). The page is regrouped into visual lines (OCR lines
of two columns are one visual line); each line is cut into segments at wide gaps (columns, grid
cells). A label begins a segment or ends with a colon; its value is what follows it up to the
next label or segment, else the segment right below it. A candidate that does not parse as its
kind gives way to the next one. Where labels are lost, patterns stand in: the only ID number of
a document, and the hospital's name in the heading.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from extractors.field_values import canonical_address, canonical_organisation
from extractors.model import Box, FieldValue
from extractors.normalise import (
    find_amounts,
    find_dates,
    find_id_numbers,
    fix_digits,
    normalise_id,
    normalise_name,
)
from pipeline.models import Document, Page

DATA = Path(__file__).resolve().parent / "data" / "fields.toml"
KINDS = frozenset({"name", "id", "date", "amount", "code", "account", "gender", "text", "region",
                   "address", "org"})
DIGIT_KINDS = frozenset({"id", "date", "amount", "code", "account"})
LONG_KINDS = frozenset({"text", "address", "org"})  # values that may run over gaps and lines
GAP = 1.1  # a gap wider than this many word heights separates columns
RUN_ON = 2.5  # a long text value runs on over a gap up to this many word heights
_NUMBER_TOKENS = frozenset({"no", "number", "num", "nr", "#", "n°", "nº", "no.#"})
_STRIP = ":：.,;()[]{}*\"'|_-–—/"


@dataclass(frozen=True, slots=True)
class Label:
    field: str  # "" for labels of things no field takes
    tokens: tuple[str, ...]
    rank: int  # 0 per-type list, 1 default list, 2 other labels


@dataclass(frozen=True, slots=True)
class FieldConfig:
    types: dict[str, tuple[str, ...]]
    kinds: dict[str, str]
    labels: dict[str, tuple[Label, ...]]  # doc type -> every label to look for on it
    hospital_keywords: tuple[str, ...]
    title_words: frozenset[str]
    top_fraction: float
    address_units: frozenset[str] = frozenset()
    address_ends: frozenset[str] = frozenset()
    number_words: frozenset[str] = frozenset()
    org_abbreviations: frozenset[str] = frozenset()


def label_tokens(text: str) -> tuple[str, ...]:
    """A label as comparison tokens: lower case, no punctuation, number words as "no"."""
    out = []
    text = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", text)  # words run together: "CardNumber"
    for raw in text.replace("#", " # ").split():
        tok = raw.lower().strip(_STRIP) if raw != "#" else "#"
        if tok.endswith("'s"):
            tok = tok[:-2]
        if tok in _NUMBER_TOKENS or (len(tok) >= 5 and fuzz.ratio(tok, "number") >= 80):
            tok = "no"
        if tok:
            out.append(tok)
    return tuple(out)


def _str_list(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return list(value)


def _type_labels(doc_type: str, fields: tuple[str, ...], raw: dict) -> tuple[Label, ...]:
    own = raw.get(doc_type, {})
    out: list[Label] = []
    for name in fields:
        for rank, table in ((0, own), (1, raw.get("default", {}))):
            out += [Label(name, label_tokens(s), rank) for s in _str_list(table.get(name, []),
                                                                         f"labels.{name}")]
    return tuple(lb for lb in out if lb.tokens)


def load_config(path: Path = DATA) -> FieldConfig:
    """Read and check the field vocabulary; a mistake raises ValueError naming the entry."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    kinds = dict(raw["kinds"])
    for name, kind in kinds.items():
        if kind not in KINDS:
            raise ValueError(f"{path.name}: kinds.{name} = {kind!r}; use one of {sorted(KINDS)}")
    types = {t: tuple(_str_list(v, f"types.{t}") if v else []) for t, v in raw["types"].items()}
    for t, names in types.items():
        unknown = [n for n in names if n not in kinds]
        if unknown:
            raise ValueError(f"{path.name}: types.{t} names fields without a kind: {unknown}")
    for section, table in raw["labels"].items():
        if section != "default" and section not in types:
            raise ValueError(f"{path.name}: labels.{section} is not a document type")
        for name in table:
            if name not in kinds:
                raise ValueError(f"{path.name}: labels.{section}.{name} is not a field")
    others = tuple(Label("", label_tokens(s), 2)
                   for s in _str_list(raw["other_labels"]["labels"], "other_labels"))
    head = raw["hospital_heading"]
    address, org = raw.get("address", {}), raw.get("organisation", {})

    def lower_set(table: dict, key: str, where: str) -> frozenset[str]:
        return frozenset(w.lower() for w in _str_list(table.get(key, []) or [], where))

    return FieldConfig(
        types=types, kinds=kinds,
        labels={t: _type_labels(t, names, raw["labels"]) + others for t, names in types.items()},
        hospital_keywords=tuple(_str_list(head["keywords"], "hospital_heading.keywords")),
        title_words=frozenset(w.lower() for w in _str_list(head["title_words"], "title_words")),
        top_fraction=float(head["top_fraction"]),
        address_units=lower_set(address, "unit_words", "address.unit_words"),
        address_ends=lower_set(address, "component_ends", "address.component_ends"),
        number_words=lower_set(address, "number_words", "address.number_words"),
        org_abbreviations=lower_set(org, "abbreviations", "organisation.abbreviations"),
    )


CONFIG = load_config()
FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = CONFIG.types


# --- the page as visual lines of tokens ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    norm: str  # label_tokens form ("" for punctuation only)
    left: float
    top: float
    right: float
    bottom: float
    conf: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def colon(self) -> bool:
        return self.text.endswith((":", "："))


@dataclass(slots=True)
class Line:
    toks: list[Tok]
    seg: list[int]  # segment number of each token (columns cut at wide gaps)
    height: float

    @property
    def top(self) -> float:
        return min(t.top for t in self.toks)

    @property
    def bottom(self) -> float:
        return max(t.bottom for t in self.toks)


def _split_word(text: str, left: float, top: float, width: float, height: float, conf: float
                ) -> Iterator[Tok]:
    """A word as tokens; "Name:Wang" is two ("Name:", "Wang") with boxes shared by length."""
    parts = [p for p in re.split(r"(?<=[:：])(?=\S)", text) if p]
    x = left
    for part in parts:
        w = width * len(part) / max(len(text), 1)
        norm = label_tokens(part)
        yield Tok(part, norm[0] if len(norm) == 1 else "".join(norm), x, top, x + w, top + height,
                  conf)
        x += w


def page_lines(page: Page) -> list[Line]:
    """The page's words as visual lines, top to bottom: a word joins the line whose band holds
    its vertical middle (tesseract's lines of two columns become one)."""
    toks = [t for w in page.words if re.search(r"\w", w.text)
            for t in _split_word(w.text.strip(), w.left, w.top, w.width, w.height, w.conf)]
    bands: list[list[Tok]] = []
    for t in sorted(toks, key=lambda t: (t.top + t.bottom) / 2):
        mid = (t.top + t.bottom) / 2
        for band in reversed(bands[-4:]):
            top = statistics.median(b.top for b in band)
            bottom = statistics.median(b.bottom for b in band)
            if top <= mid <= bottom:
                band.append(t)
                break
        else:
            bands.append([t])
    lines = [_line(sorted(b, key=lambda t: t.left)) for b in bands]
    return sorted(lines, key=lambda ln: statistics.median((t.top + t.bottom) / 2 for t in ln.toks))


def _line(toks: list[Tok]) -> Line:
    heights = sorted(t.height for t in toks)
    height = heights[(len(heights) * 3) // 4] or 1.0  # tall words: lower case boxes are short
    seg, n = [0], 0
    for prev, cur in itertools.pairwise(toks):
        if cur.left - prev.right > GAP * height:
            n += 1
        seg.append(n)
    return Line(toks, seg, height)


# --- labels on a line ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Hit:
    label: Label
    start: int  # first token of the label on the line
    end: int  # one past its last token
    score: float  # 0..1 how well it matched


def _similar(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) <= 4:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


@functools.cache
def _spelled(tokens: tuple[str, ...]) -> tuple[str, str]:
    """A label's words joined with and without spaces."""
    return " ".join(tokens), "".join(tokens)


def _close_lengths(a: int, b: int, cutoff: float) -> bool:
    """Whether strings of lengths a and b can reach `cutoff` in rapidfuzz's ratio at all
    (2 * matches / (a + b), matches <= min(a, b)): a cheap filter before the real comparison."""
    return a == b or 2 * min(a, b) >= cutoff * (a + b)


def _match_at(line: Line, i: int, label: Label) -> Hit | None:
    """The label at token i: the words (or the words run together) spell it, nearly."""
    n = len(label.tokens)
    want, want_joined = _spelled(label.tokens)
    best: Hit | None = None
    for k in (n, n - 1, n + 1):
        toks = line.toks[i:i + k]
        if k == 0 or len(toks) < k or any(line.seg[i + j] != line.seg[i] for j in range(k)):
            continue
        norms = [t.norm for t in toks if t.norm]
        joined_len = sum(len(t) for t in norms)
        if k == n:
            if not _close_lengths(len(want), joined_len + len(norms) - 1, 0.86):
                continue
            score = _similar(want, " ".join(norms))
        else:  # words run together or split apart: compare without spaces, strictly
            if not _close_lengths(len(want_joined), joined_len, 0.92):
                continue
            score = _similar(want_joined, "".join(norms))
            score = score if score >= 0.92 else 0.0
        if score >= 0.86 and (best is None or score > best.score):
            best = Hit(label, i, i + k, score)
    return best


# Labels by word count: (their spellings with spaces, without spaces, the labels), for one
# rapidfuzz call per word span that keeps only the labels worth a closer look.
LengthIndex = dict[int, tuple[list[str], list[str], list[Label]]]


@functools.cache
def _by_length(labels: tuple[Label, ...]) -> LengthIndex:
    """Labels by word count with their spellings (with and without spaces)."""
    index: LengthIndex = {}
    for lb in labels:
        spaced, joined = _spelled(lb.tokens)
        entry = index.setdefault(len(lb.tokens), ([], [], []))
        entry[0].append(spaced)
        entry[1].append(joined)
        entry[2].append(lb)
    return index


def _plausible(line: Line, i: int, index: LengthIndex) -> list[Label]:
    """The labels the words from token i come near to spelling (the same cut-offs as
    `_match_at`, computed for all labels at once)."""
    out: dict[Label, None] = {}
    for n, (spaced, joined, labels) in index.items():
        for k in (n, n - 1, n + 1):
            toks = line.toks[i:i + k]
            if k == 0 or len(toks) < k:
                continue
            norms = [t.norm for t in toks if t.norm]
            if k == n:
                hits = process.extract(" ".join(norms), spaced, scorer=fuzz.ratio, score_cutoff=85.9,
                                       limit=None)
            else:
                hits = process.extract("".join(norms), joined, scorer=fuzz.ratio, score_cutoff=91.9,
                                       limit=None)
            out.update(dict.fromkeys(labels[j] for _, _, j in hits))
    return list(out)


def _is_label_start(line: Line, i: int) -> bool:
    return i == 0 or line.seg[i] != line.seg[i - 1] or line.toks[i - 1].colon


def _inline_label(line: Line, hit: Hit) -> bool:
    """A label inside a run of words (two cells OCR ran together): a field's label of two words
    or more, spelled exactly, with a number right after it ("... Hospital Admitted on 2025/4/17")."""
    return (bool(hit.label.field) and len(hit.label.tokens) >= 2 and hit.score == 1.0
            and hit.end < len(line.toks) and line.toks[hit.end].text[:1].isdigit())


def line_hits(line: Line, labels: tuple[Label, ...]) -> list[Hit]:
    """The labels on a line, left to right: each begins a segment (or follows a colon), ends
    with a colon or is an inline label; where several labels fit, the longest, then the best
    matched, wins."""
    found: list[Hit] = []
    index = _by_length(labels)
    for i, tok in enumerate(line.toks):
        if not tok.norm:
            continue
        hits = [h for lb in _plausible(line, i, index) if (h := _match_at(line, i, lb))]
        hits = [h for h in hits if _is_label_start(line, i) or line.toks[h.end - 1].colon
                or _inline_label(line, h)]
        if hits:
            found.append(max(hits, key=lambda h: (h.end - h.start, h.score, -h.label.rank)))
    chosen: list[Hit] = []
    for h in sorted(found, key=lambda h: (-(h.end - h.start), -h.score, h.start)):
        if all(h.end <= c.start or c.end <= h.start for c in chosen):
            chosen.append(h)
    return sorted(chosen, key=lambda h: h.start)


# --- values by kind -----------------------------------------------------------------------------

_GENDERS = {"male": "Male", "m": "Male", "man": "Male", "男": "Male",
            "female": "Female", "f": "Female", "woman": "Female", "女": "Female"}


def _clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" :：;,|_").strip()


def _code(text: str) -> str | None:
    text = text.strip("\\‘’'\"`()[]{}<>")  # OCR debris at the edges, as in "\V99489557"
    raw = re.sub(r"[\s\-.:/]", "", text).upper().replace("$", "S")
    m = re.fullmatch(r"([A-Z]{0,3})([0-9A-Z]+)", raw)
    if not m:
        return None
    value = m.group(1) + fix_digits(m.group(2)) if len(m.group(2)) > 1 else raw
    value = value.upper()
    return value if sum(c.isdigit() for c in value) >= 4 and len(value) <= 30 else None


def _name(text: str) -> str | None:
    text = re.sub(r"\(.*?\)", " ", text)
    if re.search(r"\d", text):
        return None
    parts = re.sub(r"[^\w\s'\-]", " ", text).split()
    if not 1 <= len(parts) <= 4 or sum(len(p) for p in parts) < 2:
        return None
    return normalise_name(" ".join(parts))


def parse_kind(kind: str, text: str, last: bool = False, config: FieldConfig | None = None
               ) -> str | None:
    """A value of `kind` in `text`, normalised, or None when the text is not one."""
    text = _clean_text(text)
    if not text:
        return None
    if kind == "date":
        dates = find_dates(text)
        return (dates[-1] if last else dates[0])[0] if dates else None
    if kind == "amount":
        amounts = find_amounts(text)
        return amounts[-1][0] if amounts else None
    if kind == "id":
        ids = find_id_numbers(text)
        if ids:
            return ids[0][0]
        value = normalise_id(text)
        return value if re.fullmatch(r"\d{14}[\dX]|\d{17}[\dX]", value) else None
    if kind == "name":
        return _name(text)
    if kind == "gender":
        return _GENDERS.get(text.split()[0].lower().strip(".,;"))
    if kind == "code":
        return _code(text)
    if kind == "account":
        digits = re.sub(r"[\s\-]", "", fix_digits(text))
        return digits if re.fullmatch(r"\d{8,30}", digits) else None
    if kind in ("text", "region", "address", "org"):
        text = _trim_junk(text)
    if sum(c.isalpha() for c in text) < 2:
        return None
    config = config or CONFIG
    if kind == "address":
        return canonical_address(text, config.address_units, config.address_ends,
                                 config.number_words)
    if kind == "org":
        return canonical_organisation(text, config.org_abbreviations)
    return text


_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def _trim_junk(text: str) -> str:
    """Drop OCR debris (seal, emblem, table rules) around a text value: short lower-case or
    symbol tokens before it, an unbalanced bracket after it."""
    words = text.split()
    while len(words) > 1 and len(re.sub(r"\W", "", words[0])) <= 2 and not words[0][:1].isupper():
        words.pop(0)
    while len(words) > 1 and len(words[0]) == 1 and not words[0].isalnum():
        words.pop(0)
    out = " ".join(words).strip("—–-_~ ")
    out = re.sub(r"^[^\w(\[]+(?=[A-Za-z])", "", out)  # a symbol stuck to its start: "§Anfu"
    out = out.translate(_QUOTES)  # one apostrophe: "People’s" -> "People's"
    if out.endswith(")") and "(" not in out:
        out = out[:-1]
    return out


# --- candidates ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Candidate:
    value: FieldValue
    order: tuple[float, ...]  # lower is preferred


def _field_value(name: str, value: str, toks: list[Tok], page: Page, weight: float) -> FieldValue:
    left, top = min(t.left for t in toks), min(t.top for t in toks)
    box: Box = (round(left, 1), round(top, 1), round(max(t.right for t in toks) - left, 1),
                round(max(t.bottom for t in toks) - top, 1))
    conf = sum(t.conf for t in toks) / len(toks) * weight
    raw = " ".join(t.text for t in toks)
    return FieldValue(name, value, raw, round(min(max(conf, 0.0), 1.0), 4), page.page_no, box)


def _segment(line: Line, i: int, stop: int) -> list[Tok]:
    """Tokens from i on, in token i's segment, before index `stop`."""
    return [t for j, t in enumerate(line.toks[i:stop], i) if line.seg[j] == line.seg[i]]


def _right_of(line: Line, hit: Hit, hits: list[Hit], kind: str) -> list[Tok]:
    """What follows a label on its line: up to the next label; one segment, but the rest of
    the line for amounts (a total row's amount sits in the last column)."""
    later = [h.start for h in hits if h.start >= hit.end]
    stop = min(later, default=len(line.toks))
    if hit.end >= stop:
        return []
    if kind == "amount":
        return line.toks[hit.end:stop]
    toks = _segment(line, hit.end, stop)
    if kind in LONG_KINDS:
        # Long values: OCR opens gaps inside them; run on over a gap of a few letters, but not
        # into a segment that holds a label of its own ("Clerk:") or a date.
        j = hit.end + len(toks)
        while j < stop and line.toks[j].left - toks[-1].right <= RUN_ON * line.height:
            seg = _segment(line, j, stop)
            if any(t.colon for t in seg) or find_dates(" ".join(t.text for t in seg)):
                break
            toks += seg
            j += len(seg)
    return toks


def _below(lines: list[Line], li: int, hit: Hit, labels: tuple[Label, ...]
           ) -> tuple[int, list[Tok]] | None:
    """The segment right under a label (stacked layouts), within two line heights."""
    line = lines[li]
    head = line.toks[hit.start:hit.end]
    left, right, h = head[0].left, head[-1].right, line.height
    for lj in range(li + 1, min(li + 4, len(lines))):
        below = lines[lj]
        if below.top - line.bottom > 2.2 * h:
            return None
        hb = max(h, below.height)  # labels are often printed smaller than their values
        # a segment's start under the label, or a word right under its start (columns that
        # OCR ran together)
        idx = [j for j, t in enumerate(below.toks) if left - 1.5 * hb <= t.left <= right + 0.5 * hb
               and (not (j and below.seg[j] == below.seg[j - 1]) or abs(t.left - left) < 0.5 * hb)]
        if not idx:
            continue
        j = idx[0]
        if any(hh.start == j for hh in line_hits(below, labels)):
            return None  # the next label: this one's value is missing
        return lj, _segment(below, j, len(below.toks))
    return None


def _is_column(lines: list[Line], lj: int, toks: list[Tok], kind: str) -> bool:
    """A value with another value of its kind under it is a table column, not a field."""
    if kind not in ("date", "amount") or lj + 1 >= len(lines):
        return False
    nxt = lines[lj + 1]
    under = [t for t in nxt.toks if abs(t.left - toks[0].left) < 1.5 * nxt.height]
    return bool(under) and parse_kind(kind, under[0].text) is not None


def _label_set_off(line: Line, hit: Hit) -> bool:
    """Whether a label stands apart from what follows it: a colon, a column gap, or nothing
    after it ("No. 12 Binhe Road" opens an address line; "No.:" or "No." alone is a label)."""
    return (line.toks[hit.end - 1].colon or hit.end == len(line.toks)
            or line.seg[hit.end] != line.seg[hit.end - 1])


def _continuation(lines: list[Line], lj: int, toks: list[Tok], labels: tuple[Label, ...],
                  region_left: float, label_tail: int = -1) -> list[list[Tok]]:
    """Lines a long text value wrapped onto (up to three): close under the line before, aligned
    under the value's start, nothing to their left in the field's column (but on line
    `label_tail`, the rest of a label wrapped in its cell), no label set off as one."""
    out: list[list[Tok]] = []
    prev = lines[lj]
    start = next((t.left for t in toks if re.search(r"[^\W_]", t.text)), toks[0].left)
    for n, ln in enumerate(lines[lj + 1:lj + 4], lj + 1):
        h = max(ln.height, prev.height)
        if ln.top - prev.bottom > 1.3 * h:
            break
        idx = [j for j, t in enumerate(ln.toks) if abs(t.left - start) <= 1.0 * ln.height]
        left = [t for t in ln.toks if region_left - 0.5 * h <= t.left and t.right < start - 0.2 * h]
        if not idx or (left and n != label_tail):
            break
        j = idx[0]
        if any(hh.start == j and _label_set_off(ln, hh) for hh in line_hits(ln, labels)):
            break
        out.append(_segment(ln, j, len(ln.toks)))
        prev = ln
    return out


def _label_candidates(doc: Document, config: FieldConfig) -> Iterator[tuple[str, Candidate]]:
    labels = config.labels.get(doc.doc_type, ())
    for pi, page in enumerate(doc.pages):
        lines = page_lines(page)
        for li, line in enumerate(lines):
            hits = line_hits(line, labels)
            wrapped = _wrapped_labels(lines, li, labels)
            hits = [h for h in hits if all(h.end <= w.start or w.end <= h.start for w in wrapped)]
            hits = sorted(hits + wrapped, key=lambda h: h.start)
            for hit in hits:
                if not hit.label.field:
                    continue
                found = _label_value(lines, li, hit, hits, config, labels, hit in wrapped)
                if found:
                    value, toks = found
                    # "Label value" in one run without a colon is weak evidence ("Inpatient
                    # Invoice" is a title, not a patient): exact labels only, tried last.
                    # Values with digits (numbers, dates, amounts) do not follow titles: their
                    # labels may sit in any column.
                    weak = not _set_off(line, hit, toks)
                    digits = config.kinds[hit.label.field] in DIGIT_KINDS
                    if weak and (hit.score < 1.0 or (max(line.seg) > 1 and not digits)):
                        continue
                    weight = hit.score * (1.0 if hit.label.rank < 2 else 0.9)
                    fv = _field_value(hit.label.field, value, toks, page, weight)
                    yield hit.label.field, Candidate(fv, (0, weak, hit.label.rank, pi, li, hit.start))


def _is_whole_label(toks: list[Tok], labels: tuple[Label, ...]) -> bool:
    """Whether the tokens spell one label exactly."""
    alone = _line(list(toks))
    alone.seg = [0] * len(toks)
    return any(h.start == 0 and h.end == len(toks) and h.score == 1.0
               for h in line_hits(alone, labels))


def _wrapped_labels(lines: list[Line], li: int, labels: tuple[Label, ...]) -> list[Hit]:
    """Labels wrapped in a narrow grid cell ("Date of" above "Admission"), as hits on the
    first line: a segment (up to its colon) that is no label on its own, completed by the
    segment right under it into a longer label."""
    if li + 1 >= len(lines):
        return []
    line, nxt = lines[li], lines[li + 1]
    if nxt.top - line.bottom > 0.8 * line.height:
        return []
    out = []
    for j in range(len(line.toks)):
        if j and line.seg[j] == line.seg[j - 1]:
            continue
        head = _segment(line, j, len(line.toks))
        head = head[:next((n + 1 for n, t in enumerate(head) if t.colon), len(head))]
        if _is_whole_label(head, labels):
            continue  # "Social Security No." above "Card No": two labels, not one
        under = [k for k, t in enumerate(nxt.toks) if abs(t.left - head[0].left) < 0.6 * line.height
                 and not (k and nxt.seg[k] == nxt.seg[k - 1])]
        if not under or any(re.search(r"\d", t.text) for t in head) or len(head) > 4:
            continue
        tail = _segment(nxt, under[0], len(nxt.toks))
        joined = _line(head + tail)
        joined.seg = [0] * len(joined.toks)
        for h in line_hits(joined, labels):
            if h.start == 0 and h.end == len(joined.toks) and h.label.field:
                out.append(Hit(h.label, j, j + len(head), h.score))
    return out


def _set_off(line: Line, hit: Hit, toks: list[Tok]) -> bool:
    """Whether a value is set off from its label: a colon, a column gap, or another line."""
    if line.toks[hit.end - 1].colon or toks[0] not in line.toks:
        return True
    return line.seg[line.toks.index(toks[0])] != line.seg[hit.end - 1]


def _label_value(lines: list[Line], li: int, hit: Hit, hits: list[Hit], config: FieldConfig,
                 labels: tuple[Label, ...], wrapped: bool = False
                 ) -> tuple[str, list[Tok]] | None:
    name = hit.label.field
    kind = config.kinds[name]
    line = lines[li]
    toks = _right_of(line, hit, hits, kind)
    lj = li
    if not toks:
        found = _below(lines, li, hit, labels)
        if found is None:
            return None
        lj, toks = found
        if not toks or _is_column(lines, lj, toks, kind):
            return None
    if kind in LONG_KINDS:
        # A date ends a name or an address: it is the next column's value, run together.
        cut = next((n for n, t in enumerate(toks) if n and find_dates(t.text)), None)
        if cut is not None:
            toks = toks[:cut]
        else:
            tail = li + 1 if wrapped and lj == li else -1
            for more in _continuation(lines, lj, toks, labels, line.toks[hit.start].left, tail):
                toks = toks + more
    text = " ".join(t.text for t in toks)
    value = parse_kind(kind, text, last=name == "valid_until", config=config)
    return (value, toks) if value else None


# --- labels lost: patterns ----------------------------------------------------------------------

def _id_fallback(doc: Document) -> Iterator[tuple[str, Candidate]]:
    """The document's only ID number, wherever it is printed."""
    seen: dict[str, tuple[Page, list[Tok]]] = {}
    for page in doc.pages:
        for line in page_lines(page):
            text = " ".join(t.text for t in line.toks)
            for value, _ in find_id_numbers(text):
                toks = [t for t in line.toks if re.search(r"\d{4}", t.text)] or line.toks
                seen.setdefault(value, (page, toks))
    if len(seen) == 1:
        value, (page, toks) = next(iter(seen.items()))
        yield "id_number", Candidate(_field_value("id_number", value, toks, page, 0.8), (1,))


def _gender_fallback(doc: Document) -> Iterator[tuple[str, Candidate]]:
    """The document's only "Male" / "Female" word, where its label was lost."""
    found = {(_GENDERS[t.text.lower()], page.page_no): (page, t) for page in doc.pages
             for line in page_lines(page) for t in line.toks
             if t.text.lower() in ("male", "female")}
    if len({g for g, _ in found}) == 1:
        (gender, _), (page, tok) = next(iter(found.items()))
        yield "gender", Candidate(_field_value("gender", gender, [tok], page, 0.8), (1,))


def _birth_date_fallback(doc: Document, id_number: str) -> Iterator[tuple[str, Candidate]]:
    """A printed date that is the birth date the ID number encodes (digits 7-14)."""
    if len(id_number) != 18:
        return
    born = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    for page in doc.pages:
        for line in page_lines(page):
            for t0 in range(len(line.toks)):
                run = line.toks[t0:t0 + 4]
                dates = find_dates(" ".join(t.text for t in run))
                if dates and dates[0][0] == born and dates[0][1][0] == 0:
                    yield "birth_date", Candidate(_field_value("birth_date", born, run, page, 0.8), (1,))
                    return


def _hospital_heading(doc: Document, config: FieldConfig) -> Iterator[tuple[str, Candidate]]:
    """A hospital's name at the top of the first page: a line segment with "Hospital",
    "Clinic", ... that is not a title ("Hospital Receipt") and not a label's line."""
    page = doc.pages[0]
    keys = [label_tokens(k) for k in config.hospital_keywords]
    labels = config.labels.get(doc.doc_type, ())
    for li, line in enumerate(page_lines(page)):
        if line.top > config.top_fraction * page.height:
            break
        starts = {0} | {j for j in range(1, len(line.toks)) if line.seg[j] != line.seg[j - 1]}
        if line_hits(line, labels):
            continue
        for j in sorted(starts):
            toks = _segment(line, j, len(line.toks))
            norms = [t.norm for t in toks]
            has_key = any(tuple(norms[i:i + len(k)]) == k for k in keys for i in range(len(norms)))
            if has_key and not config.title_words & set(norms) and len(toks) <= 12:
                value = parse_kind("text", " ".join(t.text for t in toks))
                if value:
                    yield "hospital", Candidate(_field_value("hospital", value, toks, page, 0.9),
                                                (0, False, -1, 0, li))
                    return


def _letterhead(doc: Document, config: FieldConfig, found: FieldValue) -> FieldValue:
    """An organisation's name as its letterhead prints it, where the heading of the first page
    is the name found by its label read better: the label's value cut short (its words begin
    the heading) or read with less confidence and near the heading in spelling."""
    page = doc.pages[0]
    want = found.value.casefold()
    for line in page_lines(page):
        if line.top > config.top_fraction * page.height:
            break
        for j in range(len(line.toks)):
            if j and line.seg[j] == line.seg[j - 1]:
                continue
            toks = _segment(line, j, len(line.toks))
            value = parse_kind("org", " ".join(t.text for t in toks), config=config)
            if not value or value.casefold() == want:
                continue
            conf = sum(t.conf for t in toks) / len(toks)
            longer = value.casefold().split()[:len(want.split())] == want.split()
            if longer or (fuzz.ratio(value.casefold(), want) >= 70 and conf > found.conf):
                return _field_value(found.name, value, toks, page, 0.9)
    return found


def _keep_best(best: dict[str, Candidate], source: Iterator[tuple[str, Candidate]],
               wanted: tuple[str, ...]) -> None:
    for name, cand in source:
        if name in wanted and (name not in best or cand.order < best[name].order):
            best[name] = cand


# --- the extractor ------------------------------------------------------------------------------

def extract_fields(doc: Document, config: FieldConfig = CONFIG) -> dict[str, FieldValue]:
    """The fields `doc`'s type carries that were found on its pages, normalised, each with its
    confidence, page and box."""
    wanted = config.types.get(doc.doc_type, ())
    if not wanted or not doc.pages:
        return {}
    best: dict[str, Candidate] = {}
    sources = [_label_candidates(doc, config)]
    if "id_number" in wanted:
        sources.append(_id_fallback(doc))
    if "hospital" in wanted:
        sources.append(_hospital_heading(doc, config))
    if "gender" in wanted:
        sources.append(_gender_fallback(doc))
    for source in sources:
        _keep_best(best, source, wanted)
    if "birth_date" in wanted and "birth_date" not in best and "id_number" in best:
        _keep_best(best, _birth_date_fallback(doc, best["id_number"].value.value), wanted)
    for name, cand in best.items():
        if config.kinds[name] == "org":
            cand.value = _letterhead(doc, config, cand.value)
    return {name: best[name].value for name in wanted if name in best}
