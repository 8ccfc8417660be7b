"""Every file form into pages, with real tesseract and real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from pipeline.reading import read_files
from pipeline.settings import Settings
from tests import files

CLAIMS = str(Path(sys.executable).parent / "claims")
INVOICE = ["Medical Invoice", "Invoice No. 2026031400117", "Patient Name Wang Xiaoming",
           "Total amount 1,234.50"]
FEES = ["Detailed List of Expenses", "Amoxicillin Capsules 0.25g 2 12.50 25.00",
        "Ward bed 3 60.00 180.00"]


def _settings(tmp: Path | None = None, workers: int = 1) -> Settings:
    return Settings(cache_dir=tmp, workers=workers)


def _tokens(text: str) -> set[str]:
    return {t.strip(".,:").lower() for t in text.split()}


def _has(page_text: str, lines: list[str]) -> bool:
    want = _tokens(" ".join(lines))
    got = _tokens(page_text)
    return len(want & got) >= 0.9 * len(want)


def test_digital_pdf_uses_the_text_layer(tmp_path: Path) -> None:
    pdf = files.digital_pdf(tmp_path / "invoice.pdf", [INVOICE, FEES])
    result = read_files([pdf], _settings())
    assert [(p.page_no, p.method) for p in result.pages] == [(1, "text_layer"), (2, "text_layer")]
    assert result.pages[0].text.splitlines() == INVOICE
    word = result.pages[0].words[0]
    assert word.text == "Medical" and 0 < word.left < word.right < result.pages[0].width


def test_png_jpg_and_multipage_tiff(tmp_path: Path) -> None:
    files.text_page(INVOICE).save(tmp_path / "invoice.png", dpi=(200, 200))
    files.text_page(FEES).save(tmp_path / "fees.jpg", quality=85, dpi=(200, 200))
    tiff = tmp_path / "packet.tif"
    files.text_page(INVOICE).save(tiff, save_all=True, append_images=[files.text_page(FEES)],
                                  compression="tiff_lzw", dpi=(200, 200))
    paths = [tmp_path / "invoice.png", tmp_path / "fees.jpg", tiff]
    result = read_files(paths, _settings(workers=2))
    assert not result.problems
    got = [(p.source_file, p.page_no, p.method) for p in result.pages]
    assert got == [("invoice.png", 1, "ocr"), ("fees.jpg", 1, "ocr"), ("packet.tif", 1, "ocr"),
                   ("packet.tif", 2, "ocr")]
    for page, lines in zip(result.pages, [INVOICE, FEES, INVOICE, FEES], strict=True):
        assert _has(page.text, lines), page.text
        assert all(0.0 <= w.conf <= 1.0 for w in page.words)


def test_scanned_and_mixed_pdf(tmp_path: Path) -> None:
    scanned = files.image_pdf(tmp_path / "scan.pdf", [files.text_page(INVOICE, dpi=200)], dpi=200)
    digital = files.digital_pdf(tmp_path / "digital.pdf", [FEES])
    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(digital)))
    mixed.import_pages(pdfium.PdfDocument(str(scanned)))
    mixed.save(str(tmp_path / "mixed.pdf"))
    result = read_files([tmp_path / "scan.pdf", tmp_path / "mixed.pdf"], _settings(workers=2))
    assert [(p.source_file, p.method) for p in result.pages] == [
        ("scan.pdf", "ocr"), ("mixed.pdf", "text_layer"), ("mixed.pdf", "ocr")]
    assert result.pages[0].dpi == 200  # rasterised at the scan's own resolution
    assert _has(result.pages[0].text, INVOICE) and _has(result.pages[2].text, INVOICE)


def test_rotated_scan_comes_out_upright(tmp_path: Path) -> None:
    lines = INVOICE + FEES
    files.text_page(lines).rotate(90, expand=True).save(tmp_path / "turned.png", dpi=(200, 200))
    (page,) = read_files([tmp_path / "turned.png"], _settings()).pages
    assert page.rotation in (90, 270)
    assert _has(page.text, lines)
    assert page.width < page.height  # portrait again


def test_ocr_results_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files.text_page(INVOICE).save(tmp_path / "a.png", dpi=(200, 200))
    first = read_files([tmp_path / "a.png"], _settings(tmp_path / "cache")).pages
    # the same bytes under another name are not OCRed again
    (tmp_path / "copy.png").write_bytes((tmp_path / "a.png").read_bytes())
    import pipeline.reading.ocr as ocr

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(ocr, "ocr_image", fail)
    again = read_files([tmp_path / "copy.png"], _settings(tmp_path / "cache")).pages
    assert [p.text for p in again] == [p.text for p in first]
    assert again[0].source_file == "copy.png"


def test_claims_ocr_prints_pages_separated_by_form_feed(tmp_path: Path) -> None:
    pdf = files.digital_pdf(tmp_path / "two.pdf", [INVOICE, FEES])
    out = subprocess.run([CLAIMS, "ocr", str(pdf)], capture_output=True, text=True, check=True,
                         cwd=tmp_path)
    pages = out.stdout.rstrip("\n").split("\f")
    assert [p.splitlines() for p in pages] == [INVOICE, FEES]


def test_claims_ocr_on_a_bad_file_says_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_text("not really a pdf")
    out = subprocess.run([CLAIMS, "ocr", str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 2
    assert "export the document to PDF again" in out.stderr
    assert "Traceback" not in out.stderr


def test_large_image_is_read_within_pixel_budget(tmp_path: Path) -> None:
    img = Image.new("RGB", (5000, 5000), "white")
    img.save(tmp_path / "big.png")
    result = read_files([tmp_path / "big.png"], Settings(cache_dir=None, workers=1, max_pixels=20_000_000))
    assert [p.reason for p in result.problems] == ["too_large"]
