"""Hostile input made in code, on disk: what users (or attackers) put into an inbox by mistake or
on purpose. Real files and file-system objects: links, pipes, undecodable names, page and pixel
bombs."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from tests.files import FONT, digital_pdf


def byte_name(folder: Path, raw: bytes) -> Path:
    """The path of `raw` (a file name that need not be UTF-8, e.g. b"inv\\xe9.png") in `folder`."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + raw))


def small_scan(path: Path, lines: list[str]) -> Path:
    """A small scanned-looking page (a few large printed lines) saved as PNG whatever the name's
    extension says. Quick to OCR (a fraction of a second)."""
    img = Image.new("RGB", (1100, 120 + 90 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    for n, line in enumerate(lines):
        draw.text((60, 60 + 90 * n), line, fill="black", font=font)
    img.save(path, format="PNG", dpi=(200, 200))
    return path


def good_pdf(path: Path, title: str = "Medical Invoice") -> Path:
    """A one-page digital PDF (text layer: no OCR needed)."""
    return digital_pdf(path, [[title, "Invoice No. 7788", "Total 120.00"]])


def blank_pdf(path: Path, pages: int) -> Path:
    """A real PDF of `pages` blank A4 pages (3,000 pages make ~400 kB in 0.05 s)."""
    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    doc.save(str(path))
    doc.close()
    return path


def header_bomb_png(path: Path, width: int = 50_000, height: int = 50_000) -> Path:
    """A PNG whose header claims width x height RGB pixels (7.5 GB decoded) over a few bytes of
    data: anything that decodes it before checking the size allocates gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def truncated_pdf(path: Path) -> Path:
    """A digital PDF cut in half (its end, with the cross-reference table, is missing)."""
    good_pdf(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
