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


# --- in a case: each bad file is one corrupt_file finding naming it, the rest is read -------------

def test_every_bad_file_of_a_case_is_a_finding_with_advice_and_the_rest_is_read(tmp_path: Path) -> None:
    from pipeline.case import process_case
    from validators import Context, decide

    case = tmp_path / "C1"
    case.mkdir()
    made = {kind: _make(kind, case) for kind in CASES}
    (case / "good.pdf").unlink()  # the whole PDF `_truncated` was cut from
    files.digital_pdf(case / "invoice.pdf", [["Medical Invoice", "Invoice No. 42"]])
    result = decide(process_case(case, SETTINGS), Context())
    corrupt = {f.source_file: f.message for f in result.findings if f.code == "corrupt_file"}
    assert sorted(corrupt) == sorted(p.name for p in made.values())
    for kind, path in made.items():
        assert CASES[kind][1] in corrupt[path.name], kind
        assert "The other files of the case were processed" in corrupt[path.name]
    assert [d.source_file for d in result.documents] == ["invoice.pdf"]
    assert result.status == "needs_review" and "corrupt_file" in result.reasons


def test_damage_found_while_reading_a_page_names_the_file_by_its_path_in_the_case(tmp_path: Path) -> None:
    """A JPEG whose header is whole but whose data is cut fails in the OCR worker, not when planned:
    the problem still names `scans/cut.jpg`, not just `cut.jpg`."""
    from pipeline.case import process_case

    case = tmp_path / "C1"
    (case / "scans").mkdir(parents=True)
    files.text_page(["Medical Invoice"], dpi=100).save(case / "scans" / "cut.jpg", quality=80)
    data = (case / "scans" / "cut.jpg").read_bytes()
    (case / "scans" / "cut.jpg").write_bytes(data[: len(data) * 2 // 3])
    assert plan_file(case / "scans" / "cut.jpg", SETTINGS)  # the header is fine
    (problem,) = process_case(case, SETTINGS).problems
    assert (problem.source_file, problem.reason) == ("scans/cut.jpg", "truncated")
    assert "scan it again" in problem.message


def test_a_file_that_vanishes_or_cannot_be_opened_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    from pipeline.inbox import CaseFile

    good = files.digital_pdf(tmp_path / "invoice.pdf", [["Medical Invoice"]])
    result = read_files([CaseFile(tmp_path / "gone.pdf", "scans/gone.pdf"), good], SETTINGS)
    assert [(p.source_file, p.reason) for p in result.problems] == [("scans/gone.pdf", "no_access")]
    assert "run the case again" in result.problems[0].message
    assert [p.source_file for p in result.pages] == ["invoice.pdf"]


def test_the_page_limit_holds_for_multi_page_tiffs(tmp_path: Path) -> None:
    page = files.text_page(["Fee list page"], dpi=50)
    tiff = tmp_path / "scans.tif"
    page.save(tiff, save_all=True, append_images=[page] * 4)  # 5 pages
    with pytest.raises(BadFileError) as info:
        plan_file(tiff, Settings(cache_dir=None, workers=1, max_pages=4))
    assert info.value.reason == "too_many_pages" and "CLAIMS_MAX_PAGES" in str(info.value)
    assert len(plan_file(tiff, Settings(cache_dir=None, workers=1, max_pages=5))) == 5
