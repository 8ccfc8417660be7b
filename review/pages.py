"""Page images for the review screen: the very image the stored boxes refer to.

Boxes of fields and line items are stored in the coordinates of each page as it was read
(`pipeline.models`): for text-layer PDF pages PDF points, for OCR pages the upright, deskewed page at
the scan's own resolution. So a page is rendered the way reading made it before OCR
(`pipeline.reading.run_job`):

    PDF scan page   pdf.rasterise (at the scan's own dpi, under pdfium's lock)
    image frame     images.load_frame (EXIF orientation applied)
    then            photo.flatten_page (a card photographed on a desk is cut out and flattened)
                    turned by the page's `rotation` (quarter turns clockwise, as ocr.py did)
                    deskewed by its `skew` (ocr.py's own deskew, without its scaling)
    text layer      the PDF page rendered by pdfium; its size in points is the page's width/height

The app then places each box in percent of the page's stored width and height, so the image may be
shown at any size. Rendered images are kept as JPEG files named by the file's content hash, the page
and its geometry, in a cache folder of the app's (never in the inbox).
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline.reading import images, pdf
from pipeline.reading import preprocess as pre
from pipeline.reading.files import file_kind
from pipeline.reading.photo import flatten_page
from pipeline.settings import Settings

log = logging.getLogger(__name__)

RENDER_VERSION = "1"  # bump when the rendering changes what an image looks like
MAX_SIDE = 2000  # pixels of the longest side of a served image (scans of 150-300 dpi stay legible)
TEXT_LAYER_SCALE = 2.0  # pdfium's scale for text-layer pages (144 dpi)
JPEG_QUALITY = 85


@dataclass(frozen=True)
class PageGeometry:
    """What the store kept of a page as it was read (`pages_read` of `Store.load_case`)."""

    page_no: int  # 1-based inside the file
    width: float
    height: float
    method: str  # text_layer | ocr
    rotation: int = 0
    skew: float = 0.0

    @classmethod
    def of(cls, row: dict[str, object]) -> PageGeometry:
        return cls(int(str(row["page_no"])), float(str(row["width"])), float(str(row["height"])),
                   str(row.get("method") or ""), int(str(row.get("rotation") or 0)),
                   float(str(row.get("skew") or 0.0)))

    def key(self) -> str:
        return f"p{self.page_no}-{self.method}-r{self.rotation}-s{self.skew:.4f}-v{RENDER_VERSION}"


def render_page(path: Path, page: PageGeometry, settings: Settings) -> Image.Image:
    """The page at full size, as the boxes of its values see it (grey for OCR pages, which is
    what the OCR read; colour for text-layer pages)."""
    index = page.page_no - 1
    if page.method == "text_layer":
        return _render_text_layer(path, index)
    if file_kind(path, settings) == "pdf":
        image, _ = pdf.rasterise(path, index, settings)
    else:
        image, _ = images.load_frame(path, index, settings)
    gray = pre.rotate_quarters(flatten_page(image), page.rotation)
    if page.skew:
        gray, _, _ = pre.deskew_and_scale(gray, page.skew, 1.0)
    out = Image.fromarray(gray)
    if abs(out.width - page.width) > 2 or abs(out.height - page.height) > 2:
        # the file or the reading code changed since the page was read: boxes may sit off
        log.warning("page %d rendered at %dx%d, read at %dx%d", page.page_no, out.width, out.height,
                    page.width, page.height)
    return out


def _render_text_layer(path: Path, index: int) -> Image.Image:
    import pypdfium2 as pdfium

    with pdf.PDFIUM_LOCK:
        doc = pdfium.PdfDocument(str(path))
        try:
            page = doc[index]
            try:
                image = page.render(scale=TEXT_LAYER_SCALE, may_draw_forms=True).to_pil()
            finally:
                page.close()
        finally:
            doc.close()
    return image.convert("RGB")


def shown(image: Image.Image) -> Image.Image:
    """The image as served: at most MAX_SIDE pixels long, never enlarged."""
    scale = MAX_SIDE / max(image.size)
    if scale < 1:
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.LANCZOS)
    return image


class PageCache:
    """Rendered pages as JPEG files under `root`, by file content hash and page geometry."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        self.settings = settings

    def path_for(self, file_sha256: str, page: PageGeometry) -> Path:
        if not (len(file_sha256) == 64 and all(c in "0123456789abcdef" for c in file_sha256)):
            raise ValueError("a page is cached under its file's sha256")
        return self.root / file_sha256[:2] / f"{file_sha256}-{page.key()}.jpg"

    def get(self, source: Path, file_sha256: str, page: PageGeometry) -> Path:
        """The cached image of the page, rendered first when missing."""
        target = self.path_for(file_sha256, page)
        if target.is_file():
            return target
        image = shown(render_page(source, page, self.settings))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".page-", suffix=".jpg")
        try:
            with os.fdopen(fd, "wb") as fh:
                image.save(fh, "JPEG", quality=JPEG_QUALITY, optimize=True)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target


def box_percent(box: tuple[float, float, float, float] | list[float] | None,
                page: PageGeometry) -> dict[str, float] | None:
    """A box as percent of the page (left, top, width, height), clamped inside it."""
    if box is None or page.width <= 0 or page.height <= 0:
        return None
    left, top, width, height = (float(v) for v in box)
    x0 = min(max(left / page.width * 100, 0.0), 100.0)
    y0 = min(max(top / page.height * 100, 0.0), 100.0)
    x1 = min(max((left + width) / page.width * 100, 0.0), 100.0)
    y1 = min(max((top + height) / page.height * 100, 0.0), 100.0)
    if x1 <= x0 or y1 <= y0:
        return None
    return {"left": round(x0, 3), "top": round(y0, 3), "width": round(x1 - x0, 3),
            "height": round(y1 - y0, 3)}


__all__ = ["PageCache", "PageGeometry", "box_percent", "render_page", "shown"]
