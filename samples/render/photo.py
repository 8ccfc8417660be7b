"""A rendered card photographed on a desk: a textured background, the card turned a little
and seen in slight perspective, with rounded corners and a soft shadow."""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from samples.render.card_parts import CARD_W, RADIUS

DESKS: tuple[tuple[int, int, int], ...] = (
    (150, 108, 70), (182, 180, 172), (70, 70, 76), (226, 222, 212), (110, 130, 150),
    (196, 170, 130),
)


def desk(w: int, h: int, rng: random.Random) -> Image.Image:
    """A desk surface: a base colour with soft blotches, wood-like streaks sometimes, grain
    (made at half size, then enlarged)."""
    full = (w, h)
    w, h = w // 2, h // 2
    nrng = np.random.default_rng(rng.getrandbits(32))
    base = np.array(rng.choice(DESKS), dtype=np.float32)
    coarse = nrng.normal(0, 1, (6, 8)).astype(np.float32)
    blotch = np.asarray(Image.fromarray(coarse).resize((w, h), Image.Resampling.BICUBIC))
    field = blotch[..., None] * rng.uniform(6, 14)
    if rng.random() < 0.4:
        ys = np.linspace(0, rng.uniform(20, 60), h, dtype=np.float32)[:, None]
        streak = np.sin(ys + 3 * np.sin(np.linspace(0, 6, w, dtype=np.float32))[None, :])
        field = field + streak[..., None] * rng.uniform(4, 10)
    grain = nrng.normal(0, 3, (h, w, 1)).astype(np.float32)
    img = np.clip(base + field + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(img, "RGB").resize(full, Image.Resampling.BILINEAR)


def _coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """PIL PERSPECTIVE coefficients mapping output points `dst` to input points `src`."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs))]


def _quad(cw: int, ch: int, w: int, h: int, rng: random.Random) -> list[tuple[float, float]]:
    """Where the card's corners land in the photo: turned, shifted, in slight perspective."""
    angle = math.radians(rng.uniform(-8, 8))
    cos, sin = math.cos(angle), math.sin(angle)
    pts = []
    for x, y in ((-cw / 2, -ch / 2), (cw / 2, -ch / 2), (cw / 2, ch / 2), (-cw / 2, ch / 2)):
        jx, jy = rng.uniform(-0.03, 0.03) * cw, rng.uniform(-0.03, 0.03) * cw
        pts.append((x * cos - y * sin + jx, x * sin + y * cos + jy))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    margin = 0.04 * w
    cx = rng.uniform(margin - min(xs), w - margin - max(xs))
    cy = rng.uniform(margin - min(ys), h - margin - max(ys))
    return [(x + cx, y + cy) for x, y in pts]


def photograph(card: Image.Image, rng: random.Random) -> Image.Image:
    cw, ch = card.size
    w = round(cw / rng.uniform(0.58, 0.8))
    h = round(w * rng.choice((0.75, 0.8, 0.7)))
    photo = desk(w, h, rng)
    mask = Image.new("L", card.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, cw - 1, ch - 1), RADIUS / CARD_W * cw, 255)
    quad = _quad(cw, ch, w, h, rng)
    x0, y0 = (math.floor(min(p[i] for p in quad)) for i in (0, 1))
    x1, y1 = (math.ceil(max(p[i] for p in quad)) for i in (0, 1))
    coeffs = _coeffs([(x - x0, y - y0) for x, y in quad], [(0, 0), (cw, 0), (cw, ch), (0, ch)])
    size, how = (x1 - x0, y1 - y0), Image.Resampling.BILINEAR
    warped = card.transform(size, Image.Transform.PERSPECTIVE, coeffs, how)
    wmask = mask.transform(size, Image.Transform.PERSPECTIVE, coeffs, how)
    _shadow(photo, wmask, (x0, y0), rng)
    photo.paste(warped, (x0, y0), wmask)
    return photo


def _shadow(photo: Image.Image, mask: Image.Image, at: tuple[int, int], rng: random.Random
            ) -> None:
    """A soft shadow of the card, cast down and to the right (blurred at a quarter size)."""
    w, h = photo.size
    shift = (rng.uniform(0.005, 0.015) * w, rng.uniform(0.005, 0.02) * w)
    small = Image.new("L", (w // 4, h // 4), 0)
    quarter = mask.resize((max(1, mask.width // 4), max(1, mask.height // 4)))
    small.paste(quarter, (round((at[0] + shift[0]) / 4), round((at[1] + shift[1]) / 4)))
    small = small.filter(ImageFilter.GaussianBlur(0.003 * w)).point(lambda v: int(v * 0.55))
    photo.paste(Image.new("RGB", (w, h), (15, 15, 15)), (0, 0), small.resize((w, h)))
