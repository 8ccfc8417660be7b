"""Every kind of bad file gives one typed error with advice, and never stops the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import BadFileError
from pipeline.reading import plan_file, read_files, run_job
from pipeline.settings import Settings
from tests import files

SETTINGS = Settings(cache_dir=None, workers=1)


def _truncated(tmp: Path) -> Path:
    good = files.digital_pdf(tmp / "good.pdf", [["Medical Invoice", "Invoice No. 123"]] * 3)
    data = good.read_bytes()
    bad = tmp / "truncated.pdf"
    bad.write_bytes(data[: len(data) // 2])
    return bad


def _make(kind: str, tmp: Path) -> Path:
    if kind == "empty":
        (tmp / "empty.pdf").write_bytes(b"")
        return tmp / "empty.pdf"
    if kind == "truncated":
        return _truncated(tmp)
    if kind == "encrypted":
        return files.encrypted_pdf(tmp / "locked.pdf")
    if kind == "text_as_pdf":
        (tmp / "notes.pdf").write_text("Dear clerk,\nplease find the invoice attached.\n")
        return tmp / "notes.pdf"
    if kind == "not_image":
        (tmp / "photo.jpg").write_bytes(b"\x00\x01garbage" * 100)
        return tmp / "photo.jpg"
    if kind == "jpeg_cut":
        files.text_page(["Medical Invoice"]).save(tmp / "cut.jpg", quality=80)
        data = (tmp / "cut.jpg").read_bytes()
        (tmp / "cut.jpg").write_bytes(data[:400])
        return tmp / "cut.jpg"
    if kind == "bomb":
        return files.bomb_png(tmp / "bomb.png")
    if kind == "unsupported":
        (tmp / "letter.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
        return tmp / "letter.docx"
    raise AssertionError(kind)


CASES = {
    "empty": ("empty", "empty"),
    "truncated": ("truncated", "again"),
    "encrypted": ("encrypted", "password"),
    "text_as_pdf": ("not_pdf", "text"),
    "not_image": ("not_image", "scan"),
    "jpeg_cut": ("not_image", "scan"),
    "bomb": ("too_large", "CLAIMS_MAX_PIXELS"),
    "unsupported": ("unsupported", "PDF, PNG, JPEG or TIFF"),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_bad_file_raises_one_typed_error_with_advice(kind: str, tmp_path: Path) -> None:
    path = _make(kind, tmp_path)
    reason, advice_word = CASES[kind]
    with pytest.raises(BadFileError) as info:
        jobs = plan_file(path, SETTINGS)
        # damage found only when decoding (a cut JPEG) surfaces when the page is read
        for job in jobs:
            run_job(job, SETTINGS)
    assert info.value.reason == reason
    assert info.value.path == path.name
    assert advice_word in str(info.value)


def test_bad_files_become_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    bad = [_make(k, tmp_path) for k in ("empty", "encrypted", "unsupported", "bomb")]
    good = files.digital_pdf(tmp_path / "invoice.pdf", [["Medical Invoice", "Invoice No. 42"]])
    result = read_files([*bad, good], SETTINGS)
    assert [p.source_file for p in result.pages] == ["invoice.pdf"]
    assert sorted(p.reason for p in result.problems) == ["empty", "encrypted", "too_large", "unsupported"]
    assert all(p.message for p in result.problems)


def test_page_limit_is_a_setting(tmp_path: Path) -> None:
    pdf = files.digital_pdf(tmp_path / "long.pdf", [["Fee list page"]] * 5)
    with pytest.raises(BadFileError) as info:
        plan_file(pdf, Settings(cache_dir=None, workers=1, max_pages=4))
    assert info.value.reason == "too_many_pages"
    assert len(plan_file(pdf, Settings(cache_dir=None, workers=1, max_pages=5))[0].indices) == 5


def test_file_size_limit_is_a_setting(tmp_path: Path) -> None:
    pdf = files.digital_pdf(tmp_path / "big.pdf", [["Fee list page"]])
    with pytest.raises(BadFileError) as info:
        plan_file(pdf, Settings(cache_dir=None, workers=1, max_file_bytes=100))
    assert info.value.reason == "too_large"
