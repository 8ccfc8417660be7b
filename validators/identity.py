"""Is it one person across the packet? Names and ID numbers compared with OCR-tolerant keys.

    name_key(name)                 "Xiao  Meiyu" / "MEIYU, XIAO" / "Xia0 Meiyu" -> "meiyu xiao"
    same_spelling(a, b)            the same letters up to case, word order and spacing
    same_name(a, b)                the same spelling up to one OCR slip (not a different syllable)
    valid_id(number)               an 18-digit resident ID whose check digit is right (GB 11643)
    outliers(values, same)         the values that disagree with the packet's majority
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from rapidfuzz.distance import Levenshtein

T = TypeVar("T")

# Letters OCR swaps for look-alike digits in names.
_NAME_SLIPS = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b", "6": "g", "|": "l"})
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


# Words of labels and headings a misplaced reading puts into a name (data/name_noise.toml).
LABEL_WORDS = frozenset(
    w.lower() for w in tomllib.loads(
        (Path(__file__).with_name("data") / "name_noise.toml").read_text(encoding="utf-8"))["label_words"])


_LONG_LABELS = tuple(w for w in LABEL_WORDS if len(w) >= 5)


def _label_word(word: str) -> bool:
    """A label word, or a long one read with one slip ("Birtt" for "Birth"): no given or family
    name of a claim is one letter away from "birth", "number" or "patient"."""
    return word in LABEL_WORDS or (
        len(word) >= 5 and any(Levenshtein.distance(word, w, score_cutoff=1) <= 1 for w in _LONG_LABELS))


def _words(name: str) -> list[str]:
    text = name.lower().translate(_NAME_SLIPS).replace("rn", "m")
    return [w for w in re.findall(r"[^\W\d_]{2,}", text) if not _label_word(w)]


def plausible_name(name: str) -> bool:
    """Letters left once label words are dropped, and not just a scrap: a lone word of two letters
    ("Va", "To": a name cut by OCR) or a lone word left beside label words ("Gara Number": a label
    read where the name should be) is no name to compare."""
    words = _words(name)
    if len(words) != 1:
        return bool(words)
    text = name.lower().translate(_NAME_SLIPS).replace("rn", "m")
    return len(words[0]) >= 3 and len(re.findall(r"[^\W\d_]{2,}", text)) == 1


def name_key(name: str) -> str:
    """Letters only, lower case, words in alphabetical order (so "Family Given" and "GIVEN,
    Family" agree); common OCR digit-for-letter slips undone; "rn" read for "m" folded."""
    return " ".join(sorted(_words(name)))


def _spellings(name: str) -> set[str]:
    """The name's letters without spaces, in printed order and in alphabetical word order."""
    words = _words(name)
    return {"".join(words), "".join(sorted(words))}


def same_spelling(a: str, b: str) -> bool:
    """The same letters up to case, word order and spacing, or one name read in part (for values
    read for sure)."""
    return bool(_spellings(a) & _spellings(b)) or _part_of(a, b)


def _part_of(a: str, b: str) -> bool:
    """All words of one name are words of the other: a name read in part ("Wen" of "Yuan Wen")."""
    wa, wb = set(_words(a)), set(_words(b))
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def same_name(a: str, b: str) -> bool:
    """The same letters up to word order and spacing, or one OCR slip (a letter changed, lost or
    added), or one name read in part; two or more differences are another name: "Meiyu" vs
    "Meiyv" is a slip, "Meiyu" vs "Meili" another person."""
    forms_a, forms_b = _spellings(a), _spellings(b)
    if forms_a & forms_b or _part_of(a, b):
        return True
    return min(Levenshtein.distance(x, y) for x in forms_a for y in forms_b) < 2


def id_key(number: str) -> str:
    return re.sub(r"[^0-9X]", "", number.upper())


def valid_id(number: str) -> bool:
    """An 18-character resident ID number with a right ISO 7064 MOD 11-2 check character."""
    key = id_key(number)
    if not re.fullmatch(r"\d{17}[\dX]", key):
        return False
    total = sum(int(d) * w for d, w in zip(key[:17], _WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == key[17]


def outliers(values: Sequence[T], same: Callable[[T, T], bool]) -> list[int]:
    """Indices of the values outside the largest group of mutually `same` values; [] when all
    agree. With two groups of equal size, the group of the first value is taken as the reference."""
    groups: list[list[int]] = []
    for i, v in enumerate(values):
        for g in groups:
            if same(values[g[0]], v):
                g.append(i)
                break
        else:
            groups.append([i])
    if len(groups) <= 1:
        return []
    reference = max(groups, key=len)
    return [i for i in range(len(values)) if i not in reference]
