"""PDF pages: the text layer where a page has one, else rasterised (pypdfium2)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from pipeline.errors import BadFileError
from pipeline.inbox import safe_name
from pipeline.models import Word
from pipeline.reading.lines import assign_lines
from pipeline.settings import Settings

MIN_OCR_LAYER_CHARS = 50  # a scanned page's own text layer counts from this many characters
RASTER_DPI_DEFAULT = 300
RASTER_DPI_RANGE = (150, 400)
# pdfium is not thread-safe: a batch reads several cases in threads of one process, so every use of
# it in a process goes through this lock (workers of the reading pool are processes of their own).
PDFIUM_LOCK = threading.RLock()



@contextlib.contextmanager
def open_pdf(path: Path, settings: Settings) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF, turning every way it can be broken into a BadFileError; pdfium is held (the
    lock) while the document is open."""
    with PDFIUM_LOCK:
        yield from _open_pdf(path, settings)


def _open_pdf(path: Path, settings: Settings) -> Iterator[pdfium.PdfDocument]:
    name = safe_name(path.name)
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise BadFileError(
            name, "truncated",
            "the PDF is truncated (its end is missing): copy or download the file again",
        )
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise _open_error(name, err) from None
    try:
        n = len(doc)
        if n == 0:
            raise BadFileError(name, "empty", "the PDF has no pages: export the document again")
        if n > settings.max_pages:
            raise BadFileError(
                name, "too_many_pages",
                f"the PDF has {n} pages, over the limit of {settings.max_pages}: split it into "
                "one file per claim, or raise CLAIMS_MAX_PAGES",
            )
        yield doc
    finally:
        doc.close()


def _open_error(name: str, err: pdfium.PdfiumError) -> BadFileError:
    code = getattr(err, "err_code", None)
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return BadFileError(
            name, "encrypted",
            "the PDF is password-protected: ask the sender for an unprotected copy, or remove "
            "the password (e.g. `qpdf --password=PASSWORD --decrypt in.pdf out.pdf`) and add it again",
        )
    return BadFileError(
        name, "truncated",
        "the PDF is damaged and cannot be opened: copy or download the file again",
    )


def text_layer_flags(doc: pdfium.PdfDocument) -> list[bool]:
    """For each page: does it carry a usable text layer? A page that is mostly one scanned image
    needs a substantial text layer (an earlier OCR) to count; otherwise any text counts."""
    flags = []
    for i in range(len(doc)):
        page = doc[i]
        textpage = page.get_textpage()
        chars = sum(1 for c in textpage.get_text_range() if not c.isspace())
        textpage.close()
        scanned = _native_dpi(page, page.get_width()) is not None
        flags.append(chars >= MIN_OCR_LAYER_CHARS if scanned else chars > 0)
        page.close()
    return flags


def text_layer_pages(path: Path, indices: list[int]) -> list[tuple[float, float, list[Word]]]:
    """Words of the given 0-based pages, in PDF points (origin top left), from the text layer.

    pdfium's text page is read directly: at 1-2 ms a page it is ~50x faster than pdfplumber's
    layout analysis (bench/README.md), which stays in use where tables need its geometry."""
    with PDFIUM_LOCK:
        return _text_layer_pages(path, indices)


def _text_layer_pages(path: Path, indices: list[int]) -> list[tuple[float, float, list[Word]]]:
    out = []
    doc = pdfium.PdfDocument(str(path))
    try:
        for i in indices:
            page = doc[i]
            width, height = page.get_size()
            textpage = page.get_textpage()
            words = _words(textpage, height)
            textpage.close()
            page.close()
            out.append((float(width), float(height), assign_lines(words)))
    finally:
        doc.close()
    return out


def _words(textpage: pdfium.PdfTextPage, page_height: float) -> list[Word]:
    """Characters joined into words at spaces, line breaks and wide gaps."""
    text = textpage.get_text_range()
    words: list[Word] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]  # left, top, right, bottom (top-left origin)

    def flush() -> None:
        if chars:
            words.append(Word("".join(chars), box[0], box[1], box[2] - box[0], box[3] - box[1], 1.0, 0))
            chars.clear()

    for i, ch in enumerate(text[: textpage.count_chars()]):
        if ch.isspace() or not ch.isprintable():
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        top, bottom = page_height - top, page_height - bottom
        size = max(bottom - top, 1.0)
        if chars and (left - box[2] > 0.6 * size or abs(top - box[1]) > 0.5 * size):
            flush()
        if not chars:
            box[:] = [left, top, right, bottom]
        else:
            box[:] = [min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom)]
        chars.append(ch)
    flush()
    return words


def rasterise(path: Path, index: int, settings: Settings) -> tuple[Image.Image, int]:
    """A scanned page as an image at its scan's own resolution (or 300 dpi), and that dpi."""
    with PDFIUM_LOCK:
        return _rasterise(path, index, settings)


def _rasterise(path: Path, index: int, settings: Settings) -> tuple[Image.Image, int]:
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[index]
        width_pt, height_pt = page.get_size()
        dpi = _native_dpi(page, width_pt) or RASTER_DPI_DEFAULT
        if width_pt * height_pt * (dpi / 72) ** 2 > settings.max_pixels:
            raise BadFileError(
                safe_name(path.name), "too_large",
                f"page {index + 1} is too large to rasterise at {dpi} dpi: "
                "scan it at a lower resolution, or raise CLAIMS_MAX_PIXELS",
            )
        image = page.render(scale=dpi / 72, may_draw_forms=True).to_pil()
        page.close()
        return image.convert("RGB"), dpi
    finally:
        doc.close()


def _native_dpi(page: pdfium.PdfPage, width_pt: float) -> int | None:
    """The resolution of the largest image on the page, when it covers most of the page."""
    best: tuple[float, int] | None = None
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        left, _, right, _ = obj.get_bounds()
        px_w, _ = obj.get_px_size()
        covered = (right - left) / width_pt
        if covered > 0.5 and right > left:
            dpi = round(px_w / ((right - left) / 72))
            if best is None or covered > best[0]:
                best = (covered, dpi)
    if best is None:
        return None
    lo, hi = RASTER_DPI_RANGE
    return max(lo, min(hi, best[1]))
