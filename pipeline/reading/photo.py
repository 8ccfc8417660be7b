"""Photographed documents: find a card or sheet lying on a background and flatten it.

A phone photo of an ID card shows the card turned and in perspective on a desk. When an image
holds one clear quadrilateral whose inside differs from its surroundings (a card on a desk, not a
ruled table on white paper), the quadrilateral is warped to an upright rectangle before OCR.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 800  # detection runs on a copy this large
MIN_AREA, MAX_AREA = 0.10, 0.92  # share of the image the document must cover
MIN_CONTRAST = 35.0  # grey levels between the document and its surroundings


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    pts = quad.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[s.argmin()], pts[d.argmin()], pts[s.argmax()], pts[d.argmax()]],
                    dtype=np.float32)


def _candidate(contour: np.ndarray, area_img: float) -> np.ndarray | None:
    area = cv2.contourArea(contour)
    if not MIN_AREA * area_img <= area <= MAX_AREA * area_img:
        return None
    approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
    if len(approx) == 4 and cv2.isContourConvex(approx):
        return approx.reshape(4, 2)
    rect = cv2.minAreaRect(contour)  # rounded corners: the box, when the contour fills it
    w, h = rect[1]
    if w * h > 0 and area / (w * h) > 0.9:
        return cv2.boxPoints(rect)
    return None


def find_document(gray: np.ndarray) -> np.ndarray | None:
    """The four corners (full-resolution, ordered) of a document lying on a background, or None."""
    scale = WORK_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    scale = min(scale, 1.0)
    edges = cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 30, 90)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area_img = float(small.shape[0] * small.shape[1])
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        quad = _candidate(contour, area_img)
        if quad is not None and _stands_out(small, quad):
            return _order(quad / scale)
    return None


def _stands_out(gray: np.ndarray, quad: np.ndarray) -> bool:
    mask = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    inside = np.median(gray[mask > 0])
    outside = np.median(gray[mask == 0])
    return bool(abs(float(inside) - float(outside)) >= MIN_CONTRAST)


def flatten(image: np.ndarray) -> np.ndarray:
    """The document warped upright and flat when the image is a photo of one; else the image."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    corners = find_document(gray)
    if corners is None:
        return image
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
