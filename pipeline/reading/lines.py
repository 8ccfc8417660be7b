"""Group loose word boxes (from a PDF text layer) into reading-order lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipeline.models import Word


def assign_lines(words: Iterable[Word]) -> list[Word]:
    """Words with `line` set: a word joins a line when its vertical middle lies inside the line's
    band; lines are ordered top to bottom, words left to right."""
    bands: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.left)):
        mid = w.top + w.height / 2
        for band in reversed(bands[-3:]):
            top = min(b.top for b in band)
            bottom = max(b.bottom for b in band)
            if top <= mid <= bottom:
                band.append(w)
                break
        else:
            bands.append([w])
    out: list[Word] = []
    for i, band in enumerate(bands):
        out.extend(replace(w, line=i) for w in sorted(band, key=lambda w: w.left))
    return out
