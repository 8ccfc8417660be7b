"""Scan and photo defects for synthetic pages: resampling to the scan resolution, skew, page
rotation, uneven light, blur, noise and JPEG artefacts; and pages destroyed beyond reading.

Conventions: `degrade` takes a clean page at 300 dpi. `rotation` is the angle in degrees the
page was turned counter-clockwise (PIL's convention) as it lay on the scanner; a reader must turn
it back by `-rotation`. The output keeps the scanner's frame: its size is the page size at
`dpi` (width and height swapped for 90 and 270), whatever the skew.
"""

from __future__ import annotations

import io
import random
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SOURCE_DPI = 300


@dataclass(frozen=True)
class ScanParams:
    dpi: int
    skew: float  # degrees, counter-clockwise, within +-3
    rotation: int  # 0, 90, 180 or 270: degrees the page was turned counter-clockwise
    noise: float  # standard deviation of pixel noise as a fraction of full scale
    blur: float  # Gaussian blur radius in output pixels
    jpeg_quality: int | None  # None: lossless
    uneven_light: float  # 0..1, how much the darkest corner loses
    grayscale: bool = False  # a greyscale scanner: `degrade` returns an "L" image

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def random_scan_params(rng: random.Random, *, rotate: bool = True) -> ScanParams:
    """A plausible office scan: 150-300 dpi, a little skew, rotated in ~10% of scans (when
    `rotate`), mild noise, blur, JPEG and light fall-off."""
    rotation = 0
    if rotate and rng.random() < 0.1:
        rotation = rng.choice((90, 180, 180, 270))
    return ScanParams(
        dpi=rng.choice((150, 200, 200, 240, 300, 300)),
        skew=round(rng.uniform(-3, 3) if rng.random() < 0.7 else rng.uniform(-0.5, 0.5), 2),
        rotation=rotation,
        noise=round(rng.uniform(0.0, 0.05), 3),
        blur=round(rng.uniform(0.0, 0.8), 2),
        jpeg_quality=rng.choice((None, rng.randint(55, 92))),
        uneven_light=round(rng.uniform(0.0, 0.2), 3),
        grayscale=rng.random() < 0.3,
    )


def photo_params(rng: random.Random) -> ScanParams:
    """A phone photo of a card: no resampling, no extra skew, uneven light, slight blur, JPEG."""
    return ScanParams(
        dpi=SOURCE_DPI,
        skew=0.0,
        rotation=0,
        noise=round(rng.uniform(0.01, 0.04), 3),
        blur=round(rng.uniform(0.3, 1.2), 2),
        jpeg_quality=rng.randint(70, 92),
        uneven_light=round(rng.uniform(0.2, 0.45), 3),
    )


def degrade(img: Image.Image, params: ScanParams, rng: random.Random) -> Image.Image:
    """`img` (a clean page at 300 dpi) as the scanner or camera delivered it."""
    img = img.convert("RGB")
    if params.dpi != SOURCE_DPI:
        k = params.dpi / SOURCE_DPI
        size = (max(1, round(img.width * k)), max(1, round(img.height * k)))
        img = img.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if params.skew:
        img = img.rotate(params.skew, Image.Resampling.BILINEAR, expand=False,
                         fillcolor=(250, 250, 250))
    if params.rotation:
        img = img.rotate(params.rotation, expand=True)
    if params.grayscale:
        img = img.convert("L")
    if params.uneven_light:
        img = _light(img, params.uneven_light, rng)
    if params.blur:
        img = img.filter(ImageFilter.GaussianBlur(params.blur))
    if params.noise:
        img = _noise(img, params.noise, rng)
    if params.jpeg_quality is not None:
        img = _jpeg(img, params.jpeg_quality)
    return img


def _light(img: Image.Image, amount: float, rng: random.Random) -> Image.Image:
    """Light falling off towards one side or corner (computed at low resolution)."""
    w, h = img.size
    sw, sh = max(2, w // 16), max(2, h // 16)
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
    cx, cy = rng.uniform(-0.5, 1.5) * sw, rng.uniform(-0.5, 1.5) * sh
    dist = (np.hypot(xs - cx, ys - cy) / np.hypot(sw, sh)).astype(np.float32)
    gain = (1.0 - amount * np.clip(dist, 0, 1)).astype(np.float32)
    field = Image.fromarray((gain * 255).astype(np.uint8), "L").resize(
        (w, h), Image.Resampling.BILINEAR)
    g = np.asarray(field, dtype=np.float32) / 255
    arr = np.asarray(img, dtype=np.float32)
    lit = arr * (g[..., None] if arr.ndim == 3 else g)
    return Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8), img.mode)


def _noise(img: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    nrng = np.random.default_rng(rng.getrandbits(32))
    arr = np.asarray(img, dtype=np.int16)
    noise = nrng.normal(0, sigma * 255, arr.shape[:2]).astype(np.int16)
    arr = arr + (noise if arr.ndim == 2 else noise[..., None])
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def destroy(img: Image.Image, rng: random.Random) -> Image.Image:
    """The page made unreadable: drowned in blur and noise, washed out to almost no contrast,
    or torn off so that only a scrap of margin is left."""
    mode = rng.choice(("blur", "contrast", "torn"))
    img = img.convert("L")
    if mode == "blur":
        img = img.filter(ImageFilter.GaussianBlur(max(img.size) / 120))
        return _noise(img, 0.18, rng)
    if mode == "contrast":
        img = img.filter(ImageFilter.GaussianBlur(max(img.size) / 400))
        img = img.point(lambda v: 236 + v * 14 // 255)
        return _noise(img, 0.06, rng)
    return _torn(img, rng)


def _torn(img: Image.Image, rng: random.Random) -> Image.Image:
    """Keep a ragged scrap (an edge strip, blurred) on a dark scanner lid background."""
    w, h = img.size
    keep = rng.uniform(0.06, 0.12) * h
    edge = [(x, keep + rng.uniform(-0.03, 0.03) * h) for x in range(0, w + 40, 40)]
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon([(0, 0), (w, 0), *reversed(edge)], fill=255)
    scrap = img.filter(ImageFilter.GaussianBlur(max(img.size) / 250))
    out = Image.new("L", img.size, 60)
    out.paste(scrap, (0, 0), mask)
    return _noise(out, 0.05, rng)
