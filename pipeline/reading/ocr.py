"""OCR of one page image with tesseract, upright, deskewed, at a scale tesseract reads well.

    ocr_image(image, dpi=None, lang="eng") -> OcrResult

Normally one tesseract run per page (TSV out, the image in through a pipe as PGM, one thread).
Before it, a quick look at the page (`preprocess.measure`: 20-60 ms for a receipt or an A4 page)
gives text size, skew, line direction, specks, ink/paper levels and shading; then:

- a quarter turn when the text lines run top to bottom; a half turn when the lines' ink sits
  below their x-height band rather than above it (`PageStats.upside_down`: upside-down pages are
  read once, not twice);
- deskew (from 0.3 degrees) and scaling in one resampling step: pages whose capitals are taller
  than 40 px go down to 32 px (faster, and read as well or better), below 16 px up to 20 px;
- only where the page needs it: dividing out the paper brightness on shaded pages (photos),
  a 3x3 median on speckled pages (halftone, dirty scans), painting solid dark areas that touch
  the edge (scanner shadows, dark margins), a levels stretch when ink and paper differ by less
  than 130 grey levels (faint print, tinted paper);
- light print on dark blocks (a card's coloured title band) turned into dark print on light,
  before the shading is divided out (tesseract reads dark on light only, and a band at the edge
  would otherwise be painted over with its print);
- on a nearly empty white page (under 1.5 % ink: a last page with a signature line), the
  lightest paper grain painted white: tesseract's global threshold would otherwise fall inside
  the grain and read it as a page of garbage;
- table rules painted out (dark runs longer than four capitals): rows of boxed tables, which
  tesseract otherwise reads as noise, come out clean, and faster;
- pages where no text lines show (blank, a picture, a blurred or noise-only scan): tesseract's own
  layout analysis (psm 3) at the scan's size instead, which skips noise quickly;
- tesseract with --psm 6 (one block: receipts, forms and tables come out row by row) and its
  heavy noise removal; words under 20 % confidence are dropped as noise.

A reading that looks like an upside-down page (character-weighted mean confidence under 45;
upright SROIE receipts score 48-90, the same receipts upside down 19-39) is repeated with the page
turned 180 degrees (and 90/270 when the line direction was unclear); the better reading wins.
Upright pages never pay for this. A reading still under 45 upright is tried once more with
everything near the paper level whitened (a card's pale guilloche pattern read as text).

Words with three or more digits read under 50 % confidence (numbers, dates, codes: where one
unsure character, "Z" read as "2", drags the whole word under the drop line) are read again, each
on a strip of its own, all strips stacked in one more tesseract run; a re-reading replaces the
first only when it is one word, clearly surer and of the same shape (the same length, the same
punctuation in the same places: characters swapped, none lost).

Measured with bench/ocr_quality.py (results in bench/results/ocr_quality.json): on the 50 SROIE
receipts token F1 0.787 -> 0.84 (settings chosen on the first 25, confirmed on the other 25), at
about the cost of one raw tesseract run per page.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image

from pipeline.models import Word
from pipeline.reading import preprocess as pre

# The tesseract binary; CLAIMS_TESSERACT overrides it (e.g. a different install).
TESSERACT = os.environ.get("CLAIMS_TESSERACT", "tesseract")
_BODY_CAP_INCH = 0.1  # capitals of 10 pt body text are ~7 pt, i.e. 0.1 inch, tall
_MIN_CHARS = 10  # a reading with fewer characters is a blank page or a picture: no re-tries


@dataclass(frozen=True, slots=True)
class OcrResult:
    words: list[Word]  # in reading order; `line` numbers the lines of the page from 0
    width: int  # size of the upright, deskewed page at the scan's own resolution
    height: int
    rotation: int  # degrees clockwise applied to make the page upright: 0, 90, 180 or 270
    skew: float  # degrees counter-clockwise applied to level the lines (PIL `rotate` sense)
    dpi: int  # resolution assumed for the scan


@dataclass(frozen=True, slots=True)
class OcrConfig:
    """Knobs of the OCR stage; the defaults are the measured choice (see module docstring)."""

    psm: int = 6
    min_conf: float = 20.0  # words under this tesseract confidence (0-100) are dropped
    max_cap: float = 40.0  # pages whose capitals are taller than this (px) are scaled ...
    down_to_cap: float = 32.0  # ... down to this
    min_cap: float = 16.0  # pages whose capitals are shorter than this are scaled ...
    up_to_cap: float = 20.0  # ... up to this
    max_up: float = 3.0
    min_skew: float = 0.3  # smaller angles are left alone (tesseract copes; resampling blurs)
    denoise_speckle: float = 3.0  # median on pages with more specks per character (0: never)
    invert_blocks: bool = True  # light print on dark blocks (a card's title band) made dark on light
    clear_borders: bool = True  # paint solid dark areas touching the image edge
    remove_rules: bool = True  # paint table rules (long dark runs across or down) with paper
    flatten_above: float = 50.0  # divide out the paper brightness when it varies more (0: never)
    whiten_sparse: bool = True  # paper grain of a nearly empty page painted white
    whiten_pattern: bool = False  # the pale background pattern painted white (the retry below)
    stretch_below: float = 130.0  # stretch levels when paper - ink is below this (0: never)
    heavy_noise_removal: bool = True  # tesseract's textord_heavy_nr
    dpi_hint: bool = True  # tell tesseract the resolution of the image it gets
    reread_below: float = 50.0  # words read less sure than this are read again alone (0: never)
    doubt_conf: float = 45.0  # readings scoring below this are tried turned (0: never)
    extra: tuple[str, ...] = ()  # more tesseract arguments (experiments)


DEFAULT = OcrConfig()


@dataclass(slots=True)
class _Reading:
    words: list[Word]
    score: float  # character-weighted mean confidence (0-100) of every word read
    chars: int  # characters read (before dropping low-confidence words)
    width: int
    height: int
    rotation: int
    skew: float
    rows: list[list[str]] = field(default_factory=list)  # tesseract's word rows (TSV level 5)
    image: np.ndarray | None = None  # the cleaned image tesseract read
    scale: float = 1.0
    dpi: int | None = None  # the resolution tesseract was told


def ocr_image(image: Image.Image | np.ndarray, *, dpi: int | None = None,
              lang: str = "eng") -> OcrResult:
    """Read one page image: words with boxes on the upright, deskewed page (see OcrResult)."""
    return ocr_gray(pre.to_gray(image), dpi=dpi, lang=lang)


def ocr_gray(gray: np.ndarray, *, dpi: int | None = None, lang: str = "eng",
             config: OcrConfig = DEFAULT) -> OcrResult:
    """`ocr_image` on an 8-bit grey array, with explicit settings."""
    stats = pre.measure(gray)
    rotation = 0
    if stats.vertical:
        rotation, gray = 90, pre.rotate_quarters(gray, 90)
        stats = pre.measure(gray)
    if stats.upside_down:
        rotation, gray = (rotation + 180) % 360, pre.rotate_quarters(gray, 180)
        stats = stats.turned_half()
    page_dpi = _page_dpi(dpi, stats.cap_height)
    lines = stats.line_score >= pre.MIN_LINE_SCORE
    if not lines:
        # No text lines found (a blank page, a picture, a blurred or noise-only scan): tesseract's
        # own layout analysis finds any text there is and skips the noise, at the scan's size;
        # one block (psm 6) of upscaled noise can keep it busy for half a minute.
        config = replace(config, psm=3, max_up=1.0)
    best = _read(gray, rotation, stats, page_dpi, lang, config)
    if lines and _doubtful_reading(best, config):
        best = _retry_turned(gray, rotation, stats, best, page_dpi, lang, config)
    if lines and _doubtful_reading(best, config) and best.rotation == rotation:
        # still doubtful upright: a pale pattern behind the print (a card's guilloche waves) may be
        # what tesseract reads; read once more with everything near the paper level whitened
        again = _read(gray, rotation, stats, page_dpi, lang, replace(config, whiten_pattern=True))
        if again.score > best.score:
            best = again
    if config.reread_below and lines:
        best = _reread(best, lang, config)
    return OcrResult(best.words, best.width, best.height, best.rotation, best.skew, page_dpi)


def _doubtful_reading(reading: _Reading, config: OcrConfig) -> bool:
    """Text read, but unsure enough to try the page another way (a blank page is not retried)."""
    return reading.score < config.doubt_conf and reading.chars >= _MIN_CHARS


def _extra_args(config: OcrConfig) -> tuple[str, ...]:
    return (("-c", "textord_heavy_nr=1") if config.heavy_noise_removal else ()) + config.extra


def _retry_turned(gray: np.ndarray, rotation: int, stats: pre.PageStats, best: _Reading,
                  dpi: int, lang: str, config: OcrConfig) -> _Reading:
    """The best of readings turned 180 degrees (and 90/270 if the line direction was unclear)."""
    turns = [180]
    if stats.turn_ratio > 1 / pre.VERTICAL_MARGIN:
        turns += [90, 270]
    for turn in turns:
        turned = pre.rotate_quarters(gray, turn)
        turned_stats = stats if turn == 180 else pre.measure(turned)
        reading = _read(turned, (rotation + turn) % 360, turned_stats, dpi, lang, config)
        if reading.score > best.score:
            best = reading
        if best.score >= config.doubt_conf:
            break
    return best


def _page_dpi(hint: int | None, cap: float | None) -> int:
    """The hint when it fits the text size (72/96 dpi of screen software often does not);
    else an estimate from the text size."""
    estimate = round(cap / _BODY_CAP_INCH) if cap else None
    if hint and (estimate is None or 0.4 <= estimate / hint <= 2.5):
        return int(hint)
    return int(min(max(estimate or 300, 70), 1200))


MAX_UPSCALED_SIDE = 3600  # never upscale past an A4 page at 300 dpi: small "text" on a large
# image is background texture (a photo's desk), and tesseract spends seconds per pass on it


def _scale(cap: float | None, config: OcrConfig, side: int) -> float:
    if not cap:
        return 1.0
    if cap > config.max_cap:
        return config.down_to_cap / cap
    if cap < config.min_cap:
        return max(1.0, min(config.up_to_cap / cap, config.max_up, MAX_UPSCALED_SIDE / side))
    return 1.0


def _read(gray: np.ndarray, rotation: int, stats: pre.PageStats, dpi: int, lang: str,
          config: OcrConfig) -> _Reading:
    """One tesseract reading of the (already quarter-turned) page."""
    skew = stats.skew if abs(stats.skew) >= config.min_skew else 0.0
    scale = _scale(stats.cap_height, config, max(gray.shape))
    img, width, height = pre.deskew_and_scale(gray, skew, scale)
    img = _clean(img, stats, scale, config)
    told = round(dpi * scale) if config.dpi_hint else None
    rows = run_tesseract(img, lang=lang, psm=config.psm, dpi=told, extra=_extra_args(config))
    words, score, chars = _words(rows, scale, width, height, config.min_conf)
    return _Reading(words, score, chars, width, height, rotation, skew, rows, img, scale, told)


REREAD_MIN_DIGITS = 3  # numbers, dates and codes: the words a slip costs most in (amounts, IDs)
REREAD_MAX = 40  # doubtful words re-read per page, the least sure first
REREAD_GAIN = 15.0  # a re-reading replaces the first when this much surer (0-100 scale)


def _doubtful(row: list[str], config: OcrConfig) -> bool:
    text = row[11].strip()
    return (0 <= float(row[10]) < config.reread_below
            and sum(ch.isdigit() for ch in text) >= REREAD_MIN_DIGITS)


def _same_shape(first: str, again: str) -> bool:
    """The re-reading only swaps characters of the first: same length, same punctuation in the same
    places. Alone on a strip a small decimal point or an edge digit can get lost ("3.21" read
    again as "321", "24.83" as "4.83"); a swapped look-alike ("260564518" -> "Z60564518") is
    what a re-reading is good for."""
    return len(first) == len(again) and all(
        a == b or (a.isalnum() and b.isalnum()) for a, b in zip(first, again, strict=True))


def _reread(best: _Reading, lang: str, config: OcrConfig) -> _Reading:
    """Read the doubtful words again, each on a strip of its own, all strips in one tesseract
    run. Inside a line, one unsure character drags a whole word down (a card number "Z60564518"
    comes out as "260564518" at confidence 0 and would be dropped); alone on its strip the word
    is often read right and sure. A re-reading replaces the first only when it is one word,
    clearly surer, and of the same shape (`_same_shape`); the box stays the first reading's."""
    img = best.image
    picks = [i for i, r in enumerate(best.rows) if _doubtful(r, config)]
    if img is None or not picks:
        return best
    picks = sorted(picks, key=lambda i: float(best.rows[i][10]))[:REREAD_MAX]
    crops = []
    for i in picks:
        left, top, w, h = (int(v) for v in best.rows[i][6:10])
        my, mx = max(4, round(0.4 * h)), max(4, round(0.5 * h))
        crops.append(img[max(0, top - my):top + h + my, max(0, left - mx):left + w + mx])
    crops = [c for c in crops if c.size]
    if len(crops) != len(picks):
        return best
    gap = max(c.shape[0] for c in crops) // 2 + 8
    canvas = np.full((sum(c.shape[0] + gap for c in crops) + gap,
                      max(c.shape[1] for c in crops) + 2 * gap),
                     int(np.median(np.concatenate([c.ravel() for c in crops]))), np.uint8)
    bands, y = [], gap
    for c in crops:
        canvas[y:y + c.shape[0], gap:gap + c.shape[1]] = c
        bands.append((y, y + c.shape[0]))
        y += c.shape[0] + gap
    found: dict[int, list[tuple[float, str]]] = {}
    for r in run_tesseract(canvas, lang=lang, psm=config.psm, dpi=best.dpi, extra=_extra_args(config)):
        text, conf = r[11].strip(), float(r[10])
        if not text or conf < 0:
            continue
        mid = int(r[7]) + int(r[9]) / 2
        k = next((k for k, (y0, y1) in enumerate(bands) if y0 <= mid < y1), None)
        if k is not None:
            found.setdefault(k, []).append((conf, text))
    rows = [list(r) for r in best.rows]
    changed = False
    for k, i in enumerate(picks):
        got = found.get(k, [])
        if (len(got) == 1 and got[0][0] >= max(config.min_conf, float(rows[i][10]) + REREAD_GAIN)
                and _same_shape(rows[i][11].strip(), got[0][1])):
            rows[i][10], rows[i][11] = f"{got[0][0]:.6f}", got[0][1]
            changed = True
    if not changed:
        return best
    words, score, chars = _words(rows, best.scale, best.width, best.height, config.min_conf)
    return replace(best, words=words, score=score, chars=chars, rows=rows)


def _clean(img: np.ndarray, stats: pre.PageStats, scale: float, config: OcrConfig) -> np.ndarray:
    cap = stats.cap_height * scale if stats.cap_height else None
    ink, paper = stats.ink, stats.paper
    if config.invert_blocks and cap:  # first: a dark band is no shade for the flattening to divide out
        img = pre.invert_dark_blocks(img, cap, ink, paper)
    if config.flatten_above and cap and stats.uneven > config.flatten_above:
        img = pre.flatten_background(img, cap)
        ink, paper = pre.levels(img)
    if config.denoise_speckle and stats.speckle > config.denoise_speckle:
        img = pre.median_denoise(img)
    if config.clear_borders and cap:
        img = pre.clear_dark_borders(img, cap, ink, paper)
    if config.remove_rules and cap:
        img = pre.remove_rules(img, cap, ink, paper)
    if paper - ink < config.stretch_below:
        img = pre.stretch_levels(img, ink, paper)
    if config.whiten_pattern and cap:
        img = pre.whiten_near_paper(img, ink, paper, pre.PATTERN_DEPTH)
    elif config.whiten_sparse and cap:
        img = pre.whiten_grain_of_sparse_page(img, ink, paper)
    return img


TESSERACT_TIMEOUT_S = 30  # a sane page takes 1-3 s; pure noise can keep tesseract busy for minutes


def run_tesseract(img: np.ndarray, *, lang: str, psm: int, dpi: int | None = None,
                  extra: tuple[str, ...] = ()) -> list[list[str]]:
    """Word rows (TSV level 5) of one single-threaded tesseract run; the image goes in as PGM."""
    h, w = img.shape
    data = b"P5\n%d %d\n255\n" % (w, h) + np.ascontiguousarray(img, dtype=np.uint8).tobytes()
    cmd = [TESSERACT, "stdin", "stdout", "-l", lang, "--psm", str(psm)]
    if dpi:
        cmd += ["--dpi", str(min(max(dpi, 70), 2400))]
    cmd += [*extra, "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one tesseract per core; threads only thrash
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, env=env, check=False,
                              timeout=TESSERACT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return []  # a page tesseract cannot make sense of in time reads as empty (unreadable)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract failed ({proc.returncode}): {err[-1] if err else ''}")
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    return [r.split("\t") for r in lines[1:] if r.startswith("5\t") and r.count("\t") == 11]


def _words(rows: list[list[str]], scale: float, width: int, height: int,
           min_conf: float) -> tuple[list[Word], float, int]:
    """Words in page coordinates, lines numbered in reading order; the score and characters
    of the whole reading (low-confidence words included)."""
    line_no: dict[tuple[str, str, str], int] = {}
    words: list[Word] = []
    weighted, chars = 0.0, 0
    for r in rows:
        text, conf = r[11].strip(), float(r[10])
        if not text or conf < 0:
            continue
        weighted += conf * len(text)
        chars += len(text)
        if conf < min_conf:
            continue
        line = line_no.setdefault((r[2], r[3], r[4]), len(line_no))
        words.append(_word(text, conf, r[6:10], line, scale, width, height))
    return words, (weighted / chars if chars else 0.0), chars


def _word(text: str, conf: float, box: list[str], line: int, scale: float, width: int,
          height: int) -> Word:
    """A word with its box mapped from the OCR image back to the page (clamped inside it)."""
    left, top, w, h = (int(v) / scale for v in box)
    x0, y0 = min(max(left, 0.0), float(width)), min(max(top, 0.0), float(height))
    x1, y1 = min(left + w, float(width)), min(top + h, float(height))
    return Word(text, round(x0, 1), round(y0, 1), round(max(x1 - x0, 0.0), 1),
                round(max(y1 - y0, 0.0), 1), round(min(conf, 100.0) / 100.0, 4), line)


__all__ = ["DEFAULT", "OcrConfig", "OcrResult", "ocr_gray", "ocr_image", "run_tesseract"]
