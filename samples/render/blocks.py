"""Building blocks every layout uses: letterheads, titles, paragraphs, headings, rules,
signatures and logos."""

from __future__ import annotations

import math
import random

from samples.render.flow import Flow
from samples.render.fonts import fit_size, text_width, wrap
from samples.render.ops import GREY, INK, PT, RGB, Ellipse, Font, Line, Op, Poly, Rect, Text

PEN: RGB = (28, 38, 110)
ACCENTS: tuple[RGB, ...] = ((20, 70, 140), (0, 110, 90), (150, 30, 40), (40, 40, 40), (0, 90, 150))


def lead(size: float, factor: float = 1.45) -> float:
    """Line pitch in mm for text of `size` points."""
    return size * PT * factor


def text_line(flow: Flow, text: str, font: Font, size: float, align: str = "l",
              x: float | None = None, color: RGB = INK, pitch: float = 1.45) -> None:
    """One line at the cursor (shrunk to fit the width), cursor moved below it."""
    flow.ensure(lead(size, pitch))
    size = fit_size(text, font, size, flow.content_width)
    flow.y += size * PT * 1.0
    if x is None:
        x = {"l": flow.left, "c": (flow.left + flow.right) / 2, "r": flow.right}[align]
    flow.add(Text(x, flow.y, text, font, size, align, color))
    flow.y += lead(size, pitch) - size * PT


def paragraph(flow: Flow, text: str, font: Font, size: float, x: float | None = None,
              width: float | None = None, pitch: float = 1.45, indent: float = 0.0) -> None:
    x = flow.left if x is None else x
    width = flow.content_width - (x - flow.left) if width is None else width
    for i, line in enumerate(wrap(text, font, size, width - indent)):
        flow.ensure(lead(size, pitch))
        flow.add(Text(x + (indent if i == 0 else 0), flow.y + size * PT, line, font, size))
        flow.y += lead(size, pitch)


def rule(flow: Flow, width: float = 0.3, gap: float = 2.0, double: bool = False,
         color: RGB = INK) -> None:
    flow.y += gap / 2
    flow.add(Line(flow.left, flow.y, flow.right, flow.y, width, color))
    if double:
        flow.y += 0.8
        flow.add(Line(flow.left, flow.y, flow.right, flow.y, width / 2, color))
    flow.y += gap / 2


def logo(x: float, y: float, r: float, color: RGB) -> list[Op]:
    """A round hospital emblem with a cross, centred on (x, y)."""
    arm, half = r * 0.95, r * 0.28
    return [
        Ellipse(x, y, r, r, color, None, r * 0.12),
        Rect(x - half, y - arm * 0.7, 2 * half, arm * 1.4, None, color),
        Rect(x - arm * 0.7, y - half, arm * 1.4, 2 * half, None, color),
    ]


def letterhead(flow: Flow, name: str, address: str, head: Font, body: Font, rng: random.Random,
               align: str = "c", emblem: bool = False) -> None:
    """Issuer name (and address) at the top of a page, followed by a rule."""
    color = rng.choice(ACCENTS) if rng.random() < 0.5 else INK
    size = rng.choice((14.0, 15.0, 16.0, 17.0))
    x = flow.left
    if emblem:
        r = 7.0
        flow.add(*logo(flow.left + r, flow.y + r, r, color))
        x, align = flow.left + 2 * r + 4, "l"
    size = fit_size(name, head, size, flow.right - x)
    flow.y += size * PT
    cx = {"l": x, "c": (flow.left + flow.right) / 2, "r": flow.right}[align]
    flow.add(Text(cx, flow.y, name, head, size, align, color))
    flow.y += 2.2
    if address:
        asize = fit_size(address, body, 8.5, flow.right - x)
        flow.y += asize * PT
        flow.add(Text(cx, flow.y, address, body, asize, align, GREY))
    flow.y = max(flow.y + 2.0, flow.top + (16.0 if emblem else 0.0))
    rule(flow, 0.45, 2.5, double=rng.random() < 0.4, color=color)


def title(flow: Flow, text: str, font: Font, size: float, align: str = "c",
          underline: bool = False, gap: float = 4.0) -> None:
    flow.y += gap / 2
    size = fit_size(text, font, size, flow.content_width)
    flow.y += size * PT
    x = {"l": flow.left, "c": (flow.left + flow.right) / 2, "r": flow.right}[align]
    flow.add(Text(x, flow.y, text, font, size, align))
    if underline:
        w = text_width(text, font, size)
        x0 = {"l": x, "c": x - w / 2, "r": x - w}[align]
        flow.add(Line(x0, flow.y + 1.2, x0 + w, flow.y + 1.2, 0.35))
    flow.y += gap


def heading(flow: Flow, text: str, font: Font, size: float, style: str = "plain") -> None:
    """A section heading: plain, underlined, or on a shaded bar."""
    flow.ensure(lead(size) * 3)
    flow.y += 1.5
    if style == "bar":
        flow.add(Rect(flow.left, flow.y, flow.content_width, lead(size, 1.6), None, (225, 228, 232)))
        flow.add(Text(flow.left + 1.5, flow.y + size * PT * 1.15, text, font, size))
        flow.y += lead(size, 1.6) + 1.5
        return
    flow.y += size * PT
    flow.add(Text(flow.left, flow.y, text, font, size))
    if style == "underline":
        flow.add(Line(flow.left, flow.y + 1.0, flow.right, flow.y + 1.0, 0.2, GREY))
    flow.y += lead(size) - size * PT + 1.0


def scribble(rng: random.Random, x: float, y: float, w: float, h: float) -> Poly:
    """A handwritten signature: a pen stroke of uneven loops drifting upwards, in the box
    (x, y, w, h)."""
    loops = rng.randint(3, 7)
    amps = [rng.uniform(0.35, 1.0) for _ in range(loops + 1)]
    slant, rise, phase = rng.uniform(0.2, 0.6), rng.uniform(0.0, 0.3), rng.uniform(0, math.tau)
    pts = []
    n = 16 * loops
    for i in range(n + 1):
        t = i / n
        a = amps[min(loops, int(t * loops))]
        angle = t * loops * math.tau + phase
        dy = -h * 0.45 * a * math.sin(angle)
        px = x + w * t + w / loops * 0.3 * math.cos(angle) - slant * dy
        py = y + h / 2 + dy - rise * h * t
        pts.append((round(px, 2), round(py, 2)))
    return Poly(tuple(pts), PEN, None, rng.uniform(0.3, 0.45))


def signature(flow: Flow, label: str, font: Font, size: float, rng: random.Random,
              x: float | None = None, width: float = 55.0, signed: bool = True) -> tuple[float, float]:
    """"Label: ______" with a pen signature over the line; returns the line's (x, y)."""
    x = flow.left if x is None else x
    flow.ensure(14)
    flow.y += 10
    flow.add(Text(x, flow.y, label, font, size))
    lx = x + text_width(label, font, size) + 2
    flow.add(Line(lx, flow.y + 0.8, lx + width, flow.y + 0.8, 0.2))
    if signed:
        flow.add(scribble(rng, lx + 4, flow.y - 8, width * 0.6, 9))
    flow.y += 4
    return lx, flow.y - 4
