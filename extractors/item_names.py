"""OCR slips undone in item names, only where the printed form is certain from the token itself.

    clean_name("Enalapril Tablets Smg")  -> "Enalapril Tablets 5mg"
    clean_name("Level Ill nursing care") -> "Level III nursing care"

- A strength ("5mg", "0.25g", "10mg/5ml", "40iu/ml") whose digits OCR read as look-alike letters
  (S/s for 5, O/o for 0, l/I/i/| for 1) or whose unit it garbled ("5m1", "5mi", "5m!" for "5ml"):
  a token that is a number of digits and look-alikes followed by a dose unit is no word, so it is
  the strength. A lone "0" before a strength is a lost decimal point ("0 25g" -> "0.25g").
- A Roman numeral (Level II, Grade III, Type I) read with l or 1 for I: a token of 2-4 of
  I, i, l, 1, | after a word (not the word "ill").
- A word one look-alike letter away from exactly one word of the hospital vocabulary (the drug and
  non-drug terms of `validators/data`), when it is no vocabulary word itself and has 5+
  characters ("Disposabie" -> "Disposable", "HbAlc" -> "HbA1c"; not "nitrite" -> "nitrate": i and
  a do not look alike); two vocabulary words run together ("ICUbed" -> "ICU bed").
- Underscores OCR glued to a word (a ruling under it) are dropped; "!" glued to a word is a lone
  I ("Level! nursing care" -> "Level I nursing care"); a unitless number ending in 9 right after
  the dosage form, at the end of the name, is a strength whose g was read as 9 ("Injection 0.19"
  -> "0.1g").
Everything else stays as read: the output contract is the name as printed.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

VOCABULARY_FILES = tuple(Path(__file__).parent.parent / "validators" / "data" / name
                         for name in ("drug_terms.toml", "non_drug_terms.toml"))
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

_LOOKALIKE_DIGITS = str.maketrans({"O": "0", "o": "0", "S": "5", "s": "5", "l": "1", "I": "1",
                                   "i": "1", "|": "1"})
_UNITS = frozenset({"mg", "g", "ml", "mcg", "ug", "µg", "iu", "u", "%", "mmol", "meq", "kg", "l"})
_FIRST_UNITS = _UNITS - {"l"}  # "soil" is no strength
_LETTER_ONLY_UNITS = frozenset({"mg", "ml", "mcg"})  # "Smg", "img"; not "IU", "sg"
_UNIT_SLIPS = {"m1": "ml", "mi": "ml", "m!": "ml", "m1l": "ml", "mil": "ml", "mll": "ml", "m|": "ml",
               "rng": "mg", "rnl": "ml"}
_ROMAN = re.compile(r"[Iil1|]{2,4}")
_STRENGTH = re.compile(r"\d+[a-zA-Zµ%]")


def _number(raw: str) -> str | None:
    """`raw` read as a number (look-alike letters as digits), or None."""
    text = raw.translate(_LOOKALIKE_DIGITS)
    return text if re.fullmatch(r"\d+(\.\d+)?", text) else None


def _strength_part(part: str, first: bool) -> str | None:
    """One part of a strength ("Smg", "5m1", "ml"), cleaned, or None when it is no strength. The
    unit is the longest tail that is one ("1000iu": 1000 and iu, not 10001 and u)."""
    for k in range(len(part)):
        num_raw, unit_raw = part[:k], part[k:]
        unit = _UNIT_SLIPS.get(unit_raw.lower(), unit_raw.lower())
        if unit not in (_FIRST_UNITS if first else _UNITS):
            continue
        printed = unit_raw if unit == unit_raw.lower() else unit
        if not num_raw:
            return None if first else printed
        num = _number(num_raw)
        if num is None:
            return None
        if not any(c.isdigit() for c in num_raw) and (len(num_raw) > 1 or unit not in _LETTER_ONLY_UNITS):
            return None
        return num + printed
    return None


def clean_strength(token: str) -> str:
    """`token` with the OCR slips of a strength undone; unchanged when it is no strength."""
    parts = token.split("/")
    if len(parts) > 2:
        return token
    first = _strength_part(parts[0], True)
    if first is None:
        return token
    if len(parts) == 1:
        return first
    second = _strength_part(parts[1], False)
    return token if second is None else f"{first}/{second}"


def _roman(token: str) -> str:
    if token.lower() == "ill" and token != "Ill":
        return token  # the word
    if _ROMAN.fullmatch(token) and not token.isdigit():
        return "I" * len(token)
    return token


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@lru_cache(maxsize=1)
def _vocabulary_files() -> tuple[dict, ...]:
    """The drug and non-drug vocabulary files, read once."""
    return tuple(tomllib.loads(p.read_text(encoding="utf-8")) for p in VOCABULARY_FILES if p.exists())


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Lower-case words of the hospital vocabulary files."""
    words: set[str] = set()
    for table in _vocabulary_files():
        for text in _strings(table):
            words.update(w for w in re.split(r"[^a-z0-9]+", text.lower()) if w)
    return frozenset(words)


_LOOKALIKE_GROUPS = ("il1tfj", "ceo0", "nhur", "vyu", "gq9", "s5", "bh6", "z2")
_LOOKALIKES = {c: {d for g in _LOOKALIKE_GROUPS if c in g for d in g if d != c} for c in _ALPHABET}


def _one_slip(word: str) -> set[str]:
    """Strings with one letter of `word` exchanged for a look-alike (i/l/1/t/f, c/e/o, n/h/u...)."""
    return {word[:i] + d + word[i + 1:] for i, c in enumerate(word) for d in _LOOKALIKES.get(c, ())}


def _cased(template: str, word: str) -> str:
    """`word` in the letter case of `template` (same length)."""
    return "".join(w.upper() if t.isupper() else w for t, w in zip(template, word, strict=True))


@lru_cache(maxsize=8192)
def snap_word(token: str) -> str:
    """`token` snapped to the vocabulary word it is one slip from (see the module doc)."""
    m = re.fullmatch(r"(\W*)([A-Za-z][A-Za-z0-9]*)(\W*)", token)
    if not m:
        return token
    head, word, tail = m.groups()
    vocab = vocabulary()
    low = word.lower()
    if low in vocab or len(low) < 5:
        return token
    hits = _one_slip(low) & vocab
    if len(hits) == 1:
        return head + _cased(word, hits.pop()) + tail
    splits = [(low[:i], low[i:]) for i in range(3, len(low) - 2) if low[:i] in vocab and low[i:] in vocab]
    if len(splits) == 1:
        i = len(splits[0][0])
        return f"{head}{word[:i]} {word[i:]}{tail}"
    return token


@lru_cache(maxsize=1)
def dosage_forms() -> frozenset[str]:
    """The dosage-form words of the drug vocabulary ("tablets", "injection", "solution")."""
    forms = [t.get("forms", {}) for t in _vocabulary_files()]
    return frozenset(w.lower() for f in forms for ws in f.values() for w in ws)


_G_READ_AS_9 = re.compile(r"(\d+(?:\.\d+)?)9")  # "0.19" for "0.1g": a unit g read as 9
_BANG_I = re.compile(r"([A-Za-z]{2,})!")  # "Level!" for "Level I": a lone I read as "!"


def _unitless_strength(token: str, before: str) -> str:
    """A drug name's last token, a number with no unit right after its dosage form, ending in a 9:
    the unit g read as a 9 ("Hydrocortisone for Injection 0.19" -> "0.1g"). A strength is never
    printed without its unit."""
    m = _G_READ_AS_9.fullmatch(token)
    return f"{m.group(1)}g" if m and before.lower() in dosage_forms() else token


def clean_name(name: str) -> str:
    """`name` with the slips above undone."""
    out: list[str] = []
    tokens = [t for raw in name.split() for t in (_BANG_I.sub(r"\1 I", raw).split())]
    for n, raw in enumerate(tokens):
        word = raw.strip("_")
        if not word:
            continue
        if n == len(tokens) - 1 and out:
            word = _unitless_strength(word, out[-1])
        word = snap_word(word)
        after_word = bool(out) and any(c.isalpha() for c in out[-1])
        fixed = _roman(word) if after_word else word
        if fixed == word:
            fixed = clean_strength(word)
        if len(out) >= 2 and out[-1] == "0" and _STRENGTH.match(fixed):
            out[-1] = "0." + fixed  # "0 25g": the point lost
            continue
        out.append(fixed)
    return " ".join(out)
