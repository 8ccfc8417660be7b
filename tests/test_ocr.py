"""The OCR stage on real images with real tesseract: rendered pages (upright, turned, skewed,
tiny print) and one real scanned receipt."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.models import Word
from pipeline.reading.ocr import OcrResult, ocr_image
from pipeline.reading.preprocess import deskewed_size

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")

FONTS = Path("/usr/share/fonts/truetype/dejavu")
SROIE = Path(os.environ.get("CLAIMS_SHARED", Path(__file__).resolve().parents[2] / "shared")) \
    / "data" / "sroie"
KNOWN = "REIMBURSEMENT"
LINES = [
    "Patient Maria Lopez admitted on 12 March 2024",
    "Invoice number 48213 for hospital treatment",
    "Consultation fee 120.00 and laboratory tests 86.50",
    "Pharmacy charges 42.75 paid by insurance",
    "Discharge summary signed by the ward doctor",
    "Total amount due 249.25 within thirty days",
]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _page(size: int = 26) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A text page and the box (left, top, right, bottom) of the word KNOWN on it."""
    unit = size / 26
    img = Image.new("RGB", (round(1150 * unit), round(560 * unit)), "white")
    draw = ImageDraw.Draw(img)
    origin = (round(70 * unit), round(50 * unit))
    draw.text(origin, KNOWN, font=_font(round(size * 1.3), bold=True), fill="black")
    box = draw.textbbox(origin, KNOWN, font=_font(round(size * 1.3), bold=True))
    y = round(130 * unit)
    for line in LINES:
        draw.text((round(70 * unit), y), line, font=_font(size), fill=(20, 20, 20))
        y += round(size * 1.7)
    return img, (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"[0-9a-z]+", text.casefold()))


def _recall(result: OcrResult, lines: list[str]) -> float:
    truth = _tokens(" ".join(lines))
    got = _tokens(" ".join(w.text for w in result.words))
    return sum((truth & got).values()) / sum(truth.values())


def _known(result: OcrResult) -> Word:
    hits = [w for w in result.words if w.text == KNOWN]
    assert hits, f"{KNOWN} not read: {[w.text for w in result.words][:20]}"
    return hits[0]


def _centre(w: Word) -> tuple[float, float]:
    return w.left + w.width / 2, w.top + w.height / 2


def _assert_box_near(word: Word, box: tuple[float, float, float, float], tol: float) -> None:
    left, top, right, bottom = box
    assert abs(word.left - left) <= tol and abs(word.right - right) <= tol, (word, box)
    assert abs(word.top - top) <= tol and abs(word.bottom - bottom) <= tol, (word, box)


def _assert_sane(result: OcrResult) -> None:
    assert result.words
    for w in result.words:
        assert 0.0 <= w.conf <= 1.0
        assert 0 <= w.left <= w.right <= result.width
        assert 0 <= w.top <= w.bottom <= result.height
        assert w.text.strip()
    lines = [w.line for w in result.words]
    assert lines == sorted(lines) and lines[0] == 0
    assert set(lines) == set(range(max(lines) + 1))


@pytest.fixture(scope="module")
def page() -> tuple[Image.Image, tuple[int, int, int, int]]:
    return _page()


@pytest.fixture(scope="module")
def upright(page: tuple[Image.Image, tuple[int, int, int, int]]) -> OcrResult:
    return ocr_image(page[0], dpi=200)


def test_rendered_page_reads_its_words(page: tuple[Image.Image, tuple[int, int, int, int]],
                                       upright: OcrResult) -> None:
    assert _recall(upright, [KNOWN, *LINES]) >= 0.95
    assert (upright.rotation, upright.skew) == (0, 0.0)
    assert (upright.width, upright.height) == page[0].size
    assert upright.dpi == 200
    _assert_sane(upright)


def test_lines_come_in_reading_order(upright: OcrResult) -> None:
    firsts = [min((w for w in upright.words if w.line == n), key=lambda w: w.left).text
              for n in range(upright.words[-1].line + 1)]
    assert firsts[:3] == [KNOWN, "Patient", "Invoice"]


def test_known_word_box_lands_where_it_was_drawn(
        page: tuple[Image.Image, tuple[int, int, int, int]], upright: OcrResult) -> None:
    _assert_box_near(_known(upright), page[1], tol=4)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_page_comes_out_upright(page: tuple[Image.Image, tuple[int, int, int, int]],
                                       turn: int) -> None:
    image, box = page
    turned = image.rotate(-turn, expand=True)  # `turn` degrees clockwise
    result = ocr_image(turned)
    assert result.rotation == (360 - turn) % 360
    assert (result.width, result.height) == image.size
    assert _recall(result, [KNOWN, *LINES]) >= 0.95
    _assert_box_near(_known(result), box, tol=5)
    _assert_sane(result)


def _after_pil_rotate(point: tuple[float, float], size: tuple[int, int],
                      angle: float) -> tuple[float, float]:
    """Where `point` goes under PIL's `rotate(angle, expand=True)` of an image of `size`."""
    (x, y), (w, h) = point, size
    nw, nh = deskewed_size(w, h, angle)
    a = math.radians(angle)
    dx, dy = x - w / 2, y - h / 2
    return (math.cos(a) * dx + math.sin(a) * dy + nw / 2, -math.sin(a) * dx + math.cos(a) * dy + nh / 2)


def test_deskewed_size_matches_pil() -> None:
    for size, angle in (((1150, 560), 3.0), ((801, 1203), -2.7), ((640, 480), 0.4)):
        assert deskewed_size(*size, angle) == Image.new("L", size).rotate(angle, expand=True).size


def test_skewed_page_is_deskewed(page: tuple[Image.Image, tuple[int, int, int, int]]) -> None:
    image, box = page
    skewed = image.rotate(3, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC)
    result = ocr_image(skewed)
    assert abs(result.skew - (-3.0)) <= 1.0  # we turned it back by about 3 degrees clockwise
    assert result.rotation == 0
    assert (result.width, result.height) == deskewed_size(*skewed.size, result.skew)
    assert _recall(result, [KNOWN, *LINES]) >= 0.95
    _assert_sane(result)
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    expected = _after_pil_rotate(_after_pil_rotate(centre, image.size, 3), skewed.size, result.skew)
    got = _centre(_known(result))
    assert math.dist(got, expected) <= 6, (got, expected)


def test_tiny_print_is_read_and_boxed_in_scan_coordinates() -> None:
    image, box = _page(size=11)  # capitals about 8 px: read upscaled
    result = ocr_image(np.asarray(image))  # numpy input works too
    assert (result.width, result.height) == image.size
    assert _recall(result, [KNOWN, *LINES]) >= 0.9
    _assert_box_near(_known(result), box, tol=3)
    _assert_sane(result)


def test_implausible_dpi_hint_is_replaced_by_an_estimate(
        page: tuple[Image.Image, tuple[int, int, int, int]]) -> None:
    # 26 px text claimed to be at 40 dpi would be 47 pt print: we trust the text size instead.
    assert ocr_image(page[0].convert("L"), dpi=40).dpi > 100


def test_blank_page_gives_no_words_and_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    result = ocr_image(Image.new("RGB", (800, 600), "white"))
    assert result.words == [] and (result.width, result.height) == (800, 600)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.skipif(not (SROIE / "img" / "068.jpg").exists(), reason="needs the SROIE sample")
def test_real_receipt_gives_its_total() -> None:
    total = json.loads((SROIE / "key" / "068.json").read_text(encoding="utf-8"))["total"]
    with Image.open(SROIE / "img" / "068.jpg") as im:
        result = ocr_image(im.convert("RGB"))
    assert total in {w.text for w in result.words}
    _assert_sane(result)


ROWS = [("Item", "Qty", "Price", "Amount"), ("Western medicine", "2", "469.55", "939.10"),
        ("Laboratory tests", "1", "212.36", "212.36"), ("Examination fee", "3", "61.66", "184.98"),
        ("Treatment fee", "1", "76.43", "76.43"), ("Medical materials", "5", "1.16", "5.80")]


def _boxed_table(size: int = 22) -> Image.Image:
    """A boxed table: every cell ruled, the rows as tight as hospital invoices print them."""
    widths, row_h = (380, 90, 150, 160), round(size * 1.9)
    img = Image.new("RGB", (sum(widths) + 120, row_h * len(ROWS) + 120), "white")
    draw = ImageDraw.Draw(img)
    for r, row in enumerate(ROWS):
        x = 60
        for w, cell in zip(widths, row, strict=True):
            top = 60 + r * row_h
            draw.rectangle((x, top, x + w, top + row_h), outline="black", width=3)
            draw.text((x + 8, top + (row_h - size) // 2 - 2), cell, font=_font(size), fill="black")
            x += w
    return img


def test_boxed_table_rows_are_read_cell_by_cell() -> None:
    result = ocr_image(_boxed_table(), dpi=200)
    lines: dict[int, list[str]] = {}
    for w in result.words:
        lines.setdefault(w.line, []).append(w.text)
    read = [" ".join(t for t in ws if t != "|") for _, ws in sorted(lines.items())]
    assert read == [" ".join(row) for row in ROWS]


def test_noise_without_text_lines_is_read_quickly_as_nothing() -> None:
    rng = np.random.default_rng(7)
    noise = (rng.random((1200, 1800)) * 255).astype(np.uint8)
    blurred = Image.fromarray(noise).resize((900, 600)).resize((1800, 1200))  # blotches, no text
    result = ocr_image(blurred)
    assert len("".join(w.text for w in result.words)) < 40



def test_grain_of_a_nearly_empty_page_is_painted_white() -> None:
    # a last page: one line of print on grainy paper. One global threshold would fall inside the
    # grain and read it as lines of garbage; on a page full of print the grain is left alone.
    from pipeline.reading.preprocess import whiten_grain_of_sparse_page

    rng = np.random.default_rng(7)
    paper = np.clip(rng.normal(232, 6, (1200, 900)), 0, 255).astype(np.uint8)
    sparse = paper.copy()
    sparse[100:118, 90:500] = 40  # the print
    out = whiten_grain_of_sparse_page(sparse, ink=40.0, paper=232.0)
    assert (out[300:] == 255).mean() > 0.99  # the grain is gone
    assert (out[100:118, 90:500] == 40).all()  # the print stays
    dense = paper.copy()
    dense[::40, :] = 40  # rows of print over the whole page
    dense[1::40, :] = 40
    assert (whiten_grain_of_sparse_page(dense, ink=40.0, paper=232.0) == dense).all()


def test_a_pale_pattern_behind_the_print_is_whitened_for_the_retry() -> None:
    from pipeline.reading.preprocess import PATTERN_DEPTH, whiten_near_paper

    card = np.full((300, 600), 130, np.uint8)  # a tinted card
    card[::12, :] = 112  # pale guilloche lines, near the card's own level
    card[100:130, 50:400] = 16  # the print
    out = whiten_near_paper(card, ink=16.0, paper=130.0, depth=PATTERN_DEPTH)
    assert (out[::12, :][:8] == 255).all()  # the pattern is gone
    assert (out[100:130, 50:400] == 16).all()  # the print stays
