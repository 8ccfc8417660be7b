"""Photographed documents: find a card or sheet lying on a background and flatten it.

A phone photo of an ID card shows the card turned and in perspective on a desk. When an image
holds one clear quadrilateral whose inside differs from its surroundings (a card on a desk, not a
ruled table on white paper), the quadrilateral is warped to an upright rectangle before OCR.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from pipeline.reading.preprocess import to_gray

WORK_SIDE = 800  # detection runs on a copy this large
MIN_AREA, MAX_AREA = 0.10, 0.92  # share of the image the document must cover
MIN_CONTRAST = 18.0  # grey (or Lab colour) levels between the document and its surroundings


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left: clockwise around the centre,
    starting at the corner nearest the image's top-left. (Picking each corner by the sum and
    difference of its coordinates gives one point twice for a card turned about 30 degrees.)"""
    pts = quad.reshape(4, 2).astype(np.float32)
    centre = pts.mean(axis=0)
    pts = pts[np.argsort(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))]
    return np.roll(pts, -int(pts.sum(axis=1).argmin()), axis=0)


MAX_ASPECT = 4.0  # cards 1.6, A4 1.4, receipts up to ~3.5; thinner quadrilaterals are bands or rules


def _candidate(contour: np.ndarray, area_img: float) -> np.ndarray | None:
    """A document-like quadrilateral from the outline of an edge blob: its convex hull (text
    touching the document's edge must not dent it), with four corners or filling its box."""
    hull = cv2.convexHull(contour)
    area = cv2.contourArea(hull)
    if not MIN_AREA * area_img <= area <= MAX_AREA * area_img:
        return None
    (_, _), (w, h), _ = rect = cv2.minAreaRect(hull)
    if min(w, h) <= 0 or max(w, h) / min(w, h) > MAX_ASPECT:
        return None
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) == 4 and cv2.isContourConvex(approx) and _square_enough(approx.reshape(4, 2)):
        return approx.reshape(4, 2)
    if area / (w * h) > 0.9:  # rounded corners: the box, when the outline fills it
        return cv2.boxPoints(rect)
    return None


MAX_CORNER_SKEW = 30.0  # degrees off square a corner may look in a photo's perspective


def _square_enough(quad: np.ndarray) -> bool:
    """Every corner within MAX_CORNER_SKEW of a right angle: a quadrilateral with a corner cut
    off (an edge lost against a background of the same shade) is not the document's outline."""
    pts = _order(quad).astype(np.float64)
    for i in range(4):
        a, b = pts[i - 1] - pts[i], pts[(i + 1) % 4] - pts[i]
        cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))
        if abs(math.degrees(math.acos(max(-1.0, min(1.0, cos)))) - 90) > MAX_CORNER_SKEW:
            return False
    return True


def find_document(image: np.ndarray) -> np.ndarray | None:
    """The four corners (full-resolution, ordered) of a document lying on a background, or None.
    `image` is grey or RGB; colour helps tell a card from a desk of the same brightness."""
    scale = WORK_SIDE / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    corners = _find(image)
    return None if corners is None else corners / min(scale, 1.0)


def _find(image: np.ndarray) -> np.ndarray | None:
    """`find_document` on a working copy about WORK_SIDE large, in its coordinates."""
    small = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB) if image.ndim == 3 else None
    if lab is not None and float(lab[..., 1:].std(axis=(0, 1)).max()) < 2.0:
        lab = None  # a grey scan in RGB clothing: no colour to find edges in
    area_img = float(small.shape[0] * small.shape[1])
    channels = [(small, 30, 90)]
    if lab is not None:  # a card of the desk's brightness still differs from it in colour
        channels += [(lab[..., 1], 10, 30), (lab[..., 2], 10, 30)]
    # Of the outlines found in grey, in colour and in all of them at once, the largest that stands
    # out wins: a card edge faint in grey (lavender on a grey desk) gives a quadrilateral with a
    # corner cut off there, while a colour channel traces the whole card; a card whose dark band
    # melts into a dark desk in grey shows that band in colour, and only the union of the edges
    # outlines band and body together. Faint grey edges come last, alone: they catch texture.
    maps = [_edges(channel, low, high) for channel, low, high in channels]
    if len(maps) > 1:
        maps.append(np.bitwise_or.reduce(maps))
    best = _largest(maps, small, lab, area_img)
    if best is None:
        best = _largest([_edges(small, 15, 45)], small, lab, area_img)
    return None if best is None else _order(best)


def _edges(channel: np.ndarray, low: int, high: int) -> np.ndarray:
    edges = cv2.Canny(cv2.GaussianBlur(channel, (5, 5), 0), low, high)
    return cv2.dilate(edges, np.ones((3, 3), np.uint8))


def _largest(maps: list[np.ndarray], gray: np.ndarray, lab: np.ndarray | None,
             area_img: float) -> np.ndarray | None:
    """The largest document-like quadrilateral of the edge maps that stands out, or None."""
    best: tuple[float, np.ndarray] | None = None
    for edges in maps:
        contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            quad = _candidate(contour, area_img)
            if quad is None:
                continue
            area = float(cv2.contourArea(quad.astype(np.float32)))
            if (best is None or area > best[0]) and _stands_out(gray, lab, quad):
                best = (area, quad)
    return None if best is None else best[1]


def _stands_out(gray: np.ndarray, lab: np.ndarray | None, quad: np.ndarray) -> bool:
    """The quadrilateral's inside differs from its outside in brightness or in colour (a ruled
    table on white paper is white on both sides)."""
    mask = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    mask, gray = mask[::2, ::2], gray[::2, ::2]  # every fourth pixel is plenty for medians
    lab = lab[::2, ::2] if lab is not None else None
    inside, outside = mask > 0, mask == 0
    if abs(float(np.median(gray[inside])) - float(np.median(gray[outside]))) >= MIN_CONTRAST:
        return True
    if lab is None:
        return False
    diff = np.median(lab[inside], axis=0) - np.median(lab[outside], axis=0)
    return bool(np.linalg.norm(diff.astype(np.float64)) >= MIN_CONTRAST)


def flatten(image: np.ndarray) -> np.ndarray:
    """The document warped upright and flat when the image is a photo of one; else the image."""
    corners = find_document(image)
    return image if corners is None else _warp(image, corners)


def flatten_page(image: Image.Image) -> np.ndarray:
    """`flatten` for a PIL page image, as an 8-bit grey array: the search runs on a reduced copy
    (PIL's box reduction), so a page that is no photo costs a few milliseconds."""
    factor = max(1, math.ceil(max(image.size) / WORK_SIDE))
    small = np.asarray(image.reduce(factor) if factor > 1 else image)
    corners = _find(small)
    if corners is None:
        return to_gray(image)
    sx, sy = image.width / small.shape[1], image.height / small.shape[0]
    return to_gray(_warp(np.asarray(image), corners * np.array([sx, sy], dtype=np.float32)))


def _warp(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
