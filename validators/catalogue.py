"""The drug catalogue, and the matching of fee-list lines to it (issue 4).

    Catalogue.load(path) -> Catalogue            CSV: code,name,category[,dosage_form,restriction]
    Catalogue.from_entries(entries) -> Catalogue
    catalogue.match(item_name) -> DrugMatch | None
    catalogue.match_many(names) -> [DrugMatch | None]
    is_drug_line(item_name, row_type="") -> bool
    match_line_items(items, catalogue)           fills catalogue_code/_name, category, match_score

A printed line is matched in three steps.

1. Cleaned, token by token. Unicode folded; OCR slips mended: letters in numbers ("O.25g",
   "l0mg", "2.Smg"), digits in words ("Amoxici1lin", "0meprazole", "8enzoyl"), a capital I among
   small letters; lost spaces restored (camelCase, "capsules0.25g", "2gCefaclor", a form, salt or
   route word run into the name: "Sodiumchloride", "IVcannula"); case folded; a printed category
   prefix ("Western medicine: ") kept as a row-type hint; bracketed text (brand, pack size, another
   name) set aside, tried when the rest matches nothing.
2. Cut down to the generic name. Strengths and pack sizes go ("0.25g", "5 mg/ml", "x 24 tablets"),
   then dosage-form, release, packaging, route, category and qualifier words, and salt words while
   a drug word remains ("Ceftriaxone Sodium" -> ceftriaxone; "Sodium Chloride" stays). A word not
   in the vocabulary but one or two OCR slips from it counts as that word ("Tabiets", "Sodlum").
   Other names of a drug are rewritten ("Adrenaline", "Co-trimoxazole", "Vitamin C"; "-ic acid"
   = "-ate"). "+", "/", "&", "and", "with" split a combination. Every word is folded so spelling
   and OCR variants meet (rn/m, vv/w, ph/f, y/i, British ae/oe, a leading l/i); the words of each
   part are sorted, so word order does not matter. The vocabulary is data, general pharmacy and
   hospital wording: `validators/data/drug_terms.toml` and `non_drug_terms.toml`.
3. Looked up: the exact key (generic, with salts, spaces lost); a combination printed without
   separators, split into catalogue parts; the parts of a combination each matched; a drug in its
   carrier ("Metronidazole and Sodium Chloride Injection" is metronidazole when the catalogue has
   no such combination); else a fuzzy match (rapidfuzz, normalised Levenshtein) among the catalogue
   keys sharing the first two or the last four letters; else the same once words that look like
   mangled form or pack words are dropped. A fuzzy match counts when its score (0..100) is at
   least `min_score` and every word pairs with an OCR-close word: short words exact, longer ones
   one or two letters changed of which at most one added or lost. So "Levofloxacin" is not
   "Ofloxacin", "Esomeprazole" not "Omeprazole", "Prednisone" not "Prednisolone", a combination
   only matches a combination of the same parts, and a plain drug never a combination.
   Entries of one key are told apart by the printed dosage form (the `dosage_form` column), then
   by spelling.

Whether a line bills a drug: the printed row category when it names one (`row_type`, or the
prefix); else a charge word ("fee"), or nothing left but form and route words ("Intravenous
infusion"), makes it a service; a non-drug word (bed, test, CT, dressing, syringe...) makes it a
non-drug line unless it also has a dosage-form word and a drug word, or is a catalogue name as it
stands; else a dosage form, a drug strength, a drug-name ending (-pril, -sartan, -gliflozin...),
a kind-of-drug word (vaccine, insulin...) or a catalogue match makes it a drug line.

Results are cached per catalogue: by printed token, by printed name, and by reading (names that
differ only in strength, case or a slipped form word share one), so a fee list's repeats cost
once. This module depends on record modules only (extractors.model, pipeline.errors).
"""

from __future__ import annotations

import csv
import gc
import io
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from extractors.model import LineItem
from pipeline.errors import ClaimsError

REQUIRED_COLUMNS = ("code", "name", "category")
OPTIONAL_COLUMNS = ("dosage_form", "restriction")
CATEGORIES = ("A", "B")
NOT_LISTED = "not_listed"
MIN_SCORE = 85.0  # fuzzy matches below this score are no match (a slip per ~7 letters)
_CACHE_SIZE = 500_000  # printed names remembered per catalogue before the caches start afresh


class CatalogueError(ClaimsError):
    """The drug catalogue cannot be used; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    category: str  # "A" (fully covered) or "B" (covered with a self-paid share)
    dosage_form: str = ""
    restriction: str = ""


@dataclass(frozen=True)
class DrugMatch:
    code: str
    name: str
    category: str
    score: float  # 0..100; 100 for an exact key


# ---- vocabulary ------------------------------------------------------------------------------

# word classes
NAME, FORM, MOD, PACK, UNIT, ROUTE, SALT, CATEG, QUAL, BLOCK, SEP, SERVICE, NONDRUG, DCLASS = range(14)
_KEYED = frozenset({NAME, SALT, BLOCK, NONDRUG, DCLASS})  # words kept in the matching key
_DROPPED = frozenset({FORM, MOD, PACK, UNIT, ROUTE, SALT, QUAL, CATEG})  # words a name may lose
_CLASS_FLAGS = {FORM: 1, SERVICE: 4, NONDRUG: 8, DCLASS: 16}  # the _F_* bit of a word class
_DRUG_WORDS = frozenset({NAME, DCLASS, NONDRUG})  # a part with one of them is more than its salts

Word = tuple[int, str]  # (class, folded word)
Part = tuple[Word, ...]  # the words of one part of a combination, in printed order


_BRITISH = re.compile(r"ae(?=[dms])|^oe|oe(?=[ds])")  # haem, anaesthesia, paediatric, oestradiol


def _fold(word: str) -> str:
    """Spelling and OCR variants that both sides may carry, folded to one form: rn/m, vv/w, ph/f,
    y/i, British ae/oe, a leading l/i."""
    word = word.replace("rn", "m").replace("vv", "w").replace("ph", "f").replace("y", "i")
    if "ae" in word or "oe" in word:
        word = _BRITISH.sub("e", word)
    return "i" + word[1:] if word[:1] == "l" else word


_UNITS_STRENGTH = ("mg", "mcg", "ug", "g", "gm", "grams", "gram", "kg", "ng", "iu", "miu", "ku", "u",
                   "units", "unit", "mmol", "mol", "meq", "wan")
_UNITS_MEASURE = ("ml", "l", "dl", "cl", "cc", "%", "cm", "mm", "m")
_UNITS_COUNT = (
    "tablets", "tablet", "tabs", "tab", "capsules", "capsule", "caps", "cap", "pcs", "pc", "pieces",
    "piece", "s", "vials", "vial", "amps", "amp", "ampoules", "ampoule", "bottles", "bottle", "bags",
    "bag", "boxes", "box", "sachets", "sachet", "doses", "dose", "times", "time", "days", "day", "d",
    "hours", "hour", "hrs", "hr", "h", "mins", "min", "puffs", "puff", "drops", "drop", "pens", "pen",
    "sticks", "stick", "strips", "strip", "sheets", "sheet", "rolls", "roll", "pairs", "pair", "sets",
    "set", "packs", "pack", "kits", "kit", "tubes", "tube", "patches", "patch", "suppositories",
    "suppository", "cartons", "carton", "bars", "bar", "x",
)
_UNIT_KIND = {**{u: 1 for u in _UNITS_STRENGTH}, **{u: 2 for u in _UNITS_MEASURE},
              **{u: 3 for u in _UNITS_COUNT}}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNIT_KIND, key=len, reverse=True))
_NUM = r"(?:\d+(?:[.,]\d+)*|[.,]\d+)"
_STRENGTH = re.compile(  # a number with its unit ("0.25g", "5 mg/ml", "x 24"); "x" may follow
    rf"(?<![a-z\d]){_NUM}(?:\s*(?P<unit>{_UNIT_ALT})(?![a-wyz])|(?![a-z]))"
    rf"(?:\s*/\s*(?:{_NUM}\s*)?(?:{_UNIT_ALT})(?![a-wyz]))*"
)
_STRENGTH_WORDS = frozenset(_UNITS_STRENGTH)
_COUNT_WORDS = frozenset(_fold(u) for u in _UNITS_COUNT)
_NOT_UNIT = rf"(?!(?:{_UNIT_ALT})(?![a-z]))"  # not a unit word ("days", "tablets") next
# letters read for digits in a number ("o.25g", "l0mg", "2.Smg", "1O0ML"), before a unit or the end
_NUM_OCR = re.compile(rf"(?<![a-z])(?=[olis.,]*\d)[\dolis][\dolis.,]*(?=(?:{_UNIT_ALT})?(?![a-z]))")
_NUM_OCR_MAP = str.maketrans("olis", "0115")
_X_DIGIT = re.compile(r"(?<![a-z])x(?=\d)")  # "x12"
# digits read for letters: inside a word ("amoxici1lin", "capsu1es"; not "tablets1g"), ending one
# ("subcutaneou5")
_DIGIT_IN_WORD = re.compile(
    r"(?<=[a-z])[01589](?!(?:mg|mcg|ug|g|ml|iu)(?![a-z]))(?=[a-z])|(?<=[a-z]{3})[015](?![\w.])")
_LEAD_DIGIT = re.compile(rf"(?<![\w.])[01589]{_NOT_UNIT}(?=[a-z]{{3}})")  # "0meprazole", "8enzoyl", "1nj"
_LETTER_DIGIT = re.compile(r"(?<=[a-z]{2})(?=\d)")  # "capsules0.25g"; not "b12"
_DIGIT_LETTER = re.compile(  # "2gcefaclor", "12bimprulrelin": a lost space after a number
    rf"(?<=\d){_NOT_UNIT}(?:(?P<u>mg|mcg|ug|g|ml|iu)(?=[a-z]{{4}})|(?=[a-z]{{4}}))")
_DIGITS_TO_LETTERS = str.maketrans("01589", "olsbg")
_HAS_DIGIT = re.compile(r"\d")
_SEP_MARKS = frozenset({"-", "+", "/", "&"})
# kinds of printed tokens: "x"; a bare number; a number after "x" ("x24"); a unit of count
# ("tablets"); a unit of count per pack ("tabs/box")
_TIMES, _NUMBER, _PACK_NUMBER, _COUNT, _COUNT_PER = 1, 2, 3, 4, 5
_NUMBERS = (_NUMBER, _PACK_NUMBER)
# what a line holds, as bits
_F_FORM, _F_STRENGTH, _F_SERVICE, _F_NONDRUG, _F_DRUG, _F_REWRITE = 1, 2, 4, 8, 16, 32
_PREFIX_MARK = re.compile(r"[:：|\])】]| - ")
_BRACKET_MARK = re.compile(r"[(\[{（【]")
_CAP_I = re.compile(r"(?<=[a-z])I(?=[a-z])")  # "AmoxiciIlin"
_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")  # "AmoxicillinCapsules"
_XRAY = re.compile(r"\bx\s*-?\s*rays?\b")
_PUNCT = re.compile(r"[^a-z0-9+\u3400-\u9fff]+")
_TO_PLUS = str.maketrans({"/": "+", "&": "+"})
_APOSTROPHES = str.maketrans({"'": None, "’": None, "`": None})
_BRACKET = re.compile(r"[(\[{（【]([^)\]}）】]*)[)\]}）】]?")
_PREFIX = re.compile(  # "Western medicine: ", "[Drug] ", "Nursing - "
    r"\s*[\[(【]?\s*([a-z][a-z ]{1,40}?|[\u3400-\u9fff]{1,12})\s*(?:[\])】:：|]|\s[-–—]\s)\s*", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")
_UNICODE = str.maketrans({"µ": "u", "μ": "u", "×": " x ", "*": " x ", "＋": "+", "–": "-", "—": "-"})


# OCR debris after a name: a lone lower-case letter, or a lone capital after a strength
# ("Naloxone Injection 400mcg a", "nursing care a"); "Vitamin A" keeps its letter.
_TRAILING_DEBRIS = re.compile(r"(?:\s+[a-z]|(?<=\d[a-zA-Z%])\s+[A-Z])[\s.,;:'`!|]*$")


def _prepare(name: str) -> str:
    """Unicode folded, OCR capital I mended, camelCase split, lower case."""
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
    name = name.translate(_UNICODE)
    if "I" in name:
        name = _CAP_I.sub("l", name)
    return _CAMEL.sub(" ", name).lower()


@dataclass(frozen=True)
class _Vocab:
    classes: dict[str, int]
    groups: dict[str, str]  # dosage-form word -> form group
    near: dict[tuple[int, str], tuple[str, ...]]  # vocabulary near a length, for OCR-slipped words
    peel: dict[str, int]  # words that may be run into the end of a name ("amoxicillincapsules")
    short: tuple[str, ...]  # vocabulary words of 2-4 letters
    short_nondrug: tuple[str, ...]  # non-drug and charge words of 3-5 letters
    drug_suffixes: tuple[str, ...]
    drug_prefixes: tuple[str, ...]
    nondrug_suffixes: tuple[str, ...]
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    synonym_len: int
    synonym_words: frozenset[str]  # never read as slipped vocabulary
    synonym_starts: frozenset[str]
    vehicles: tuple[str, ...]  # infusion carriers ("sodium chloride")
    drug_rows: frozenset[str]
    nondrug_rows: frozenset[str]
    drug_rows_cjk: tuple[str, ...]
    nondrug_rows_cjk: tuple[str, ...]


def _raw_words(text: str) -> list[str]:
    """Folded words of a vocabulary phrase, cleaned like a printed line."""
    text = _DIGIT_IN_WORD.sub(lambda m: m.group().translate(_DIGITS_TO_LETTERS), _prepare(text))
    text = _PUNCT.sub(" ", text.translate(_APOSTROPHES).translate(_TO_PLUS)).replace("+", " + ")
    return [_fold(w) for w in text.split()]


def _read_toml(name: str) -> dict:
    return tomllib.loads(resources.files("validators").joinpath("data", name).read_text("utf-8"))


@cache
def _vocab() -> _Vocab:
    drug = _read_toml("drug_terms.toml")
    non = _read_toml("non_drug_terms.toml")
    classes: dict[str, int] = {}
    groups: dict[str, str] = {}

    def add(phrases: Iterable[str], cls: int) -> None:
        for phrase in phrases:
            for w in _raw_words(phrase):
                classes.setdefault(w, cls)

    words = drug["words"]
    add(words["separators"], SEP)
    add(words["names"], NAME)
    add(words["category_words"], CATEG)
    add(words["salts"], SALT)
    add(words["units"], UNIT)
    add(words["packaging"], PACK)
    for phrases in drug["forms"].values():
        add(phrases, FORM)
    for table in (drug["forms"], drug["route_groups"]):
        for group, phrases in table.items():
            if group != "other":
                groups.update((w, group) for phrase in phrases for w in _raw_words(phrase))
    add(words["form_modifiers"], MOD)
    add(words["routes"], ROUTE)
    add(words["qualifiers"], QUAL)
    add(words["blockers"], BLOCK)
    add(words["drug_classes"], DCLASS)
    add(non["service"], SERVICE)
    for phrases in non["words"].values():
        add(phrases, NONDRUG)
    # for a word of length n, the vocabulary words of 4+ letters within 2 of n, sharing its first
    # letter or its last two: an OCR slip seldom hits both ends
    near: dict[tuple[int, str], list[str]] = {}
    for w, cls in classes.items():
        # "feer" may be "fever", not "fees"; "mesn" "mesna", not "mesh"
        if len(w) >= 4 and cls not in (NAME, SERVICE) and (cls != NONDRUG or len(w) >= 6):
            for n in range(len(w) - 2, len(w) + 3):
                near.setdefault((n, w[0]), []).append(w)
                near.setdefault((n, w[-2:]), []).append(w)
    peelable = (FORM, MOD, SALT, PACK, ROUTE, CATEG)
    peel = {w: cls for w, cls in classes.items()
            if ((len(w) >= 4 or w in ("inj", "tab", "cap", "for", "and")) and cls in (*peelable, SEP))
            or (len(w) >= 5 and cls == NONDRUG)}
    synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
    for left, right in drug["synonyms"].items():
        synonyms[tuple(_raw_words(left))] = tuple(_raw_words(right))
    for phrase in non["phrases"]["non_drug"]:  # one non-drug word for the phrase
        key = tuple(_raw_words(phrase))
        synonyms[key] = ("".join(key),)
        classes["".join(key)] = NONDRUG
    return _Vocab(
        classes=classes,
        groups=groups,
        near={n: tuple(ws) for n, ws in near.items()},
        peel=peel,
        short=tuple(w for w, cls in classes.items() if 2 <= len(w) <= 4 and cls != NAME),
        short_nondrug=tuple(w for w, cls in classes.items()
                            if 3 <= len(w) <= 5 and cls in (NONDRUG, SERVICE)),
        drug_suffixes=tuple(_fold_tail(s) for s in drug["stems"]["suffixes"]),
        drug_prefixes=tuple(drug["stems"]["prefixes"]),
        nondrug_suffixes=tuple(_fold_tail(s) for s in non["endings"]["suffixes"]),
        synonyms=synonyms,
        synonym_len=max(len(k) for k in synonyms),
        synonym_starts=frozenset(k[0] for k in synonyms),
        synonym_words=frozenset(w for pair in synonyms.items() for ws in pair for w in ws
                                if w not in classes),
        vehicles=tuple(words["vehicles"]),
        drug_rows=frozenset(w for p in drug["row_types"]["words"] for w in _raw_words(p)),
        nondrug_rows=frozenset(w for p in non["row_types"]["words"] for w in _raw_words(p)),
        drug_rows_cjk=tuple(drug["row_types"]["cjk"]),
        nondrug_rows_cjk=tuple(non["row_types"]["cjk"]),
    )


def _fold_tail(suffix: str) -> str:
    """A word ending folded like a word, without the leading l/i rule."""
    return _fold("x" + suffix)[1:]


@lru_cache(maxsize=4096)
def _row_kind(row_type: str) -> bool | None:
    """True: the printed category is a drug one; False: a non-drug one; None: not known."""
    if not row_type:
        return None
    v = _vocab()
    if _CJK.search(row_type):
        if any(t in row_type for t in v.nondrug_rows_cjk):
            return False
        if any(t in row_type for t in v.drug_rows_cjk):
            return True
    words = set(_raw_words(row_type))
    drug, non = bool(words & v.drug_rows), bool(words & v.nondrug_rows)
    return drug if drug != non else None


# ---- parsing a printed name ----------------------------------------------------------------


@dataclass(slots=True)
class _Parsed:
    parts: tuple[Part, ...]  # key words of the name outside brackets, per combination part
    alt: tuple[Part, ...]  # the same for the text in brackets
    groups: frozenset[str]  # dosage-form groups named
    form: bool  # a dosage-form word
    strength: bool  # a drug strength (mg, g, IU, ...)
    service: bool  # a charge word ("fee")
    nondrug: bool  # a non-drug word or word ending
    drugword: bool  # a drug-name ending or a kind-of-drug word
    prefix: str  # a printed category prefix ("western medicine")
    words: tuple[str, ...]  # the key words, all parts
    # filled by the catalogue that parsed it: (entry index, score), and the line's outcome
    match: tuple[int | None, float | None] | None = None
    outcome: tuple[str, str, str, float | None] | None = None


class _Parser:
    """Printed name -> _Parsed, with the words of the catalogue protected from being read as
    OCR-slipped vocabulary ("iodine" is not "iodide")."""

    def __init__(self, protected: frozenset[str] = frozenset(), fuzzy: bool = True) -> None:
        self.vocab = _vocab()
        self.protected = protected | self.vocab.synonym_words
        self.fuzzy = fuzzy
        self._words: dict[str, tuple[Word, ...]] = {}
        self._tokens: dict[str, tuple[tuple[Word, ...], int, frozenset[str], int]] = {}
        self._parsed: dict[str, _Parsed] = {}
        self._shared: dict[tuple, _Parsed] = {}

    def parse(self, name: str) -> _Parsed:
        hit = self._parsed.get(name)
        if hit is None:
            if len(self._parsed) >= _CACHE_SIZE:  # a long-running process: start afresh
                self.forget()
            hit = self._parsed[name] = self._parse(name)
        return hit

    def forget(self) -> None:
        self._parsed.clear()
        self._shared.clear()
        if len(self._tokens) >= _CACHE_SIZE:
            self._tokens.clear()
            self._words.clear()

    def _parse(self, name: str) -> _Parsed:
        if name.isascii():
            text = name.replace("*", " x ") if "*" in name else name
        else:
            text = unicodedata.normalize("NFKC", name).translate(_UNICODE)
        text = _TRAILING_DEBRIS.sub("", text)
        prefix = ""
        if _PREFIX_MARK.search(text):
            m = _PREFIX.match(text)
            if m and _row_kind(m.group(1).strip().lower()) is not None:
                prefix, text = m.group(1).strip().lower(), text[m.end():]
        inner = ""
        if _BRACKET_MARK.search(text):
            inner = " ".join(_BRACKET.findall(text))
            text = _BRACKET.sub(" ", text)
        main, flags, groups = self._scan(text)
        alt: list[Word] = []
        if inner:
            alt, alt_flags, alt_groups = self._scan(inner)
            flags |= alt_flags
            groups = groups | alt_groups
            if not main:
                main, alt = alt, []
        same = (tuple(main), tuple(alt), flags, groups, prefix)  # names that differ in strength,
        hit = self._shared.get(same)  # case, OCR slips of form words... share their reading
        if hit is None:
            hit = self._shared[same] = self._build(main, alt, flags, groups, prefix)
        return hit

    def _build(self, main: list[Word], alt: list[Word], flags: int, groups: frozenset[str],
               prefix: str) -> _Parsed:
        parts, words = self._parts(main)
        if groups:  # the dosage-form groups named by form and route words ("Eye Ointment")
            groups = frozenset(g.lstrip("@") for g in groups)
        return _Parsed(parts, self._parts(alt)[0] if alt else (), groups, bool(flags & _F_FORM),
                       bool(flags & _F_STRENGTH), bool(flags & _F_SERVICE), bool(flags & _F_NONDRUG),
                       bool(flags & _F_DRUG), prefix, words)

    def _scan(self, text: str) -> tuple[list[Word], int, frozenset[str]]:
        """Classified words of a text, strengths and numbers gone; its flags (_F_*) and form
        groups (route groups marked "@"). Each printed token is worked out once."""
        out: list[Word] = []
        flags = 0
        groups: frozenset[str] = frozenset()
        last = 0  # the kind of the last token
        tokens = self._tokens
        for raw in text.split():
            hit = tokens.get(raw)
            if hit is None:
                hit = tokens[raw] = self._token(raw)
            words, token_flags, token_groups, kind = hit
            # a pack size ("x 24 tablets", "10 tabs/box") is no dosage form; "Dextran 70 Tablets" is
            if (kind == _COUNT and last == _PACK_NUMBER) or (kind == _COUNT_PER and last in _NUMBERS):
                last = 0
                continue
            out.extend(words)
            flags |= token_flags
            if token_groups:
                groups = groups | token_groups
            last = _PACK_NUMBER if kind == _NUMBER and last == _TIMES else kind
        if flags & _F_REWRITE:
            out = self._rewrite(out)
            flags = (flags & _F_STRENGTH) | self._flags(out)
            groups = self._groups(out)
        return out, flags, groups

    def _flags(self, words: Iterable[Word]) -> int:
        flags = 0
        starts = self.vocab.synonym_starts
        for c, w in words:
            flags |= _CLASS_FLAGS.get(c, 0)
            if c == NAME:
                stem = self._stem(w)
                flags |= _F_DRUG if stem == 1 else _F_NONDRUG if stem == 2 else 0
            if w in starts or w == "acid":
                flags |= _F_REWRITE
        return flags

    def _groups(self, words: Iterable[Word]) -> frozenset[str]:
        groups = self.vocab.groups
        return frozenset(groups[w] if c == FORM else "@" + groups[w]
                         for c, w in words if w in groups and c in (FORM, ROUTE))

    def _token(self, raw: str) -> tuple[tuple[Word, ...], int, frozenset[str], int]:
        """One printed token (no spaces): its classified words, flags (_F_*), form groups, and
        kind (_TIMES, _NUMBER, _PACK_NUMBER, _COUNT, _COUNT_PER, or 0)."""
        if raw in _SEP_MARKS:
            return ((SEP, "+"),), 0, frozenset(), 0
        text = raw
        if "I" in text:
            text = _CAP_I.sub("l", text)
        if not text.islower():
            text = _CAMEL.sub(" ", text).lower()
        text = text.translate(_APOSTROPHES)
        if "ray" in text:
            text = _XRAY.sub(" xray ", text)
        strength = False
        if _HAS_DIGIT.search(text):
            text = _NUM_OCR.sub(lambda m: m.group().translate(_NUM_OCR_MAP), text)
            text = _X_DIGIT.sub("x ", text)
            text = _DIGIT_IN_WORD.sub(lambda m: m.group().translate(_DIGITS_TO_LETTERS), text)
            text = _LEAD_DIGIT.sub(lambda m: m.group().translate(_DIGITS_TO_LETTERS), text)
            text = _LETTER_DIGIT.sub(" ", text)
            text = _DIGIT_LETTER.sub(lambda m: (m.group("u") or "") + " ", text)
            units = [m.group("unit") for m in _STRENGTH.finditer(text)]
            if units:
                strength = any(_UNIT_KIND.get(u or "") == 1 for u in units)
                text = _STRENGTH.sub(" ", text)
        out: list[Word] = []
        for tok in _PUNCT.sub(" ", text.translate(_TO_PLUS)).replace("+", " + ").split():
            if tok == "+":
                out.append((SEP, "+"))
            elif not tok[0].isdigit():
                hit = self._words.get(tok)
                if hit is None:
                    hit = self._words[tok] = self._classify(tok)
                out.extend(hit)
                strength = strength or (hit[-1][0] == UNIT and hit[-1][1] in _STRENGTH_WORDS)
        digits = _HAS_DIGIT.search(raw) is not None
        if not out:
            kind = _NUMBER if digits else 0
        elif out == [(PACK, "x")]:
            kind = _PACK_NUMBER if digits else _TIMES
        elif out[0][0] in (FORM, PACK, MOD) and out[0][1] in _COUNT_WORDS:
            kind = _COUNT_PER if len(out) > 1 and out[1][0] == SEP else _COUNT
        else:
            kind = 0
        flags = self._flags(out) | (_F_STRENGTH if strength else 0)
        return tuple(out), flags, self._groups(out), kind

    def _classify(self, tok: str) -> tuple[Word, ...]:
        word = _fold(tok)
        v = self.vocab
        cls = v.classes.get(word)
        if cls is not None:
            return ((cls, word),)
        if word in self.protected or not self.fuzzy or _CJK.search(word):
            return ((NAME, word),)
        if len(word) <= 2:  # a stray letter or two ("fo" of "for")
            return ((QUAL, word),)
        if len(word) <= 3:  # "fec", "ihj", "tbs": a short vocabulary word slipped
            short = process.extractOne(word, v.short, scorer=OSA.distance, score_cutoff=1)
            return ((v.classes[short[0]], short[0]),) if short else ((NAME, word),)
        # a vocabulary word with an OCR slip ("tabiets", "hydrochlorlde"): the nearest one
        near = self._near(word, 1 if len(word) <= 9 else 2)
        if near:
            return ((v.classes[near], near),)
        # a vocabulary word run into the name ("amoxicillincapsules", "sodiumchloride")
        for cut in range(2, len(word) - 2):
            if cut == 2 and word[:2] not in v.classes:  # "ivcannula"
                continue
            tail = word[cut:]
            cls = v.peel.get(tail)
            if cls is None and tail[0] == "l":  # "nitritelnj": the I of "Inj" read as l
                tail = "i" + tail[1:]
                cls = v.peel.get(tail)
            if cls == NONDRUG and word[:cut] not in v.classes:
                continue  # "ivcannula", but not "mercapop|urine"
            if cls is not None:
                head = self._classify(word[:cut]) if word[:cut] not in self.protected \
                    else ((NAME, word[:cut]),)
                return (*head, (cls, "+" if cls == SEP else tail))
        return ((NAME, word),)

    def _near(self, word: str, k: int) -> str:
        """The vocabulary word within k slips (OSA distance) of word, sharing an end; or ""."""
        v = self.vocab
        best, best_d = "", k + 1
        keys = ((len(word), word[0]), (len(word), word[-2:])) if len(word) > 4 else ((4, word[0]),)
        for key in keys:  # a word of four letters must keep its first ("mels" is not "gels")
            for cand in v.near.get(key, ()):
                d = OSA.distance(word, cand, score_cutoff=k)
                if d < best_d:
                    best, best_d = cand, d
        return best

    def junk(self, word: str) -> bool:
        """An unknown word that is likely an OCR-mangled form, pack or salt word ("fablcts"), or
        a stray scrap of four letters or less, but not one of a non-drug word ("mosk")."""
        if word in self.protected:
            return False
        if len(word) <= 4:
            return process.extractOne(word, self.vocab.short_nondrug, scorer=OSA.distance,
                                      score_cutoff=1) is None
        near = self._near(word, 2)
        return bool(near) and self.vocab.classes[near] in _DROPPED

    def _stem(self, word: str) -> int:
        """1: a drug-name ending; 2: a procedure/examination ending; 0: neither."""
        v = self.vocab
        if len(word) >= 6:
            if word.endswith(v.nondrug_suffixes):
                return 2
            if word.endswith(v.drug_suffixes) or word.startswith(v.drug_prefixes):
                return 1
        return 0

    def _rewrite(self, words: list[Word]) -> list[Word]:
        """Synonyms, and "<x>ic acid" -> "<x>ate" (clavulanic acid / clavulanate)."""
        v = self.vocab
        out: list[Word] = []
        i, n = 0, len(words)
        while i < n:
            if words[i][1] not in v.synonym_starts:
                out.append(words[i])
                i += 1
                continue
            for size in range(min(v.synonym_len, n - i), 0, -1):
                rep = v.synonyms.get(tuple(w for _, w in words[i:i + size]))
                if rep is not None:
                    out.extend(self._reclassify(rep))
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        if any(w == "acid" for _, w in out):
            merged: list[Word] = []
            for c, w in out:
                if w == "acid" and merged and merged[-1][1].endswith("ic") and len(merged[-1][1]) > 4:
                    merged[-1:] = self._reclassify((merged[-1][1][:-2] + "ate",))
                else:
                    merged.append((c, w))
            out = merged
        return out

    def _reclassify(self, words: Sequence[str]) -> list[Word]:
        out: list[Word] = []
        for w in words:
            if w == "+":
                out.append((SEP, "+"))
            else:
                hit = self._words.get(w)
                if hit is None:
                    hit = self._words[w] = self._classify(w)
                out.extend(hit)
        return out

    @staticmethod
    def _parts(words: list[Word]) -> tuple[tuple[Part, ...], tuple[str, ...]]:
        """The key words split into combination parts; and all key words."""
        parts: list[Part] = []
        current: list[Word] = []
        keyed: list[str] = []
        for c, w in words:
            if c == SEP:
                if current:
                    parts.append(tuple(current))
                current = []
            elif c in _KEYED:
                current.append((c, w))
                keyed.append(w)
        if current:
            parts.append(tuple(current))
        return tuple(parts), tuple(keyed)


def _core(part: Part) -> list[str]:
    """The generic name of one part: salt words dropped while a drug word remains."""
    core = [w for c, w in part if c != SALT]
    if any(c in _DRUG_WORDS for c, w in part if c != SALT):
        return core
    return [w for _, w in part]


def _keys(parts: Sequence[Part]) -> tuple[str, str, tuple[str, ...]]:
    """(generic key, key with salts, keys with the spaces lost) of a name's parts."""
    cores = [_core(p) for p in parts]
    core = " + ".join(sorted(" ".join(sorted(c)) for c in cores))
    full = " + ".join(sorted(" ".join(sorted(w for _, w in p)) for p in parts))
    if len(parts) == 1:
        return core, full, ("".join(cores[0]), "".join(w for _, w in parts[0]))
    return core, full, ()


def _ocr_close(a: str, b: str) -> bool:
    """True when word a could be word b with OCR slips: short words exact, longer ones with one
    or two letters changed, of which at most one added or lost ("valganciclovir" is not
    "valaciclovir", nor "prednisone" "prednisolone")."""
    n = max(len(a), len(b))
    allow = 0 if n <= 4 else 1 if n <= 9 else 2
    if allow == 0 or abs(len(a) - len(b)) > allow or "+" in (a, b):
        return False
    if Levenshtein.distance(a, b, score_cutoff=allow) > allow:
        return False
    return sum(op.tag != "replace" for op in Levenshtein.editops(a, b)) <= 1


def _plausible(a: str, b: str) -> bool:
    """Every word of key a pairs with a word of key b that is equal or OCR-close."""
    left, right = a.split(), b.split()
    if len(left) != len(right):
        return False
    rest = list(right)
    for w in left:
        if w in rest:
            rest.remove(w)
            continue
        for v in rest:
            if _ocr_close(w, v):
                rest.remove(v)
                break
        else:
            return False
    return True


# ---- the catalogue ---------------------------------------------------------------------------


class Catalogue:
    """The covered drugs, indexed for matching printed fee-list lines.

    Build with `Catalogue.load(path)` (validated) or `Catalogue.from_entries(entries)`.
    `min_score` is the least fuzzy score (0..100) that counts as a match.
    """

    def __init__(self, entries: Sequence[CatalogueEntry], *, min_score: float = MIN_SCORE,
                 source: str = "") -> None:
        """Index entries already validated (use `load` or `from_entries`)."""
        self.entries: tuple[CatalogueEntry, ...] = tuple(entries)
        self.min_score = float(min_score)
        self.source = source
        reader = _Parser(fuzzy=False)
        parsed = [reader.parse(e.name) for e in self.entries]
        protected = frozenset(w for p in parsed for part in (*p.parts, *(p.alt if _is_alias(p.alt) else ()))
                              for c, w in part if c == NAME)
        self._parser = _Parser(protected)
        vocab = self._parser.vocab
        self._exact: dict[str, list[int]] = {}
        self._part_keys: set[str] = set()
        self._vehicles = frozenset(_keys(reader.parse(v).parts)[0] for v in vocab.vehicles)
        self._full: list[str] = []
        self._groups: list[frozenset[str]] = []  # dosage-form groups of each entry
        self._name_groups: list[frozenset[str]] = []  # those its name itself gives
        fuzzy: set[str] = set()
        for i, (entry, p) in enumerate(zip(self.entries, parsed, strict=True)):
            form_words = _raw_words(entry.dosage_form) if entry.dosage_form else []
            self._groups.append(p.groups | {g for w in form_words if (g := vocab.groups.get(w))})
            self._name_groups.append(p.groups)
            names = [p.parts] + ([p.alt] if _is_alias(p.alt) else [])
            self._full.append(_keys(p.parts)[1] if p.parts else "")
            for parts in names:
                if not parts:
                    continue
                core, full, concat = _keys(parts)
                for key in (core, full, *concat):
                    owners = self._exact.setdefault(key, [])
                    if i not in owners:
                        owners.append(i)
                fuzzy.add(core)
                self._part_keys.update(_keys((part,))[0] for part in parts)
        # entries that read the same: told apart by dosage form, then by spelling
        same: dict[str, list[int]] = {}
        for i, full in enumerate(self._full):
            same.setdefault(full, []).append(i)
        self._twins = {i: tuple(group) for group in same.values() if len(group) > 1 for i in group}
        # fuzzy candidates: the keys sharing the first two or the last four letters
        self._heads: dict[str, list[str]] = {}
        self._tails: dict[str, list[str]] = {}
        for key in sorted(fuzzy):
            self._heads.setdefault(key[:2], []).append(key)
            self._tails.setdefault(key[-4:], []).append(key)
        self._part_heads: dict[str, list[str]] = {}  # the same for the parts of combinations
        self._part_tails: dict[str, list[str]] = {}
        for key in sorted(self._part_keys):
            self._part_heads.setdefault(key[:2], []).append(key)
            self._part_tails.setdefault(key[-4:], []).append(key)
        self._by_key: dict[tuple[str, bool], tuple[str | None, float | None]] = {}
        self._by_parts: dict[tuple[tuple[Part, ...], tuple[Part, ...], frozenset[str]],
                             tuple[int | None, float | None]] = {}

    # -- building --

    @classmethod
    def load(cls, path: Path | str, *, min_score: float = MIN_SCORE) -> Catalogue:
        """Read and validate a catalogue CSV (UTF-8, with or without BOM)."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CatalogueError(f"{path}: drug catalogue not found; give the path of a CSV file "
                                 "with the columns code,name,category") from None
        except IsADirectoryError:
            raise CatalogueError(f"{path}: is a folder; give the path of the catalogue CSV file") from None
        except OSError as err:
            raise CatalogueError(f"{path}: cannot read the drug catalogue ({err.strerror or err}); "
                                 "check the path and the file's permissions") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise CatalogueError(f"{path}, line {line}: not UTF-8 text; save the catalogue as "
                                 "'CSV UTF-8' and load it again") from None
        return cls(read_catalogue_csv(text, str(path)), min_score=min_score, source=str(path))

    @classmethod
    def from_entries(cls, entries: Iterable[CatalogueEntry | Sequence[str] | Mapping[str, str]], *,
                     min_score: float = MIN_SCORE) -> Catalogue:
        """A catalogue from entries (CatalogueEntry, (code, name, category[, form, restriction])
        tuples, or dicts with those keys), validated like a file."""
        rows: list[CatalogueEntry] = []
        for item in entries:
            if isinstance(item, CatalogueEntry):
                rows.append(item)
            elif isinstance(item, Mapping):
                columns = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
                rows.append(CatalogueEntry(*(str(item.get(c, "")) for c in columns)))
            else:
                rows.append(CatalogueEntry(*(str(x) for x in item)))
        return cls(_validated(rows, "catalogue entries", list(range(1, len(rows) + 1)), unit="entry"),
                   min_score=min_score)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Catalogue({len(self)} entries{', ' + self.source if self.source else ''})"

    # -- matching --

    def match(self, item_name: str) -> DrugMatch | None:
        """The catalogue entry a printed drug name stands for, or None."""
        p = self._parser.parse(item_name)
        i, score = self._match(p)
        if i is not None and i in self._twins:
            i = self._spelled(i, item_name, p.groups)
        return self._result(i, score)

    def match_many(self, names: Sequence[str]) -> list[DrugMatch | None]:
        """`match` for many names; repeats cost once."""
        done: dict[str, DrugMatch | None] = {}
        out: list[DrugMatch | None] = []
        with _gc_paused(len(names)):
            for name in names:
                if name not in done:
                    done[name] = self.match(name)
                out.append(done[name])
        return out

    def is_drug_line(self, item_name: str, row_type: str = "") -> bool:
        """Whether the line bills a drug, with this catalogue's matches as evidence."""
        return self._is_drug(self._parser.parse(item_name), row_type)

    def _is_drug(self, p: _Parsed, row_type: str) -> bool:
        return _decide(p, row_type, self._parser.protected, lambda: self._match(p)[0] is not None,
                       lambda: bool(p.parts) and any(k in self._exact for k in _keys(p.parts)[:2]))

    def classify_line(self, item_name: str, row_type: str = "") -> tuple[str, str, str, float | None]:
        """(catalogue_code, catalogue_name, category, match_score) for one fee-list line."""
        p = self._parser.parse(item_name)
        if row_type:
            out = self._outcome(p, row_type)
        else:
            if p.outcome is None:
                p.outcome = self._outcome(p, "")
            out = p.outcome
        if out[0] and p.match is not None and p.match[0] in self._twins:
            e = self.entries[self._spelled(p.match[0], item_name, p.groups)]
            return e.code, e.name, e.category, out[3]
        return out

    def _outcome(self, p: _Parsed, row_type: str) -> tuple[str, str, str, float | None]:
        if not self._is_drug(p, row_type):
            return "", "", "", None
        i, score = self._match(p)
        if i is None:
            return "", "", NOT_LISTED, score
        e = self.entries[i]
        return e.code, e.name, e.category, score

    def _spelled(self, i: int, name: str, groups: frozenset[str]) -> int:
        """Among entries that read the same ("Epinefrine (adrenaline)", "Epinephrine
        (adrenaline)") and fit the printed dosage form as well as entry i, the one spelled as
        printed; else i."""
        printed = name.lower()
        fits = bool(groups & self._groups[i])
        for j in self._twins[i]:
            spelled = self.entries[j].name.lower().split(" (")[0]
            if (not fits or groups & self._groups[j]) and spelled in printed:
                return j
        return i

    def _result(self, i: int | None, score: float | None) -> DrugMatch | None:
        if i is None or score is None:
            return None
        e = self.entries[i]
        return DrugMatch(e.code, e.name, e.category, score)

    def _match(self, p: _Parsed) -> tuple[int | None, float | None]:
        """(entry index or None, score: of the match, else the best seen or None)."""
        if p.match is None:
            same = (p.parts, p.alt, p.groups)
            hit = self._by_parts.get(same)
            if hit is None:
                if len(self._by_parts) >= _CACHE_SIZE:
                    self._by_parts.clear()
                hit = self._match_parts(p.parts, p)
                if hit[0] is None and p.alt:
                    other = self._match_parts(p.alt, p)
                    if other[0] is not None or (other[1] or 0) > (hit[1] or 0):
                        hit = other
                self._by_parts[same] = hit
            p.match = hit
        return p.match

    def _match_parts(self, parts: tuple[Part, ...], p: _Parsed,
                     retry: bool = True) -> tuple[int | None, float | None]:
        if not parts:
            return None, None
        core, full, concat = _keys(parts)
        for key in (core, full, *concat):
            owners = self._exact.get(key)
            if owners:
                return self._pick(owners, full, p.groups), 100.0
        if len(parts) == 1 and len(parts[0]) >= 2:
            combined, low = self._segment(parts[0])
            if combined is not None and combined in self._exact:
                return self._pick(self._exact[combined], full, p.groups), low
        if len(parts) >= 2:
            found, low = self._combination(parts)
            if found is not None:
                return self._pick(self._exact[found], full, p.groups), low
            # a drug in its carrier ("Metronidazole and Sodium Chloride Injection")
            drugs = tuple(part for part in parts if _keys((part,))[0] not in self._vehicles)
            if drugs and len(drugs) < len(parts):
                return self._match_parts(drugs, p)
        near, score = self._fuzzy(core)
        if near is not None:
            return self._pick(self._exact[near], full, p.groups), score
        if retry and len(parts) == 1:  # without the words that look like mangled form/pack words
            kept = tuple((c, w) for c, w in parts[0] if c != NAME or not self._parser.junk(w))
            if kept and len(kept) < len(parts[0]):
                again = self._match_parts((kept,), p, retry=False)
                if again[0] is not None:
                    return again
        return None, score

    def _combination(self, parts: tuple[Part, ...]) -> tuple[str | None, float]:
        """The catalogue combination whose parts each match a printed part, exactly or with OCR
        slips ("Eetazolamide and Pitavastat1n"); with the lowest part score."""
        keys: list[str] = []
        low = 100.0
        for part in parts:
            key = _keys((part,))[0]
            if key not in self._part_keys:
                near, score = self._fuzzy(key, parts=True)
                if near is None or score is None:
                    return None, 0.0
                key, low = near, min(low, score)
            keys.append(key)
        combined = " + ".join(sorted(keys))
        return (combined, low) if combined in self._exact else (None, 0.0)

    def _pick(self, owners: list[int], full: str, groups: frozenset[str]) -> int:
        """Among entries of one key: the one with the same salt words, then the same dosage form,
        then one whose name names no other form ("Levonorgestrel", not "Levonorgestrel-releasing
        implant", for "Levonorgestrel Tablets"), then the first."""
        if len(owners) == 1:
            return owners[0]
        cands = [i for i in owners if self._full[i] == full] or owners
        if groups:
            cands = [i for i in cands if self._groups[i] & groups] or cands
        cands = [i for i in cands if self._name_groups[i] <= groups] or cands
        return cands[0]

    def _segment(self, part: Part) -> tuple[str | None, float]:
        """The key of a combination printed without separators ("Amoxicillin Clavulanate
        Potassium", "Lopinavir Ritnavir"), when its words split into two or more catalogue
        parts; and the lowest score of a part (100 when all are exact)."""
        words = [w for c, w in part if c != SALT]
        found: list[str] = []
        low = 100.0
        i, n = 0, len(words)
        while i < n:
            for j in range(min(n, i + 4), i, -1):
                key = " ".join(sorted(words[i:j]))
                if key in self._part_keys:
                    found.append(key)
                    i = j
                    break
            else:
                near, score = self._fuzzy(words[i], parts=True)
                if near is None or score is None:
                    return None, 0.0
                found.append(near)
                low = min(low, score)
                i += 1
        return (" + ".join(sorted(found)), low) if len(found) >= 2 else (None, 0.0)

    def _fuzzy(self, key: str, parts: bool = False) -> tuple[str | None, float | None]:
        """(the catalogue key - of an entry, or of a part of a combination - a slipped key stands
        for, its score), or (None, the best score seen)."""
        hit = self._by_key.get((key, parts))
        if hit is not None:
            return hit
        if len(self._by_key) >= _CACHE_SIZE:
            self._by_key.clear()
        heads, tails = (self._part_heads, self._part_tails) if parts else (self._heads, self._tails)
        scorer = Levenshtein.normalized_similarity
        best: str | None = None
        best_score = 0.0
        seen: float | None = None
        for block in (heads.get(key[:2]), tails.get(key[-4:])):
            if not block:
                continue
            top = process.extractOne(key, block, scorer=scorer, score_cutoff=0.5)
            if top is None:
                continue
            seen = max(seen or 0.0, round(top[1] * 100, 1))
            if top[1] * 100 < max(self.min_score, best_score):
                continue
            cands = [top] if _plausible(key, top[0]) else \
                process.extract(key, block, scorer=scorer, score_cutoff=self.min_score / 100, limit=5)
            for choice, score, _ in cands:
                score = round(score * 100, 1)
                if score >= self.min_score and score > best_score and _plausible(key, choice):
                    best, best_score = choice, score
        hit = (best, best_score) if best is not None else (None, seen)
        self._by_key[(key, parts)] = hit
        return hit


def _is_alias(parts: tuple[Part, ...]) -> bool:
    """Whether the bracketed text of a catalogue name is another name of the drug
    ("Methylthioninium chloride (methylene blue)"), not an abbreviation or a remark."""
    words = [cw for part in parts for cw in part]
    return (0 < len(words) <= 3 and all(c in (NAME, SALT, DCLASS) for c, _ in words)
            and any(c == NAME and len(w) >= 4 for c, w in words))


def _decide(p: _Parsed, row_type: str, protected: frozenset[str],
            matched: Callable[[], bool] | None = None, exact: Callable[[], bool] | None = None) -> bool:
    kind = _row_kind(row_type)
    if kind is None:
        kind = _row_kind(p.prefix)
    if kind is not None:
        return kind
    if p.service or not p.words:
        return False
    if p.nondrug:  # "Lidocaine Injection 2% for local anaesthesia"; "Peritoneal Dialysis Solution"
        if p.form and (p.drugword or any(w in protected for w in p.words)
                       or (matched is not None and matched())):
            return True
        return exact is not None and exact()  # the catalogue's own name ("Copper-containing device")
    if p.form or p.strength or p.drugword:
        return True
    return matched is not None and matched()


# ---- reading a catalogue file ------------------------------------------------------------------


def read_catalogue_csv(text: str, source: str = "catalogue") -> list[CatalogueEntry]:
    """Validated entries of a catalogue CSV text; CatalogueError names each bad line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)
        if header is None:
            raise CatalogueError(f"{source}: the file is empty; its first line must be the header "
                                 "code,name,category (dosage_form,restriction optional)")
        cols = [h.strip().lstrip("\ufeff").lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in cols]
        if missing:
            raise CatalogueError(
                f"{source}, line {reader.line_num}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}; the header must name code,name,category (dosage_form,restriction "
                f"optional), this one has: {', '.join(h.strip() for h in header)}")
        doubled = [c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if cols.count(c) > 1]
        if doubled:
            raise CatalogueError(f"{source}, line {reader.line_num}: column {doubled[0]} appears twice "
                                 "in the header; keep one")
        at = {c: cols.index(c) for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c in cols}
        entries: list[CatalogueEntry] = []
        lines: list[int] = []
        widths: list[int] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            values = [row[at[c]].strip() if c in at and at[c] < len(row) else ""
                      for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
            entries.append(CatalogueEntry(*values))
            lines.append(reader.line_num)
            widths.append(len(row))
    except csv.Error as err:
        raise CatalogueError(f"{source}, line {reader.line_num}: not valid CSV ({err}); check the quotes "
                             "on that line") from None
    return _validated(entries, source, lines, [w > len(header) for w in widths])


def _validated(entries: list[CatalogueEntry], source: str, lines: list[int],
               too_wide: list[bool] | None = None, unit: str = "line") -> list[CatalogueEntry]:
    if not entries:
        raise CatalogueError(f"{source}: no drugs in the catalogue; add one line per drug "
                             "(code,name,category) under the header")
    problems: list[str] = []
    seen: dict[str, int] = {}
    out: list[CatalogueEntry] = []
    for k, (e, line) in enumerate(zip(entries, lines, strict=True)):
        hint = " (a value with a comma must be in double quotes)" if too_wide and too_wide[k] else ""
        code, name, category = e.code.strip(), e.name.strip(), e.category.strip().upper()
        if not code:
            problems.append(f"{unit} {line}: empty code; give every drug a code")
        if not name:
            problems.append(f"{unit} {line}: empty name; give the drug's generic name")
        if category not in CATEGORIES:
            problems.append(f"{unit} {line}: category {e.category.strip()!r} must be A or B{hint}")
        if code and code in seen:
            problems.append(f"{unit} {line}: code {code} is already used on {unit} {seen[code]}; "
                            "codes must be unique")
        elif code:
            seen[code] = line
        out.append(CatalogueEntry(code, name, category, e.dosage_form.strip(), e.restriction.strip()))
    if problems:
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise CatalogueError(f"{source}: {len(problems)} problem{'s' if len(problems) > 1 else ''} in the "
                             "drug catalogue; fix and load it again:\n  " + "\n  ".join(problems[:10]) + more)
    return out


def default_catalogue_path() -> Path:
    """The sample catalogue shipped with the package (359 WHO essential medicines)."""
    return Path(str(resources.files("samples").joinpath("catalogue.csv")))


# ---- fee-list lines ----------------------------------------------------------------------------


@contextmanager
def _gc_paused(n: int) -> Iterator[None]:
    """The cycle collector paused over a big batch: the caches it fills hold no cycles, and
    scanning them again and again would cost a quarter of the time."""
    pause = n >= 1000 and gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.enable()


@cache
def _plain_parser() -> _Parser:
    return _Parser()


def is_drug_line(item_name: str, row_type: str = "", catalogue: Catalogue | None = None) -> bool:
    """Whether a fee-list line bills a drug (category A/B/not_listed) rather than a bed, nursing,
    a test, an examination, a treatment, a material or a service.

    `row_type`, the printed category of the row, decides when it names one. Without a catalogue
    the name alone decides (dosage form, strength, drug-name ending, non-drug words); with one, a
    catalogue match is evidence too.
    """
    if catalogue is not None:
        return catalogue.is_drug_line(item_name, row_type)
    return _decide(_plain_parser().parse(item_name), row_type, frozenset())


def match_line_items(items: list[LineItem], catalogue: Catalogue) -> None:
    """Fill catalogue_code, catalogue_name, category and match_score of each line in place.

    Non-drug lines: category "" and no code. Drug lines: the matched entry's code, name and
    category ("A"/"B") with the score; a drug line matching nothing: category "not_listed" with
    the best score seen (or None).
    """
    done: dict[tuple[str, str], tuple[str, str, str, float | None]] = {}
    with _gc_paused(len(items)):
        for item in items:
            key = (item.item_name, item.row_type)
            out = done.get(key)
            if out is None:
                out = done[key] = catalogue.classify_line(item.item_name, item.row_type)
            item.catalogue_code, item.catalogue_name, item.category, item.match_score = out
