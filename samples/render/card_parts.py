"""Drawing pieces of plastic cards (85.6 x 54 mm): body and guilloche background, portrait
placeholder, chip, and a field box that shrinks its type until the fields fit."""

from __future__ import annotations

import math
import random

from samples.render.fonts import fit_size, text_width, wrap
from samples.render.ops import GREY, PT, RGB, Ellipse, Font, Op, Poly, Rect, Text

CARD_W, CARD_H = 85.6, 54.0
RADIUS = 3.2


def tint(color: RGB, k: float) -> RGB:
    """`color` mixed with white: k=0 -> color, k=1 -> white."""
    r, g, b = color
    return (round(r + (255 - r) * k), round(g + (255 - g) * k), round(b + (255 - b) * k))


def body(fill: RGB) -> Rect:
    return Rect(0, 0, CARD_W, CARD_H, (200, 200, 200), fill, 0.2, RADIUS)


def waves(rng: random.Random, color: RGB, n: int = 14, y0: float = 0.0,
          y1: float = CARD_H) -> list[Op]:
    """Fine sinusoidal guilloche lines across the card."""
    ops: list[Op] = []
    amp, freq, phase = rng.uniform(1.5, 4), rng.uniform(1.5, 3.5), rng.uniform(0, math.tau)
    for i in range(n):
        base = y0 + (y1 - y0) * (i + 0.5) / n
        pts = tuple((round(x, 2), round(base + amp * math.sin(freq * x / 12 + phase + i * 0.5), 2))
                    for x in [CARD_W * j / 40 for j in range(41)])
        ops.append(Poly(pts, color, None, 0.12))
    return ops


def portrait(x: float, y: float, w: float, h: float, bg: RGB = (226, 228, 232)) -> list[Op]:
    """A grey head-and-shoulders silhouette in a box."""
    grey = (150, 152, 158)
    cx = x + w / 2
    shoulders = tuple((round(cx + w * 0.46 * math.cos(a), 2), round(y + h - h * 0.3 * math.sin(a), 2))
                      for a in [math.pi * i / 20 for i in range(21)])
    return [
        Rect(x, y, w, h, None, bg),
        Poly(shoulders, None, grey, 0.0, closed=True),
        Ellipse(cx, y + h * 0.38, w * 0.22, h * 0.2, None, grey),
    ]


def chip(x: float, y: float) -> list[Op]:
    gold, line = (212, 178, 96), (160, 126, 60)
    w, h = 10.5, 8.0
    ops: list[Op] = [Rect(x, y, w, h, line, gold, 0.15, 1.2)]
    for k in (1 / 3, 2 / 3):
        ops.append(Poly(((x, y + h * k), (x + w, y + h * k)), line, None, 0.15))
    ops.append(Poly(((x + w / 2, y), (x + w / 2, y + h)), line, None, 0.15))
    return ops


def fields_box(pairs: list[tuple[str, str]], x: float, y: float, w: float, h: float,
               label: Font, value: Font, size: float = 8.0, label_color: RGB = GREY,
               stacked: bool = False) -> list[Op]:
    """Label/value rows in the box (x, y, w, h); long values wrap (at most three lines), the
    type shrinks until everything fits, and too many rows split into two columns."""
    fit = _fit(pairs, w, h, label, value, size, stacked)
    if fit is None and stacked:
        return fields_box(pairs, x, y, w, h, label, value, size, label_color, stacked=False)
    if fit is None:
        half = (len(pairs) + 1) // 2
        return (_compact(pairs[:half], x, y, w / 2 - 1, h, value)
                + _compact(pairs[half:], x + w / 2, y, w / 2 - 1, h, value))
    size, lw, lines = fit
    lsize = size * (0.8 if stacked else 0.85)
    ops: list[Op] = []
    cy = y
    for (lb, _), vals in zip(pairs, lines, strict=True):
        if stacked:
            cy += lsize * PT * 1.0
            ops.append(Text(x, cy, lb, label, lsize, "l", label_color))
        for i, val in enumerate(vals):
            cy += size * PT * (1.05 if i == 0 else 1.2)
            if i == 0 and not stacked:
                ops.append(Text(x, cy, lb, label, lsize, "l", label_color))
            ops.append(Text(x + lw, cy, val, value, fit_size(val, value, size, w - lw, 4.5)))
        cy += size * PT * 0.5
    return ops


def _compact(pairs: list[tuple[str, str]], x: float, y: float, w: float, h: float,
             font: Font) -> list[Op]:
    """Overflow fallback: one "Label: value" line per field, evenly spaced, shrunk to fit."""
    pitch = h / max(1, len(pairs))
    size = min(7.0, pitch / PT / 1.25)
    ops: list[Op] = []
    for i, (lb, val) in enumerate(pairs):
        text = f"{lb}: {val}"
        ops.append(Text(x, y + pitch * (i + 0.8), text, font, fit_size(text, font, size, w, 1.5)))
    return ops


def _fit(pairs: list[tuple[str, str]], w: float, h: float, label: Font, value: Font,
         size: float, stacked: bool) -> tuple[float, float, list[list[str]]] | None:
    """(type size, label width, value lines) that fit the box, or None when even 5 pt type
    does not fit (and there is more than one row to split)."""
    while True:
        lsize = size * (0.8 if stacked else 0.85)
        lw = 0.0 if stacked else max((text_width(lb, label, lsize) for lb, _ in pairs),
                                     default=0) + 2
        lines = [_few_lines(v, value, size, w - lw) for _, v in pairs]
        n_lines = sum(len(v) for v in lines)
        height = n_lines * size * PT * 1.2 + len(pairs) * size * PT * (0.45 + stacked * 1.0)
        if height <= h:
            return size, lw, lines
        if size <= 5.0:
            return None if len(pairs) > 1 else (size, lw, lines)
        size -= 0.25


def _few_lines(text: str, font: Font, size: float, width: float) -> list[str]:
    lines = wrap(text, font, size, width)
    return lines if len(lines) <= 3 else [*lines[:2], " ".join(lines[2:])]
