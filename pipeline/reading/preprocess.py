"""Image clean-up before OCR: grey conversion, page measurements, quarter turns, deskew, scaling,
and the few clean-up steps the benchmark showed to help (each applied only where the page needs
it; see `pipeline.reading.ocr` for the measured effect of each).

Everything works on 8-bit grey numpy arrays (height x width).

Geometry (so a viewer can rebuild the page that word boxes refer to, with PIL):
    upright = image.rotate(-rotation, expand=True)   # quarter turns clockwise
    page    = upright.rotate(skew, expand=True)      # PIL: degrees counter-clockwise
`deskew_and_scale` makes `page` (scaled by `scale`) in one resampling step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image

Gray = np.ndarray  # 2-D uint8

_ANALYSIS_PIXELS = 4_000_000  # blob statistics run on a copy no larger than this
_SKEW_CAP = 10.0  # line analysis runs where capitals are about this tall (px)
_MAX_POINTS = 30_000  # ink points used for line profiles
_MAX_SKEW = 4.0  # degrees searched either way
# Lines must stand out this much more across than along before a page counts as turned
# (upright SROIE receipts reach 1.0, pages on their side 4.4).
VERTICAL_MARGIN = 2.0
# Line profiles less peaky than this show no text lines (text pages 1.4-7, noise 0.1-0.3):
# no skew, no turn, no re-reading turned.
MIN_LINE_SCORE = 0.8
# Latin print has more ink above the x-height band (capitals, digits, b d f h k l t, i-dots) than
# below it (g j p q y). Over 300 sample pages of two batches: ink above / ink below the band is
# 1.1-9 on most upright pages and 0.1-0.9 upside down; a few upright cards and forms set in
# capitals fall to 0.6-0.8, so below 1 the lines must also vote (each line with 1.5x more ink on one
# side votes): at least 5 lines and twice as many voting "upside down" as "upright".
UPSIDE_DOWN_BELOW = 0.5


@dataclass(frozen=True, slots=True)
class PageStats:
    """What a quick look at a page tells (a few tens of ms for an A4 page at 300 dpi)."""

    cap_height: float | None  # typical height of capitals/digits (px); None: no text found
    skew: float  # degrees counter-clockwise that level the text lines
    vertical: bool  # text lines run top to bottom: the page lies on its side
    turn_ratio: float  # line peakiness across / along: > VERTICAL_MARGIN means vertical
    line_score: float  # peakiness of the line profile; below MIN_LINE_SCORE: no text lines
    speckle: float  # specks (blobs far smaller than a character) per character-sized blob
    ink: float  # grey level of the ink (darker tenth of the ink pixels)
    paper: float  # grey level of the paper (median of the non-ink pixels)
    uneven: float  # spread of the paper level over the page (grey levels; shading, photos)
    ascent: float = 1.0  # ink above / below the x-height band of the lines (1.0: unknown)
    lines_up: int = 0  # lines with clearly more ink above their x-height band than below ...
    lines_down: int = 0  # ... and the other way round

    @property
    def upside_down(self) -> bool:
        if self.line_score < MIN_LINE_SCORE:
            return False
        votes = self.lines_down >= 5 and self.lines_down >= 2 * self.lines_up
        return self.ascent < UPSIDE_DOWN_BELOW or (self.ascent < 1.0 and votes)

    def turned_half(self) -> PageStats:
        """The stats of the page turned 180 degrees (skew and line measures keep their sign)."""
        return replace(self, ascent=1 / self.ascent if self.ascent else 1.0,
                       lines_up=self.lines_down, lines_down=self.lines_up)

    @property
    def contrast(self) -> float:
        return self.paper - self.ink


def to_gray(image: Image.Image | np.ndarray) -> Gray:
    """An 8-bit grey copy of a PIL image or a numpy array (grey, RGB or RGBA in RGB order)."""
    if isinstance(image, Image.Image):
        return _pil_to_gray(image)
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = _to_uint8(arr.astype(np.float64))
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        arr = (arr[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 3:
        arr = cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_RGB2GRAY)
    if arr.ndim != 2 or min(arr.shape) < 1:
        raise ValueError(f"not an image array: shape {arr.shape}")
    return np.ascontiguousarray(arr)


def _pil_to_gray(image: Image.Image) -> Gray:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        back = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(back, image.convert("RGBA"))
    if image.mode.startswith("I") or image.mode == "F":
        return _to_uint8(np.asarray(image, dtype=np.float64))
    return np.ascontiguousarray(np.asarray(image.convert("L"), dtype=np.uint8))


def _to_uint8(arr: np.ndarray) -> Gray:
    top = float(arr.max()) if arr.size else 1.0
    top = 1.0 if top <= 1.0 else (255.0 if top <= 255.0 else top)
    return np.ascontiguousarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8))


def _shrink_by(gray: Gray, step: int) -> Gray:
    """Downscale by a whole factor (area average): fast, for analysis copies."""
    if step <= 1:
        return gray
    h, w = gray.shape
    return cv2.resize(gray, (max(1, w // step), max(1, h // step)), interpolation=cv2.INTER_AREA)


def _ink(gray: Gray, block: int) -> np.ndarray:
    """Binary mask (255 = ink) by a local mean threshold: robust to uneven light."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 max(3, block | 1), 15)


def measure(gray: Gray) -> PageStats:
    """Text size, specks, ink and paper levels, skew and line direction of a page."""
    h, w = gray.shape
    step = math.ceil(math.sqrt(h * w / _ANALYSIS_PIXELS))
    small = _shrink_by(gray, step)
    ink = _ink(small, 31)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    bw, bh, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    chars = (bh >= 5) & (bh <= small.shape[0] / 8) & (bw >= 2) & (bw <= 3 * bh)
    chars &= area >= 0.1 * bw * bh
    cap_small = float(np.percentile(bh[chars], 75)) if chars.sum() >= 10 else None
    # The 75th percentile lands on capitals/digits: lower-case x-height blobs sit below it.
    cap = cap_small * step if cap_small else None
    speckle = 0.0
    if cap_small:
        specks = int((bh <= max(2.0, cap_small / 8)).sum())
        sized = int(((bh >= cap_small / 2) & (bh <= cap_small * 1.5)).sum())
        speckle = specks / max(sized, 1)
    # Ink level from character-sized blobs only: on a sparse, grainy page most "ink" is grain.
    glyphs = ink
    if chars.sum() >= 10:
        keep = np.zeros(n, np.uint8)
        keep[1:][chars] = 255
        glyphs = keep[labels]
    ink_level, paper_level = _levels(small, ink, glyphs)
    skew, vertical, ratio, lines, (ascent, up, down) = _lines(gray, cap)
    return PageStats(cap, skew, vertical, ratio, lines, speckle, ink_level, paper_level,
                     _unevenness(small[::4, ::4], ink[::4, ::4]), ascent, up, down)


def levels(gray: Gray) -> tuple[float, float]:
    """(ink, paper) grey levels of a page."""
    small = _shrink_by(gray, math.ceil(math.sqrt(gray.size / _ANALYSIS_PIXELS)))
    ink = _ink(small, 31)
    return _levels(small, ink, ink)


def _levels(gray: Gray, ink: np.ndarray, glyphs: np.ndarray) -> tuple[float, float]:
    """(ink, paper): the 10th percentile of glyph pixels, the median of the non-ink pixels."""
    sample, mask, text = gray[::3, ::3], ink[::3, ::3] > 0, glyphs[::3, ::3] > 0
    if text.sum() < 100 or (~mask).sum() < 100:
        return 0.0, 255.0
    return float(np.percentile(sample[text], 10)), float(np.median(sample[~mask]))


def _unevenness(gray: Gray, ink: np.ndarray, tiles: int = 6) -> float:
    """Spread (90th - 10th percentile) of the paper level over a grid of tiles."""
    h, w = gray.shape
    medians = []
    for i in range(tiles):
        rows = slice(i * h // tiles, (i + 1) * h // tiles)
        for j in range(tiles):
            cols = slice(j * w // tiles, (j + 1) * w // tiles)
            paper = gray[rows, cols][ink[rows, cols] == 0]
            if paper.size > 50:
                medians.append(float(np.median(paper)))
    return float(np.percentile(medians, 90) - np.percentile(medians, 10)) if medians else 0.0


def _lines(gray: Gray, cap: float | None) -> tuple[float, bool, float, float, tuple[float, int, int]]:
    """(skew, vertical, turn ratio, line score, (ascent, lines up, lines down)) from the row
    profiles of character ink at ~10 px caps."""
    step = max(1, round(cap / _SKEW_CAP)) if cap else math.ceil(max(gray.shape) / 1500)
    small = _shrink_by(gray, step)
    cap_small = cap / step if cap else 15.0
    ys, xs = _char_pixels(_ink(small, 3 * round(cap_small) + 1), cap_small)
    if len(ys) < 200:
        return 0.0, False, 1.0, 0.0, _UNKNOWN
    if len(ys) > _MAX_POINTS:  # a regular subsample keeps the profiles' shape
        every = len(ys) // _MAX_POINTS + 1
        ys, xs = ys[::every], xs[::every]
    yf, xf = ys.astype(np.float64), xs.astype(np.float64)
    coarse = np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.5)
    angle_h, score_h = _search(yf, xf, coarse)
    angle_v, score_v = _search(xf, -yf, coarse)  # the points as if turned a quarter clockwise
    ratio, line_score = score_v / max(score_h, 1e-9), max(score_h, score_v)
    if line_score < MIN_LINE_SCORE:
        return 0.0, False, ratio, line_score, _UNKNOWN
    vertical = ratio > VERTICAL_MARGIN
    if vertical:
        yf, xf, angle_h = xf, -yf, angle_v
    fine = np.arange(angle_h - 0.4, angle_h + 0.4 + 1e-9, 0.1)
    angle, _ = _search(yf, xf, fine[np.abs(fine) <= _MAX_SKEW + 1e-9])
    # Lines level at `angle` run along y = c + x * tan(angle) (y points down), i.e. they were
    # turned clockwise on screen by `angle`; turning the page counter-clockwise by as much
    # levels them.
    ascent = _UNKNOWN if vertical else _ascent(yf, xf, angle)  # a turned page is measured again
    return round(angle, 2) + 0.0, vertical, ratio, line_score, ascent


def _profile(ys: np.ndarray, xs: np.ndarray, angle: float) -> np.ndarray:
    """Row profile (points per 1-px row) of the points turned by `angle` degrees."""
    t = math.radians(angle)
    proj = ys * math.cos(t) - xs * math.sin(t)
    return np.bincount((proj - proj.min()).astype(np.int32)).astype(np.float64)


_UNKNOWN = (1.0, 0, 0)


def _ascent(ys: np.ndarray, xs: np.ndarray, angle: float) -> tuple[float, int, int]:
    """(ink above / ink below the core (x-height) band of the text lines, lines voting upright,
    lines voting upside down), the lines levelled by `angle`."""
    hist = _profile(ys, xs, angle)
    on = np.concatenate([[False], hist > 0.02 * hist.max(), [False]])
    edges = np.flatnonzero(on[1:] != on[:-1])  # starts and ends of the runs of inked rows
    above = below = 0.0
    up = down = 0
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        line = hist[start:end]
        core = np.flatnonzero(line >= 0.5 * line.max())
        a, b = float(line[: core[0]].sum()), float(line[core[-1] + 1:].sum())
        above, below = above + a, below + b
        if line.sum() >= 30:
            up += a > 1.5 * b
            down += b > 1.5 * a
    if above + below < 50:
        return _UNKNOWN
    return above / max(below, 1.0), up, down


def _char_pixels(ink: np.ndarray, cap: float) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the ink of character-sized blobs (no specks, rules, borders, pictures)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    bw, bh = stats[:, 2], stats[:, 3]
    big, small = np.maximum(bw, bh), np.minimum(bw, bh)
    keep = (big >= 0.4 * cap) & (big <= 2.5 * cap) & (small >= 2) & (small <= 2.5 * cap)
    keep[0] = False
    ys, xs = np.nonzero(keep[labels])
    return ys, xs


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Peakiness (squared coefficient of variation) of the row profile of points turned by
    `angle` degrees: high when text lines, and the gaps between them, are level."""
    hist = _profile(ys, xs, angle)
    mean = hist.mean()
    return float(hist.var() / (mean * mean)) if mean > 0 else 0.0


def _search(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    scores = [_profile_score(ys, xs, a) for a in angles]
    k = int(np.argmax(scores))
    return float(angles[k]), float(scores[k])


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
    return math.ceil(max(xs)) - math.floor(min(xs)), math.ceil(max(ys)) - math.floor(min(ys))


def deskew_and_scale(gray: Gray, skew: float, scale: float) -> tuple[Gray, int, int]:
    """Turn by `skew` degrees counter-clockwise (canvas grown to fit, like PIL's expand) and
    scale by `scale`, in one resampling step. Returns the image and the page size before
    scaling (width, height)."""
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
        src = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))),
                         interpolation=cv2.INTER_AREA)
        warp_scale = 1.0
    sh, sw = src.shape
    m = cv2.getRotationMatrix2D((sw / 2, sh / 2), skew, warp_scale)
    m[0, 2] += out_w / 2 - sw / 2
    m[1, 2] += out_h / 2 - sh / 2
    return cv2.warpAffine(src, m, (out_w, out_h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=_edge_level(gray)), pw, ph


def _edge_level(gray: Gray) -> int:
    """Median grey of the image's outer frame: a fill that continues the page seamlessly
    (white corners on a dark or tinted page would upset tesseract's global threshold)."""
    frame = np.concatenate([gray[:2].ravel(), gray[-2:].ravel(), gray[:, :2].ravel(),
                            gray[:, -2:].ravel()])
    return int(np.median(frame))


def flatten_background(gray: Gray, cap: float) -> Gray:
    """Divide by the paper's own brightness (a grey closing wider than any stroke, smoothed):
    shading and uneven light of photographed pages go, the ink stays."""
    step = max(1, int(cap / 4))
    small = _shrink_by(gray, step)
    k = max(3, round(2 * cap / step)) | 1
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), k / 2)
    if step > 1:
        paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(paper, 1), scale=255)


def remove_rules(gray: Gray, cap: float, ink: float, paper: float) -> Gray:
    """Paint the ruling of boxed and ruled tables (thin dark runs longer than four capitals, across
    or down) with the paper level: tesseract reads rows hemmed in by rules as noise, and spends time
    on the rules themselves. Strokes of letters are never that long."""
    mask = _rules_mask(gray, cap, ink, paper)
    if mask is None:
        return gray
    out = gray.copy()
    out[mask > 0] = int(paper)
    return out


def _rules_mask(gray: Gray, cap: float, ink: float, paper: float) -> np.ndarray | None:
    """The mask (1 = rule) that `remove_rules` paints, or None when the page has no rules."""
    # Rules are often printed lighter than the text (thin grey lines): anything clearly darker
    # than the paper can be one; only long thin runs of it are.
    dark = (gray < paper - 0.3 * (paper - ink)).astype(np.uint8)
    # Four capitals: table rules run on for rows and columns; the strokes of big print (a card's
    # name and number may be three times the typical capital) stop sooner.
    n = max(round(4 * cap), 15)
    across = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    down = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    rules = cv2.bitwise_or(across, down)
    if not rules.any():
        return None
    # Solid dark areas as thick as a capital (a coloured title band with white print on it, a
    # black block) are no ruling: they and what lies within two capitals of them stay.
    k = max(3, round(0.8 * cap))
    solid = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    if solid.any():
        near = cv2.dilate(solid, np.ones((2 * round(cap) + 1, 2 * round(cap) + 1), np.uint8))
        rules = cv2.bitwise_and(rules, 1 - near)
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    return rules if rules.any() else None


SPARSE_INK = 0.015  # a page with less of its area in ink is nearly empty
GRAIN_DEPTH = 0.12  # pixels within this share of the ink-paper span from the paper are grain
WHITE_PAPER = 200  # grain is whitened on white paper only: a tinted card's light labels are print


def whiten_grain_of_sparse_page(gray: Gray, ink: float, paper: float) -> Gray:
    """On a nearly empty page, paint everything close to the paper level white. Tesseract
    binarises the page with one global threshold; where almost every pixel is paper, that threshold
    falls inside the paper's grain and the grain reads as lines of garbage (a last page with only
    "Checked by:" came out as 600 characters of "ee oe ae"). Print is far darker than the grain.
    Only on white paper and only the lightest grain: a card photo is nearly empty too, and its
    labels are printed light on a tinted card."""
    mid = (ink + paper) / 2
    if paper < WHITE_PAPER or float((gray[::4, ::4] < mid).mean()) >= SPARSE_INK:
        return gray
    return whiten_near_paper(gray, ink, paper, GRAIN_DEPTH)


PATTERN_DEPTH = 0.3  # a pale background pattern (a card's guilloche waves) sits this near the paper


def whiten_near_paper(gray: Gray, ink: float, paper: float, depth: float) -> Gray:
    """Everything within `depth` of the ink-paper span from the paper level painted white."""
    out = gray.copy()
    out[gray > paper - depth * (paper - ink)] = 255
    return out


def median_denoise(gray: Gray) -> Gray:
    """3x3 median: removes salt-and-pepper specks and halftone dots."""
    return cv2.medianBlur(gray, 3)


def stretch_levels(gray: Gray, ink: float, paper: float) -> Gray:
    """Map `ink` to black and `paper` to white (clipping): faint print, tinted paper."""
    span = max(paper - ink, 1.0)
    lut = np.clip((np.arange(256, dtype=np.float64) - ink) * (255.0 / span), 0, 255)
    return cv2.LUT(gray, lut.astype(np.uint8))


MAX_PRINT_SHARE = 0.35  # light print covers less of a dark block than this; more is a hole
MIN_PRINT_SHARE = 0.02  # ... and at least this (a solid block with no print stays as it is)
MIN_BLOCK_FILL = 0.8  # a block fills its bounding box (a band, a bar), unlike a signature


def invert_dark_blocks(gray: Gray, cap: float, ink: float, paper: float) -> Gray:
    """Turn light print on dark blocks (a card's coloured title band, a black heading bar) into
    dark print on light: tesseract reads only dark-on-light, and `clear_dark_borders` would paint
    a band at the edge over together with its print. A block counts when it is solid dark (thicker
    than half a capital), at least one and a half capitals high and a few long, filling its bounding
    box (a signature's loops are no block), and light marks cover a print-like share of it (a dark
    desk around a whole light card is a frame with a hole, not print)."""
    mid = (ink + paper) / 2
    step, small, n, labels, stats = _solid_dark(gray, cap, mid)
    min_side = 1.5 * cap / step
    mask = np.zeros(small.shape, np.uint8)
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if min(w, h) < min_side or max(w, h) < 3 * min_side:
            continue
        own = (labels[y:y + h, x:x + w] == i).astype(np.uint8)
        contours, _ = cv2.findContours(own, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        filled = np.zeros_like(own)
        cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
        area_filled = max(float(filled.sum()), 1.0)
        if area_filled < MIN_BLOCK_FILL * w * h:  # no block: a signature's loops, a scribble
            continue
        light = (filled > 0) & (own == 0) & (small[y:y + h, x:x + w] >= mid)
        share = float(light.sum()) / area_filled
        if MIN_PRINT_SHARE <= share <= MAX_PRINT_SHARE:
            mask[y:y + h, x:x + w] |= filled
    if not mask.any():
        return gray
    full = _full_size(mask, gray)
    out = gray.copy()
    out[full > 0] = 255 - gray[full > 0]
    return out


def _solid_dark(gray: Gray, cap: float, mid: float) -> tuple[int, Gray, int, np.ndarray, np.ndarray]:
    """Solid dark areas (thicker than half a capital, so no stroke) on a copy reduced by `step`:
    (step, the reduced copy, number of components, component labels, component stats)."""
    step = max(1, int(cap / 8))
    small = _shrink_by(gray, step)
    dark = (small < mid).astype(np.uint8)
    k = max(3, round(cap / 2 / step))
    solid = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=4)
    return step, small, n, labels, stats


def _full_size(mask: np.ndarray, gray: Gray) -> np.ndarray:
    """A mask of the reduced copy scaled back to `gray`'s size."""
    if mask.shape == gray.shape:
        return mask
    return cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)


def clear_dark_borders(gray: Gray, cap: float, ink: float, paper: float) -> Gray:
    """Paint scanner shadows and dark margins with the paper level: solid dark areas (thicker
    than half a capital, so no stroke) that touch the image edge. Text touching them stays."""
    _, small, n, labels, stats = _solid_dark(gray, cap, (ink + paper) / 2)
    if n < 2:
        return gray
    h, w = small.shape
    x, y, bw, bh = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    touches = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    touches[0] = False
    if not touches.any():
        return gray
    mask = _full_size(cv2.dilate(touches[labels].astype(np.uint8), np.ones((3, 3), np.uint8)), gray)
    out = gray.copy()
    out[mask > 0] = round(paper)
    return out
