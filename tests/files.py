"""Real files for tests, made in code: text pages as images, digital/scanned PDFs, broken files."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4_MM = (210, 297)


def text_page(lines: list[str], dpi: int = 200, size_pt: float = 12) -> Image.Image:
    """An A4 page image with the given lines printed at `size_pt` from the top left."""
    w, h = (round(mm / 25.4 * dpi) for mm in A4_MM)
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, round(size_pt / 72 * dpi))
    y = round(0.8 * dpi)
    for line in lines:
        draw.text((round(0.8 * dpi), y), line, fill="black", font=font)
        y += round(size_pt / 72 * dpi * 1.8)
    return img


def digital_pdf(path: Path, pages: list[list[str]]) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 780.0
        for line in lines:
            c.setFont("Helvetica", 11)
            c.drawString(60, y, line)
            y -= 18
        c.showPage()
    c.save()
    return path


def image_pdf(path: Path, images: list[Image.Image], dpi: int = 200) -> Path:
    """A scanned PDF: each image is one page, no text layer."""
    images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)
    return path


def encrypted_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt="secret")
    c.drawString(60, 780, "Medical Invoice")
    c.showPage()
    c.save()
    return path


def bomb_png(path: Path, width: int = 20_000, height: int = 20_000) -> Path:
    """A small PNG file that decodes to width x height pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    comp = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path
