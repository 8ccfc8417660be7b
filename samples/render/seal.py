"""Round red seals (company, agency, hospital finance office), inked over the page."""

from __future__ import annotations

import math
import random

from samples.render.fonts import fit_size, text_width
from samples.render.ops import SEAL_RED, ArcText, Ellipse, Font, Layer, Op, Poly, Text

SEAL_FONTS = ("dejavu-sans", "liberation-sans", "free-sans", "dejavu-serif")


def star(cx: float, cy: float, r: float, tilt: float = 0.0) -> Poly:
    pts = []
    for i in range(10):
        rad = math.radians(tilt + i * 36)
        rr = r if i % 2 == 0 else r * 0.4
        pts.append((round(cx + rr * math.sin(rad), 3), round(cy - rr * math.cos(rad), 3)))
    return Poly(tuple(pts), None, SEAL_RED, 0.0, closed=True)


def round_seal(cx: float, cy: float, r: float, text: str, rng: random.Random,
               center: str = "", with_star: bool = True) -> Layer:
    """A round seal centred on (cx, cy): ring, text around the upper arc, a star, and an
    optional short line of text below the star."""
    font = Font(rng.choice(SEAL_FONTS), bold=True)
    tilt = rng.uniform(-12, 12)
    text = text.upper()
    r = max(r, min(21.0, 0.32 * len(text) + 4.0))
    r_text = r * 0.76
    span = min(250.0, max(150.0, 10.0 * len(text)))
    arc = math.radians(span) * r_text
    size = max(5.0, min(r * 0.6, arc / max(1.0, text_width(text, font, 1.0) * 1.12)))
    ops: list[Op] = [
        Ellipse(cx, cy, r, r, SEAL_RED, None, r * 0.055),
        ArcText(cx, cy, r_text, text, font, size, span, SEAL_RED, tilt),
    ]
    if with_star:
        ops.append(star(cx, cy - (r * 0.12 if center else 0), r * 0.28, tilt))
    if center:
        csize = fit_size(center, font, min(7.5, r * 0.45), r * 1.05, 4.0)
        ops.append(Text(cx, cy + r * 0.42, center, font, csize, "c", SEAL_RED))
    pad = r * 0.15
    return Layer(cx - r - pad, cy - r - pad, 2 * (r + pad), 2 * (r + pad), tuple(ops),
                 rng.uniform(0.72, 0.9))
