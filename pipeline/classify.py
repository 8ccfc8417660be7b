"""Pages into typed documents: classify each page, then group consecutive pages.

A page is scored against every document type's vocabulary (`data/doc_types.toml`): a title near
the top of the page weighs most, body cues add up to a cap. A page that names no document and
follows a page of the same file continues that document (a fee list over three pages is one
document), as does a page whose title repeats with "page 2 of 3" or "continued".
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz

from pipeline.models import DOC_TYPES, Document, Page

# An OCR page is unreadable when it yields next to nothing, or mostly unsure words. A sparse
# page read with sure words (the tail of a list: a total and a signature) is readable, and so is a
# page of many words: noise is never read as hundreds of words.
MIN_OCR_WORDS = 6
SURE_CONF = 0.6  # a page of fewer than MIN_OCR_WORDS words is readable when they are this sure
MIN_OCR_CONF = 0.45
MANY_WORDS = 100
FUZZY_MIN_LEN = 12  # titles at least this long may match with OCR slips
FUZZY_CUTOFF = 87.0
# "Page 2 of 3", "page 2/3", or a line that is only "2 / 3"; "continued" / "cont'd"
_PAGE_OF = re.compile(
    r"\b(?:page|p\.?)\s*(\d{1,3})\s*(?:of|/)\s*\d{1,3}\b|^\s*-?\s*(\d{1,3})\s*(?:of|/)\s*\d{1,3}\s*-?\s*$")
_TOTAL_LINE = re.compile(
    r"^(?:grand )?total\b|\btotal (?:amount|charges|cost|costs|expenses|fees)\b|\bamount due\b")
_AMOUNT = re.compile(r"\d\.\d{2}\b")
_CONTINUED = re.compile(r"\bcontinued\b|\bcont(?:'|’)?d\b", re.IGNORECASE)


@dataclass(frozen=True)
class Vocabulary:
    titles: dict[str, tuple[str, ...]]
    generic: dict[str, tuple[str, ...]]
    cues: dict[str, tuple[str, ...]]
    weights: dict[str, float]
    multi_page: frozenset[str] = frozenset(DOC_TYPES)
    cards: frozenset[str] = frozenset()  # types printed on ID-1 cards (85.6 x 54 mm)


@dataclass(frozen=True)
class PageClass:
    doc_type: str
    score: float
    confidence: float
    has_title: bool
    continues: bool  # says "page k of n" (k > 1) or "continued"
    unreadable: bool


def normalise(text: str) -> str:
    text = text.casefold().replace("'", "").replace("’", "")
    return " ".join(re.findall(r"[0-9a-z]+", text))


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The shipped vocabulary, validated once."""
    raw = tomllib.loads(resources.files("pipeline.data").joinpath("doc_types.toml").read_text("utf-8"))
    return parse_vocabulary(raw)


def parse_vocabulary(raw: dict) -> Vocabulary:
    weights = {k: float(v) for k, v in raw.pop("weights").items()}
    grouping = raw.pop("grouping", {})
    multi_page = frozenset(grouping.get("multi_page", DOC_TYPES))
    cards = frozenset(grouping.get("cards", ()))
    unknown = (set(raw) | multi_page | cards) - set(DOC_TYPES)
    if unknown:
        raise ValueError(f"doc_types.toml names unknown document types: {sorted(unknown)}")
    def phrases(t: str, key: str) -> tuple[str, ...]:
        return tuple(normalise(p) for p in raw[t].get(key, []))
    return Vocabulary(
        titles={t: phrases(t, "titles") for t in raw},
        generic={t: phrases(t, "generic") for t in raw},
        cues={t: phrases(t, "cues") for t in raw},
        weights=weights,
        multi_page=multi_page,
        cards=cards,
    )


def _contains(phrase: str, text: str) -> bool:
    return f" {phrase} " in f" {text} "


def _zones(page: Page) -> tuple[str, str]:
    """(normalised text of the top quarter of the text block, normalised text of the page)."""
    if not page.words:
        return "", ""
    top = min(w.top for w in page.words)
    bottom = max(w.bottom for w in page.words)
    limit = top + max(0.25 * (bottom - top), 1.0)
    head = [" ".join(w.text for w in ws) for ws in page.lines if ws[0].top <= limit]
    return normalise(" ".join(head)), normalise(page.text)


def _title_match(phrases: tuple[str, ...], head: str, body: str,
                 fuzzy: bool = True) -> tuple[int, int, int] | None:
    """The type's best title on the page as (exact, -position, length), or None.

    Exact matches beat OCR-tolerant ones (`fuzzy`: only OCR makes slips, and only over whole
    words: "medication instructions" is no misread "medication list"); then the title printed first
    wins (a fee list's heading comes before the "Identity Card No." label in its header); then the
    longer phrase."""
    best: tuple[int, int, int] | None = None
    for phrase in phrases:
        pos = f" {body} ".find(f" {phrase} ")  # exact, on word boundaries
        exact = pos >= 0
        if not exact and fuzzy and len(phrase) >= FUZZY_MIN_LEN:
            hit = fuzz.partial_ratio_alignment(phrase, body, score_cutoff=FUZZY_CUTOFF)
            whole = hit is not None and _whole_words(body, hit.dest_start, hit.dest_end)
            pos = hit.dest_start if hit is not None and whole else -1
        if pos >= 0 and (best is None or (int(exact), -pos, len(phrase)) > best):
            best = (int(exact), -pos, len(phrase))
    return best


def _whole_words(text: str, start: int, end: int) -> bool:
    """The span [start, end) of `text` covers whole words, give or take one character at each end
    (an OCR slip, a plural): "medication inst" inside "medication instructions" is no "medication
    list" read with one slip."""
    left = text.rfind(" ", 0, start) + 1  # start of the word the span starts in
    right = text.find(" ", end)
    right = len(text) if right < 0 else right  # end of the word the span ends in
    return start - left <= 1 and right - end <= 1


def score_page(page: Page, vocab: Vocabulary) -> tuple[dict[str, float], set[str]]:
    """Score of every type, and the type(s) whose title the page carries.

    Only the best-matching title counts (an exact, longer title beats a fuzzy or shorter one), so
    "Detailed List of Hospitalisation Expenses" is a fee list, not a near-miss "hospital discharge".
    """
    head, body = _zones(page)
    w = vocab.weights
    ocr = page.method == "ocr"
    matches = {t: m for t in vocab.titles if (m := _title_match(vocab.titles[t], head, body, ocr))}
    # A photographed card holds a few labels in large, often patterned print: there its labels
    # ("Cara Number", "nsured Region") count with one OCR slip too.
    card = _card_shaped(page)
    tolerant = ocr and card
    best = max(matches.values(), default=None)
    titled = {t for t, m in matches.items() if m == best}
    scores: dict[str, float] = {}
    for t in vocab.titles:
        if t in titled:
            title = w["title_top"] if best and -best[1] <= len(head) else w["title_body"]
        elif not titled and any(_contains(p, head) for p in vocab.generic[t]):
            title = w["generic_title"]
        else:
            title = 0.0
        cues = sum(1 for p in vocab.cues[t] if _contains(p, body) or (tolerant and _near(p, body)))
        shape = w.get("card_shape", 0.0) if cues and t in vocab.cards and card else 0.0
        scores[t] = title + w["cue"] * min(cues, w["max_cues"]) + shape
    return scores, titled


CUE_FUZZY_MIN_LEN = 8  # on card photos, labels this long may match with an OCR slip


def _near(phrase: str, body: str) -> bool:
    return len(phrase) >= CUE_FUZZY_MIN_LEN and fuzz.partial_ratio_alignment(
        phrase, body, score_cutoff=FUZZY_CUTOFF) is not None


CARD_ASPECT = (1.45, 1.75)  # ID-1 cards are 1.586:1; a flattened card photo keeps that shape
CARD_MAX_LINES = 16


def _card_shaped(page: Page) -> bool:
    """A landscape page of card proportions with a card's few lines of text."""
    if not page.height or len(page.lines) > CARD_MAX_LINES:
        return False
    return CARD_ASPECT[0] <= page.width / page.height <= CARD_ASPECT[1]


def _unreadable(words: int, conf: float) -> bool:
    if words < MIN_OCR_WORDS:
        return words == 0 or conf < SURE_CONF
    return conf < MIN_OCR_CONF and words < MANY_WORDS


def classify_page(page: Page, vocab: Vocabulary | None = None) -> PageClass:
    vocab = vocab or load_vocabulary()
    unreadable = page.method == "ocr" and _unreadable(len(page.words), page.mean_conf)
    scores, titled = score_page(page, vocab)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, s1), (_, s2) = ranked[0], ranked[1]
    continues = _continues(page)
    if s1 < vocab.weights["min_score"]:
        best = "other"
    confidence = 1.0 - math.exp(-max(s1 - s2, 0.0) / 3.0) if best != "other" else _other_conf(s1, vocab)
    if page.method == "ocr":
        confidence *= min(1.0, page.mean_conf / 0.75)
    return PageClass(best, s1, round(confidence, 3), best in titled, continues, unreadable)


def _continues(page: Page) -> bool:
    """Does the page say it is not the first of its document?"""
    for line in page.text.casefold().splitlines():
        m = _PAGE_OF.search(line)
        if m and int(m.group(1) or m.group(2)) > 1:
            return True
    return bool(_CONTINUED.search(page.text))


def _other_conf(s1: float, vocab: Vocabulary) -> float:
    return max(0.0, 1.0 - s1 / vocab.weights["min_score"]) * 0.8 + 0.2


TAIL_MAX_LINES = 3  # an untitled page this short is the tail of the document before it


def _starts_new(cls: PageClass, prev: PageClass, page: Page, doc: Document, vocab: Vocabulary) -> bool:
    """Does `page` start a new document rather than continue `doc` (of type `prev.doc_type`)?"""
    if cls.unreadable or prev.unreadable or prev.doc_type not in vocab.multi_page:
        return True
    if cls.has_title:
        # a repeated title continues when the page says so, or when the page before did not close
        # its document with a total line
        return not (cls.doc_type == prev.doc_type and (cls.continues or not _has_total(doc.pages[-1])))
    if cls.doc_type == prev.doc_type or cls.continues:
        return False
    strong = vocab.weights["min_score"] * (2 if cls.doc_type in vocab.multi_page else 1)
    if cls.doc_type != "other" and cls.score >= strong:
        return True  # clear cues of another type, no title
    if cls.doc_type == "other" and len(page.lines) <= TAIL_MAX_LINES:
        return False  # a last page with only the signatures, the cashier, a seal
    return not (_shares_header(page, doc.pages[0]) or _is_table_of_amounts(page, prev.doc_type))


def _shares_header(page: Page, first: Page) -> bool:
    """A running header: one of the page's first lines repeats one of the document's first lines."""
    def head(p: Page) -> list[str]:
        return [t for t in (normalise(" ".join(w.text for w in ws)) for ws in p.lines[:3]) if len(t) >= 12]
    return any(fuzz.ratio(a, b) >= 90 for a in head(page) for b in head(first))


def _is_table_of_amounts(page: Page, doc_type: str) -> bool:
    """Rows of money amounts continue an invoice or fee list."""
    if doc_type not in ("fee_list", "medical_invoice") or not page.lines:
        return False
    rows = sum(1 for ws in page.lines if _AMOUNT.search(" ".join(w.text for w in ws)))
    return rows >= 3 and rows >= 0.3 * len(page.lines)


def _has_total(page: Page) -> bool:
    return any(_TOTAL_LINE.search(normalise(" ".join(w.text for w in ws))) for ws in page.lines)


def group_documents(pages: list[Page], vocab: Vocabulary | None = None) -> list[Document]:
    """Consecutive pages of one file that belong together, as typed documents."""
    vocab = vocab or load_vocabulary()
    docs: list[Document] = []
    confs: list[list[float]] = []
    prev: PageClass | None = None
    for page in pages:
        cls = classify_page(page, vocab)
        same_file = bool(docs) and docs[-1].source_file == page.source_file
        if prev is not None and same_file and not _starts_new(cls, prev, page, docs[-1], vocab):
            docs[-1].pages.append(page)
            confs[-1].append(cls.confidence if cls.doc_type == docs[-1].doc_type else 0.8)
            prev = PageClass(docs[-1].doc_type, cls.score, cls.confidence, cls.has_title,
                             cls.continues, cls.unreadable)
            continue
        docs.append(Document(cls.doc_type if not cls.unreadable else "other", page.source_file,
                             [page], 0.0, unreadable=cls.unreadable))
        confs.append([0.0 if cls.unreadable else cls.confidence])
        prev = cls
    for n, (doc, cs) in enumerate(zip(docs, confs, strict=True), start=1):
        doc.confidence = round(sum(cs) / len(cs), 3)
        doc.doc_id = f"d{n}"
    return docs
