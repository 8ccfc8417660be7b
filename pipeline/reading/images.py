"""Image files (PNG, JPEG, single- and multi-page TIFF) into page images, within a pixel budget."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.errors import BadFileError
from pipeline.inbox import safe_name
from pipeline.settings import Settings

# We check the pixel budget ourselves, before decoding, and say so in our own words.
Image.MAX_IMAGE_PIXELS = None


def _open(path: Path) -> Image.Image:
    try:
        return Image.open(path)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise BadFileError(
            safe_name(path.name), "not_image",
            "the file is not a readable image: scan the page again as PNG, JPEG or TIFF",
        ) from None


def frame_sizes(path: Path, settings: Settings) -> list[tuple[int, int]]:
    """(width, height) of every page of an image file, after checking each against the limits."""
    with _open(path) as im:
        n = getattr(im, "n_frames", 1)
        if n > settings.max_pages:
            raise BadFileError(
                safe_name(path.name), "too_many_pages",
                f"the image file has {n} pages, over the limit of {settings.max_pages}: "
                "split it, or raise CLAIMS_MAX_PAGES",
            )
        sizes = []
        for i in range(n):
            im.seek(i)
            _check_pixels(safe_name(path.name), im.size, settings)
            sizes.append(im.size)
        return sizes


_ORIENTATION = 0x0112  # the EXIF tag


def _check_pixels(name: str, size: tuple[int, int], settings: Settings) -> None:
    w, h = size
    if w * h > settings.max_pixels:
        raise BadFileError(
            name, "too_large",
            f"the image is {w}x{h} pixels, over the budget of {settings.max_pixels:,} "
            "(a decompression bomb or a needlessly fine scan): scan it again at 300 dpi, "
            "or raise CLAIMS_MAX_PIXELS",
        )
    if w < 16 or h < 16:
        raise BadFileError(name, "not_image", f"the image is only {w}x{h} pixels: scan it again")


def load_frame(path: Path, index: int, settings: Settings) -> tuple[Image.Image, int | None]:
    """Frame `index` as an upright RGB or grey ("L") image (EXIF orientation applied) and its
    dpi if known."""
    with _open(path) as im:
        im.seek(index)
        _check_pixels(safe_name(path.name), im.size, settings)
        dpi = _dpi(im.info.get("dpi"))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                im.load()
                turned = index == 0 and im.getexif().get(_ORIENTATION, 1) != 1
                frame = ImageOps.exif_transpose(im) if turned else im
        except (OSError, ValueError, SyntaxError):
            raise BadFileError(
                safe_name(path.name), "truncated",
                f"page {index + 1} of the image is damaged (truncated or corrupt): scan it again",
            ) from None
        if frame.mode not in ("RGB", "L"):
            frame = frame.convert("L" if frame.mode == "1" else "RGB")
        return frame, dpi


def _dpi(raw: object) -> int | None:
    if isinstance(raw, tuple) and raw and isinstance(raw[0], int | float):
        dpi = round(float(raw[0]))
        return dpi if 50 <= dpi <= 1200 else None
    return None
