"""Photographed cards are found on their background and flattened; scanned pages are left alone."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading.photo import find_document, flatten
from tests.files import FONT, text_page

CARD = (1000, 630)  # 85.6 x 54 mm at ~300 dpi


def _card() -> np.ndarray:
    card = Image.new("RGB", CARD, (236, 238, 240))
    draw = ImageDraw.Draw(card)
    font = ImageFont.truetype(FONT, 48)
    draw.text((60, 60), "SOCIAL SECURITY CARD", fill=(20, 40, 120), font=font)
    draw.text((60, 300), "Card No. S17045875", fill="black", font=font)
    return np.asarray(card)


def _photo(card: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """The card on a dark desk, turned by `angle` degrees and seen slightly from the side."""
    h, w = card.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    centre = np.float32([900, 700])
    rot = cv2.getRotationMatrix2D((0, 0), angle, 1.0)[:, :2]
    dst = (src - np.float32([w / 2, h / 2])) @ rot.T.astype(np.float32) + centre
    dst[1] += (25, 10)  # perspective: the far corner sits further out
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    desk = np.full((1400, 1800, 3), (70, 85, 100), np.uint8)
    warped = cv2.warpPerspective(card, matrix, (1800, 1400), dst=desk, borderMode=cv2.BORDER_TRANSPARENT)
    return warped, dst


def test_card_photo_is_found_and_flattened() -> None:
    photo, corners = _photo(_card(), angle=8.0)
    found = find_document(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY))
    assert found is not None
    # each found corner lies within a few pixels of a true corner
    assert max(np.min(np.linalg.norm(corners - c, axis=1)) for c in found) < 12
    flat = flatten(photo)
    h, w = flat.shape[:2]
    assert abs(w / h - CARD[0] / CARD[1]) < 0.08


def test_flattened_card_reads_upright() -> None:
    import pytesseract

    photo, _ = _photo(_card(), angle=-7.0)
    text = pytesseract.image_to_string(flatten(photo), config="--psm 6")
    assert "SOCIAL SECURITY CARD" in text
    assert "17045875" in text


def test_scanned_page_with_a_ruled_table_is_left_alone() -> None:
    page = np.asarray(text_page(["Reimbursement Application Form", "Applicant Wang Xiaoming"]))
    page = page.copy()
    cv2.rectangle(page, (150, 500), (1500, 1900), (0, 0, 0), 3)  # a big boxed grid on white paper
    cv2.line(page, (150, 900), (1500, 900), (0, 0, 0), 2)
    assert flatten(page) is page


def test_corners_of_a_turned_card_are_four_distinct_points_in_order() -> None:
    from pipeline.reading.photo import _order

    # a card turned about 30 degrees: by coordinate sums and differences one corner came twice
    quad = np.float32([[725, 112], [667, 472], [106, 428], [180, 40]])
    ordered = _order(quad)
    assert len({tuple(p) for p in ordered.tolist()}) == 4
    assert ordered[0].tolist() == [180, 40]  # top-left first, then clockwise
    assert ordered[1].tolist() == [725, 112] and ordered[3].tolist() == [106, 428]


def test_a_quadrilateral_with_a_corner_cut_off_is_not_a_card_outline() -> None:
    from pipeline.reading.photo import _square_enough

    assert _square_enough(np.float32([[100, 40], [725, 112], [667, 472], [106, 428]]))
    assert not _square_enough(np.float32([[464, 75], [725, 112], [667, 472], [106, 428]]))


def _banded_card(band: tuple[int, int, int], body: tuple[int, int, int]) -> np.ndarray:
    """A card with a coloured title band across its top printed in white, as insurance cards are."""
    card = Image.new("RGB", CARD, body)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, CARD[0], 150), fill=band)
    font = ImageFont.truetype(FONT, 52)
    draw.text((60, 45), "MEDICAL INSURANCE CARD", fill="white", font=font)
    draw.text((60, 330), "Card No. Z60564518", fill="black", font=font)
    return np.asarray(card)


def _on_desk(card: np.ndarray, desk_rgb: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    h, w = card.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    rot = cv2.getRotationMatrix2D((0, 0), 5.0, 1.0)[:, :2]
    dst = (src - np.float32([w / 2, h / 2])) @ rot.T.astype(np.float32) + np.float32([900, 700])
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    desk = np.full((1400, 1800, 3), desk_rgb, np.uint8)
    return cv2.warpPerspective(card, matrix, (1800, 1400), dst=desk,
                               borderMode=cv2.BORDER_TRANSPARENT), dst


def test_card_whose_dark_band_melts_into_a_dark_desk_is_found_whole() -> None:
    # In grey the navy band is as dark as the desk, so the grey edges outline only the card's
    # light body; the band shows in colour, and the whole card is the union of both.
    photo, corners = _on_desk(_banded_card((25, 50, 135), (225, 228, 232)), (48, 48, 52))
    found = find_document(photo)
    assert found is not None
    assert max(np.min(np.linalg.norm(corners - c, axis=1)) for c in found) < 15
    h, w = flatten(photo).shape[:2]
    assert abs(w / h - CARD[0] / CARD[1]) < 0.08


def test_card_as_bright_as_its_desk_is_found_by_its_colour() -> None:
    # a lavender card on a grey desk of the same brightness: only colour shows its edges
    photo, corners = _on_desk(_card_tinted((180, 165, 215)), (172, 172, 172))
    found = find_document(photo)
    assert found is not None
    assert max(np.min(np.linalg.norm(corners - c, axis=1)) for c in found) < 15


def _card_tinted(rgb: tuple[int, int, int]) -> np.ndarray:
    card = Image.new("RGB", CARD, rgb)
    draw = ImageDraw.Draw(card)
    font = ImageFont.truetype(FONT, 48)
    draw.text((60, 300), "Card No. P26950104", fill="black", font=font)
    return np.asarray(card)


def test_white_title_on_a_card_band_is_read() -> None:
    from pipeline.reading.ocr import ocr_image

    photo, _ = _on_desk(_banded_card((25, 50, 135), (225, 228, 232)), (48, 48, 52))
    from pipeline.reading.photo import flatten_page

    words = [w.text for w in ocr_image(flatten_page(Image.fromarray(photo)), dpi=300).words]
    text = " ".join(words)
    assert "MEDICAL INSURANCE CARD" in text
    assert "Z60564518" in text


def test_only_solid_blocks_with_light_print_are_inverted() -> None:
    from pipeline.reading.preprocess import invert_dark_blocks

    page = Image.new("L", (1200, 600), 235)
    draw = ImageDraw.Draw(page)
    draw.rectangle((50, 40, 1150, 160), fill=40)  # a dark title bar with white print on it
    draw.text((80, 70), "DISCHARGE SUMMARY", fill=250, font=ImageFont.truetype(FONT, 56))
    for k in range(4):  # a signature: thick loops, no block
        draw.ellipse((100 + 90 * k, 350, 200 + 90 * k, 470), outline=30, width=14)
    before = np.asarray(page)
    after = invert_dark_blocks(before, cap=40.0, ink=30.0, paper=235.0)
    assert after[60:150, 60:1140].mean() > 180  # the bar is light now, its print dark
    assert after[70:140, 80:700].min() < 60
    assert (after[330:490] == before[330:490]).all()  # the signature is left alone


def test_a_rereading_may_swap_characters_but_not_lose_any() -> None:
    from pipeline.reading.ocr import _same_shape

    assert _same_shape("260564518", "Z60564518")
    assert _same_shape("17,87", "17.87") is False  # punctuation is not swapped
    assert not _same_shape("3.21", "321")  # a lost decimal point
    assert not _same_shape("24.83", "4.83")  # a lost edge digit
