"""Normal forms of free-text field values whose punctuation OCR loses: postal addresses and
organisation names. Both are written in one canonical form, so an address read with a lost
comma or "No 12" for "No. 12" comes out as the same string as one read cleanly:

    canonical_address("Room 12 Building 3 Xinhe Garden, No 5 Binhe Road Beilin District. Lanwan",
                      units, ends, numbers)
    == "Room 12, Building 3, Xinhe Garden, No. 5 Binhe Road, Beilin District, Lanwan"
    canonical_organisation("Xinhong Electronics Co.,Ltd", abbreviations)
    == "Xinhong Electronics Co., Ltd."

The word lists (unit words such as "Room" and "Building", words that end a component such as
"Road" and "District", number words such as "No", abbreviations such as "Ltd") come from
`data/fields.toml`; nothing here is specific to one layout.

Address form: components separated by ", "; a component ends after "<unit word> <number>" and
after a word that ends one (unless the next word ends one too: "Garden Road"); "No" before a
number is written "No."; a full stop or semicolon OCR read for a comma becomes a comma.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_LEAD_JUNK = "‘’'\"`“”«»|"
_TRAIL = ",.;"


def _words(text: str) -> list[str]:
    text = re.sub(r"\s*([,;])\s*", r"\1 ", text)  # "20,Nanyuan" -> "20, Nanyuan"
    return [w.lstrip(_LEAD_JUNK) or w for w in text.split()]


def _core(word: str) -> tuple[str, str]:
    """A word and the separator punctuation after it ("Road," -> ("Road", ","))."""
    core = word.rstrip(_TRAIL)
    return core, word[len(core):]


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"\d+[A-Za-z]?(?:-\d+)?", word))


def canonical_address(text: str, units: Collection[str], ends: Collection[str],
                      numbers: Collection[str]) -> str:
    """`text` (an address as read) in the canonical form described in the module doc. The
    word lists are compared in lower case."""
    words = _words(text)
    cores = [_core(w) for w in words]
    out: list[str] = []
    for i, (core, punct) in enumerate(cores):
        low = core.lower()
        nxt = cores[i + 1][0] if i + 1 < len(cores) else ""
        last = i + 1 == len(cores)
        if low.rstrip(".") in numbers and _is_number(nxt):
            out.append(core.rstrip(".") + ".")
            continue
        prev = cores[i - 1][0].lower() if i else ""
        ends_here = (low in ends and nxt.lower() not in ends) or (
            _is_number(core) and prev in units)
        if last:
            sep = ""
        elif ends_here or punct.startswith((",", ";")) or (punct == "." and low in ends):
            sep = ","
        else:
            sep = punct
        out.append(core + sep)
    return " ".join(out).strip(" ,;")


def canonical_organisation(text: str, abbreviations: Collection[str]) -> str:
    """An organisation's name with its abbreviations in one form: each one with its full stop,
    ", " between them ("Co.,Ltd" -> "Co., Ltd.")."""
    words = _words(text)
    out = []
    for word in words:
        core, punct = _core(word)
        if core.lower() in abbreviations:
            punct = "." + ("," if "," in punct else "")
        out.append(core + punct)
    return " ".join(out).strip(" ,;")
