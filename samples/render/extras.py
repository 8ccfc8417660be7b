"""Small decorations: a QR-code-like square and an issuer seal from the spec's extras."""

from __future__ import annotations

import random

from samples.render.context import Doc
from samples.render.ops import INK, Layer, Op, Rect
from samples.render.seal import round_seal


def qr_square(rng: random.Random, x: float, y: float, size: float, n: int = 21) -> list[Op]:
    """A QR-code look-alike: random modules with the three finder squares."""
    cell = size / n
    ops: list[Op] = [Rect(x, y, size, size, None, (255, 255, 255))]
    finders = ((0, 0), (n - 7, 0), (0, n - 7))
    for fx, fy in finders:
        ops += [Rect(x + fx * cell, y + fy * cell, 7 * cell, 7 * cell, None, INK),
                Rect(x + (fx + 1) * cell, y + (fy + 1) * cell, 5 * cell, 5 * cell, None,
                     (255, 255, 255)),
                Rect(x + (fx + 2) * cell, y + (fy + 2) * cell, 3 * cell, 3 * cell, None, INK)]
    for i in range(n):
        for j in range(n):
            in_finder = any(fx - 1 <= i <= fx + 7 and fy - 1 <= j <= fy + 7 for fx, fy in finders)
            if not in_finder and rng.random() < 0.45:
                ops.append(Rect(x + i * cell, y + j * cell, cell, cell, None, INK))
    return ops


def issuer_seal(doc: Doc, x: float, y: float, r: float, fallback: str, center: str = ""
                ) -> Layer:
    """A seal with extras["seal_text"], else extras["issuer"], else `fallback`."""
    text = doc.extras.get("seal_text") or doc.extras.get("issuer") or fallback
    return round_seal(x, y, r, text, doc.rng, center)
