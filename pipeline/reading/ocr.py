"""OCR of one page image with tesseract: upright, deskewed, at a scale tesseract reads well.

    ocr_image(image, dpi=None, lang="eng") -> OcrResult

One tesseract call per page in the normal case (TSV out, image in through a pipe, one thread).
The page is first measured (text size, skew, line direction; a few tens of ms), turned a quarter
if its lines run vertically, deskewed, and scaled so capitals are at most ~40 px tall (big scans
read faster and better smaller) or at least ~16 px (tiny text reads better larger). Only when the
first reading looks like an upside-down page does a second reading at 180 degrees run.

Settings were chosen on the first 25 SROIE receipts and confirmed on the other 25 with
bench/ocr_quality.py; see bench/results/ocr_quality.json for the numbers.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from pipeline.models import Word
from pipeline.reading import preprocess as pre

TESSERACT = os.environ.get("CLAIMS_TESSERACT", "tesseract")


@dataclass(frozen=True, slots=True)
class OcrResult:
    words: list[Word]  # reading order; `line` counts lines over the page from 0
    width: int  # the upright, deskewed page, at the scan's own resolution
    height: int
    rotation: int  # degrees clockwise applied to make the page upright: 0, 90, 180, 270
    skew: float  # degrees counter-clockwise applied to level the lines (PIL `rotate` sense)
    dpi: int  # resolution assumed for the scan


@dataclass(frozen=True, slots=True)
class OcrConfig:
    """Knobs of the OCR stage; the defaults are the measured choice (see module docstring)."""

    psm: int = 6  # one block of text: receipts, forms and tables read best this way
    min_conf: float = 20.0  # words below this tesseract confidence (0-100) are noise
    max_cap: float = 40.0  # scale down pages whose capitals are taller than this (px) ...
    down_to_cap: float = 32.0  # ... to this height
    min_cap: float = 16.0  # scale up pages whose capitals are shorter than this ...
    up_to_cap: float = 24.0  # ... to this height
    max_up: float = 3.0
    min_skew: float = 0.3  # smaller skew angles are left alone (tesseract copes)
    denoise_speckle: float = 0.0  # median-filter pages with more specks per character (0: never)
    doubt_conf: float = 55.0  # a first reading below this mean confidence is checked at 180 deg
    dpi_hint: bool = True  # pass the resolution to tesseract
    extra: tuple[str, ...] = ()  # extra tesseract arguments (experiments)


DEFAULT = OcrConfig()
_BODY_CAP_INCH = 0.1  # capitals of 10 pt body text are ~7 pt = 0.1 inch tall


@dataclass(slots=True)
class _Reading:
    words: list[Word]
    score: float  # character-weighted mean confidence (0-100) of all words read


def ocr_image(image: Image.Image | np.ndarray, *, dpi: int | None = None,
              lang: str = "eng") -> OcrResult:
    """Read one page image: words with boxes on the upright, deskewed page (see OcrResult)."""
    return ocr_gray(pre.to_gray(image), dpi=dpi, lang=lang)


def ocr_gray(gray: np.ndarray, *, dpi: int | None = None, lang: str = "eng",
             config: OcrConfig = DEFAULT) -> OcrResult:
    """`ocr_image` on an 8-bit grey array, with explicit settings."""
    stats = pre.page_stats(gray)
    rotation = 90 if stats.vertical else 0
    if rotation:
        gray = pre.rotate_quarters(gray, rotation)
        stats = replace(stats, cap_height=pre.cap_height(gray))
    page_dpi = _page_dpi(dpi, stats.cap_height)
    skew = stats.skew if abs(stats.skew) >= config.min_skew else 0.0
    scale = _scale(stats.cap_height, config)
    reading, size = _read(gray, skew, scale, page_dpi, lang, config, stats.cap_height)
    if reading.score < config.doubt_conf:
        turned = pre.rotate_quarters(gray, 180)
        other, size2 = _read(turned, -skew, scale, page_dpi, lang, config, stats.cap_height)
        if other.score > reading.score:
            reading, size, rotation = other, size2, (rotation + 180) % 360
            skew = -skew
    return OcrResult(reading.words, size[0], size[1], rotation, skew, page_dpi)


def _page_dpi(hint: int | None, cap: float | None) -> int:
    """The hint when it fits the text size; else an estimate from the text size."""
    estimate = round(cap / _BODY_CAP_INCH) if cap else None
    if hint and (estimate is None or 0.4 <= estimate / hint <= 2.5):
        return int(hint)
    return int(min(max(estimate or 300, 70), 1200))


def _scale(cap: float | None, config: OcrConfig) -> float:
    if not cap:
        return 1.0
    if cap > config.max_cap:
        return config.down_to_cap / cap
    if cap < config.min_cap:
        return min(config.up_to_cap / cap, config.max_up)
    return 1.0


def _read(gray: np.ndarray, skew: float, scale: float, dpi: int, lang: str, config: OcrConfig,
          cap: float | None) -> tuple[_Reading, tuple[int, int]]:
    img, width, height = pre.deskew_and_scale(gray, skew, scale)
    if config.denoise_speckle and cap and pre.speckle_ratio(img, cap * scale) > config.denoise_speckle:
        img = pre.median_denoise(img)
    rows = run_tesseract(img, lang=lang, psm=config.psm,
                         dpi=round(dpi * scale) if config.dpi_hint else None, extra=config.extra)
    return _words(rows, scale, width, height, config.min_conf), (width, height)


def run_tesseract(img: np.ndarray, *, lang: str, psm: int, dpi: int | None = None,
                  extra: tuple[str, ...] = ()) -> list[list[str]]:
    """TSV word rows of one tesseract run (single-threaded; the image goes in as PGM on stdin)."""
    h, w = img.shape
    data = b"P5\n%d %d\n255\n" % (w, h) + np.ascontiguousarray(img, dtype=np.uint8).tobytes()
    cmd = [TESSERACT, "stdin", "stdout", "-l", lang, "--psm", str(psm)]
    if dpi:
        cmd += ["--dpi", str(min(max(dpi, 70), 2400))]
    cmd += [*extra, "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(cmd, input=data, capture_output=True, env=env, check=False)
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract failed ({proc.returncode}): {msg[-1] if msg else ''}")
    out = proc.stdout.decode("utf-8", "replace")
    return [r.split("\t") for r in out.splitlines()[1:] if r.startswith("5\t") and r.count("\t") == 11]


def _words(rows: list[list[str]], scale: float, width: int, height: int,
           min_conf: float) -> _Reading:
    """Words of TSV rows in page coordinates; line numbers in tesseract's reading order."""
    lines: dict[tuple[str, str, str], int] = {}
    words: list[Word] = []
    weighted = chars = 0.0
    for r in rows:
        text, conf = r[11].strip(), float(r[10])
        if not text or conf < 0:
            continue
        n = len(text)
        weighted += conf * n
        chars += n
        if conf < min_conf:
            continue
        line = lines.setdefault((r[2], r[3], r[4]), len(lines))
        left, top = int(r[6]) / scale, int(r[7]) / scale
        right = min((int(r[6]) + int(r[8])) / scale, width)
        bottom = min((int(r[7]) + int(r[9])) / scale, height)
        left, top = min(max(left, 0.0), width), min(max(top, 0.0), height)
        words.append(Word(text, round(left, 1), round(top, 1), round(right - left, 1),
                          round(bottom - top, 1), round(conf / 100.0, 4), line))
    _renumber(words)
    return _Reading(words, weighted / chars if chars else 0.0)


def _renumber(words: list[Word]) -> None:
    """Make line numbers consecutive (lines whose words were all dropped leave gaps)."""
    order = {n: i for i, n in enumerate(sorted({w.line for w in words}))}
    if all(k == v for k, v in order.items()):
        return
    words[:] = [replace(w, line=order[w.line]) for w in words]


__all__ = ["DEFAULT", "OcrConfig", "OcrResult", "ocr_gray", "ocr_image", "run_tesseract"]
