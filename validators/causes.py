"""Excluded causes (Article 30): does a discharge summary say the treatment has a cause the fund
does not pay for? Phrases per cause live in `data/excluded_causes.toml`.

    find_excluded_cause(text, vocabulary) -> CauseHit | None
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

DATA = Path(__file__).with_name("data") / "excluded_causes.toml"
_CLAUSE = re.compile(r"[.;:!?\n]|,\s*(?:but|and|while)\b")


@dataclass(frozen=True)
class Cause:
    name: str
    label: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class CauseVocabulary:
    causes: tuple[Cause, ...]
    negations: tuple[str, ...]


@dataclass(frozen=True)
class CauseHit:
    cause: str
    label: str
    evidence: str  # the words of the summary that matched


def load_causes(path: Path = DATA) -> CauseVocabulary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    causes = []
    for name, entry in data.get("causes", {}).items():
        phrases = tuple(_words(p) for p in entry.get("phrases", []))
        if not phrases or not all(phrases):
            raise ValueError(f"{path.name}: cause {name} needs non-empty phrases")
        causes.append(Cause(name, str(entry.get("label", name)), phrases))
    if not causes:
        raise ValueError(f"{path.name}: no causes")
    return CauseVocabulary(tuple(causes), tuple(_words(n) for n in data.get("negations", [])))


def _words(text: str) -> str:
    """Lower-case words separated by single spaces; OCR's 0/1 inside words read as o/l."""
    text = re.sub(r"(?<=[a-z])0|0(?=[a-z])", "o", text.lower())
    text = re.sub(r"(?<=[a-z])1|1(?=[a-z])", "l", text)
    return " ".join(re.findall(r"[a-z]+(?:'[a-z]+)?", text))


def _negated(before: str, negations: tuple[str, ...]) -> bool:
    padded = f" {before} "
    return any(f" {n} " in padded for n in negations)


def _find(phrase: str, clause: str) -> int:
    """Start of `phrase` in `clause` (word-aligned), allowing one OCR slip in long phrases; -1."""
    at = f" {clause} ".find(f" {phrase} ")
    if at >= 0 or len(phrase) < 12 or len(clause) < len(phrase):
        return at
    hit = fuzz.partial_ratio_alignment(phrase, clause, score_cutoff=92)
    if hit is None or hit.dest_end - hit.dest_start < len(phrase) - 1:
        return -1
    return hit.dest_start


def find_excluded_cause(text: str, vocabulary: CauseVocabulary) -> CauseHit | None:
    """The first excluded cause the text states (not merely denies), or None."""
    for raw_clause in _CLAUSE.split(text):
        clause = _words(raw_clause)
        if not clause:
            continue
        for cause in vocabulary.causes:
            for phrase in cause.phrases:
                at = _find(phrase, clause)
                if at >= 0 and not _negated(clause[:at], vocabulary.negations):
                    return CauseHit(cause.name, cause.label, raw_clause.strip())
    return None
