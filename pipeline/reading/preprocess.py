"""Image clean-up before OCR: grey conversion, page measurements, orientation, deskew, scaling.

Everything works on 8-bit grey numpy arrays (height x width). The steps here are the ones the
benchmark (`bench/ocr_quality.py`, numbers in the module docstring of `pipeline.reading.ocr`)
showed to help tesseract on real scans; steps that did not help are not here.

Geometry conventions (so a viewer can reproduce the page the word boxes refer to):
    upright = image.rotate(-rotation, expand=True)            # quarter turns, clockwise
    page    = upright.rotate(skew, expand=True)  # PIL: counter-clockwise degrees
`deskew_and_scale` produces `page` scaled by `scale` in one resampling step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

Gray = np.ndarray  # 2-D uint8

# Text-size analysis runs on a copy no larger than this (pixels); enough for 6 pt text on A4.
_ANALYSIS_PIXELS = 2_000_000
# Skew and line analysis runs where capital letters are about this tall (pixels).
_SKEW_CAP = 10.0
_MAX_POINTS = 60_000
# Lines must stand out this much more across than along before we call a page turned.
_VERTICAL_MARGIN = 2.0


@dataclass(frozen=True, slots=True)
class PageStats:
    """What a quick look at the page tells: text size, skew, line direction."""

    cap_height: float | None  # typical height of capitals/digits in pixels; None if no text found
    skew: float  # degrees counter-clockwise that would make horizontal text lines level
    vertical: bool  # text lines run top-to-bottom: the page lies on its side
    line_score: float  # how clearly the lines stand out (0: not at all)


def to_gray(image: Image.Image | np.ndarray) -> Gray:
    """An 8-bit grey copy of a PIL image or a numpy array (grey, RGB or RGBA; RGB order)."""
    if isinstance(image, Image.Image):
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            back = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(back, image.convert("RGBA"))
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            arr = np.asarray(image, dtype=np.float64)
            top = max(float(arr.max()), 1.0)
            return np.ascontiguousarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8))
        return np.ascontiguousarray(np.asarray(image.convert("L"), dtype=np.uint8))
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = arr.astype(np.float64)
        top = 255.0 if arr.max() > 1.0 else 1.0
        arr = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        arr = (arr[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    if arr.ndim == 3:
        arr = cv2.cvtColor(np.ascontiguousarray(arr[:, :, :3]), cv2.COLOR_RGB2GRAY)
    if arr.ndim != 2:
        raise ValueError(f"not an image array: shape {arr.shape}")
    return np.ascontiguousarray(arr)


def _shrink(gray: Gray, factor: float) -> Gray:
    """Downscale by area averaging; integer steps first, which OpenCV does much faster."""
    if factor >= 1.0:
        return gray
    h, w = gray.shape
    step = int(1.0 / factor)
    if step >= 2:
        gray = cv2.resize(gray, (max(1, w // step), max(1, h // step)), interpolation=cv2.INTER_AREA)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    if (gray.shape[1], gray.shape[0]) != size:
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return gray


def _shrink_by(gray: Gray, step: int) -> Gray:
    """Downscale by a whole factor (area average): fast, for analysis copies."""
    if step <= 1:
        return gray
    h, w = gray.shape
    return cv2.resize(gray, (max(1, w // step), max(1, h // step)), interpolation=cv2.INTER_AREA)


def _ink(gray: Gray, block: int) -> np.ndarray:
    """Binary mask (255 = ink) by a local mean threshold; robust to uneven light."""
    block = max(3, block | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block, 15)


def cap_height(gray: Gray) -> float | None:
    """Typical height of capitals and digits, from the sizes of character-like blobs."""
    h, w = gray.shape
    step = math.ceil(math.sqrt(h * w / _ANALYSIS_PIXELS))
    small = _shrink_by(gray, step)
    n, _, stats, _ = cv2.connectedComponentsWithStats(_ink(small, 31), connectivity=8)
    if n < 2:
        return None
    bw, bh, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    chars = (bh >= 5) & (bh <= small.shape[0] / 8) & (bw >= 2) & (bw <= 3 * bh) & (area >= 0.1 * bw * bh)
    if chars.sum() < 10:
        return None
    # The 75th percentile lands on capitals/digits: lower-case x-height blobs sit below it.
    return float(np.percentile(bh[chars], 75)) * step


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Peakiness (squared coefficient of variation) of the row profile of ink points rotated by
    `angle` degrees: high when text lines and the gaps between them are level."""
    t = math.radians(angle)
    proj = ys * math.cos(t) - xs * math.sin(t)
    hist = np.bincount((proj - proj.min()).astype(np.int32)).astype(np.float64)
    mean = hist.mean()
    return float(hist.var() / (mean * mean)) if mean > 0 else 0.0


def _char_pixels(ink: np.ndarray, cap: float) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the ink of character-sized blobs (no specks, rules, borders or pictures)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    bw, bh = stats[:, 2], stats[:, 3]
    big, small = np.maximum(bw, bh), np.minimum(bw, bh)
    keep = (big >= 0.4 * cap) & (big <= 2.5 * cap) & (small >= 2) & (small <= 2.5 * cap)
    keep[0] = False
    return np.nonzero(keep[labels])


def _search(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    scores = [_profile_score(ys, xs, a) for a in angles]
    k = int(np.argmax(scores))
    return float(angles[k]), float(scores[k])


def page_stats(gray: Gray, max_skew: float = 4.0) -> PageStats:
    """Text size, skew angle and line direction of a page, from a small binarised copy."""
    cap = cap_height(gray)
    step = int(cap / _SKEW_CAP) if cap else math.ceil(max(gray.shape) / 1500)
    small = _shrink_by(gray, step)
    block = 3 * round((cap or 15 * max(step, 1)) / max(step, 1)) + 1
    ys, xs = _char_pixels(_ink(small, block), (cap or 15.0 * step) / max(step, 1))
    if len(ys) < 200:
        return PageStats(cap, 0.0, False, 0.0)
    if len(ys) > _MAX_POINTS:  # a regular subsample keeps the profiles' shape
        step = len(ys) // _MAX_POINTS + 1
        ys, xs = ys[::step], xs[::step]
    yf, xf = ys.astype(np.float64), xs.astype(np.float64)
    coarse = np.arange(-max_skew, max_skew + 1e-9, 0.5)
    angle_h, score_h = _search(yf, xf, coarse)
    angle_v, score_v = _search(xf, -yf, coarse)  # as if the page were turned a quarter
    vertical = score_v > _VERTICAL_MARGIN * score_h
    if vertical:
        yf, xf, angle = xf, -yf, angle_v
    else:
        angle = angle_h
    angle, score = _search(yf, xf, np.arange(angle - 0.4, angle + 0.4 + 1e-9, 0.1))
    # The profile is level after rotating the points by `angle` (clockwise on screen, since y
    # points down); the page needs the opposite turn.
    return PageStats(cap, round(-angle, 2) + 0.0, vertical, score)


def rotate_quarters(gray: Gray, rotation: int) -> Gray:
    """The page turned clockwise by `rotation` degrees (a multiple of 90)."""
    k = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, k=-k)) if k else gray


def deskewed_size(width: int, height: int, skew: float) -> tuple[int, int]:
    """Canvas size of PIL's `rotate(skew, expand=True)` on a width x height image."""
    if not skew:
        return width, height
    a = -math.radians(skew)
    cos_a, sin_a = round(math.cos(a), 15), round(math.sin(a), 15)
    cx, cy = width / 2, height / 2
    xs, ys = [], []
    for x, y in ((0, 0), (width, 0), (width, height), (0, height)):
        dx, dy = x - cx, y - cy
        xs.append(cos_a * dx + sin_a * dy + cx)
        ys.append(-sin_a * dx + cos_a * dy + cy)
    return (math.ceil(max(xs)) - math.floor(min(xs)), math.ceil(max(ys)) - math.floor(min(ys)))


def deskew_and_scale(gray: Gray, skew: float, scale: float) -> tuple[Gray, int, int]:
    """Rotate by `skew` degrees counter-clockwise (canvas grown to fit) and scale.

    Returns the image and the page size (width, height) before scaling; one resampling step.
    """
    h, w = gray.shape
    pw, ph = deskewed_size(w, h, skew)
    if not skew and scale == 1.0:
        return gray, w, h
    out_w, out_h = max(1, round(pw * scale)), max(1, round(ph * scale))
    if not skew:
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        return cv2.resize(gray, (out_w, out_h), interpolation=interp), w, h
    src, warp_scale = gray, scale
    if scale < 0.75:  # shrink by area first: a warp alone would alias thin strokes
        src, warp_scale = _shrink(gray, scale), 1.0
    sh, sw = src.shape
    m = cv2.getRotationMatrix2D((sw / 2, sh / 2), skew, warp_scale)
    m[0, 2] += out_w / 2 - sw / 2
    m[1, 2] += out_h / 2 - sh / 2
    out = cv2.warpAffine(src, m, (out_w, out_h), flags=cv2.INTER_CUBIC,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=_edge_level(gray))
    return out, pw, ph


def _edge_level(gray: Gray) -> int:
    """Median grey of the image's outer frame: the fill that continues the page seamlessly
    (white would frame a dark or coloured page and upset tesseract's global threshold)."""
    frame = np.concatenate([gray[:2].ravel(), gray[-2:].ravel(), gray[:, :2].ravel(),
                            gray[:, -2:].ravel()])
    return int(np.median(frame))


def median_denoise(gray: Gray) -> Gray:
    """3x3 median: removes salt-and-pepper specks and halftone dots, keeps strokes >= 3 px."""
    return cv2.medianBlur(gray, 3)


def speckle_ratio(gray: Gray, cap: float) -> float:
    """Specks (blobs far smaller than a character) per character-sized blob."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(_ink(gray, 31), connectivity=8)
    if n < 2:
        return 0.0
    bh = stats[1:, 3]
    specks = int((bh <= max(2.0, cap / 8)).sum())
    chars = int(((bh >= cap * 0.5) & (bh <= cap * 1.5)).sum())
    return specks / max(chars, 1)
