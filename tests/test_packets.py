"""End to end on the bundled demo inbox: real scans, real PDFs, real tesseract, ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.classify import group_documents
from pipeline.inbox import case_dirs, case_files
from pipeline.reading import read_files
from pipeline.settings import Settings

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"


@pytest.fixture(scope="module")
def read_demo(ocr_cache: Path) -> dict[str, tuple[dict, list, list]]:
    settings = Settings(cache_dir=ocr_cache)
    out = {}
    for case in case_dirs(DEMO):
        truth = json.loads((DEMO / f"{case.name}.truth.json").read_text(encoding="utf-8"))
        result = read_files(case_files(case), settings)
        out[case.name] = (truth, group_documents(result.pages), result.problems)
    return out


def test_every_page_of_every_file_is_read(read_demo: dict) -> None:
    for truth, docs, problems in read_demo.values():
        got = sorted((p.source_file, p.page_no) for d in docs for p in d.pages)
        want = sorted((f["name"], p["page"]) for f in truth["files"] if not f["corruption"]
                      for p in f["pages"])
        assert got == want
        assert sorted(p.source_file for p in problems) == sorted(
            f["name"] for f in truth["files"] if f["corruption"])


def test_pages_are_classified_and_grouped_as_the_truth_says(read_demo: dict) -> None:
    right = total = 0
    for truth, docs, _ in read_demo.values():
        want = {(d["source_file"], d["pages"]): d["doc_type"] for d in truth["documents"]}
        for doc in docs:
            total += len(doc.pages)
            right += len(doc.pages) * (want.get((doc.source_file, doc.page_range)) == doc.doc_type)
    assert right / total >= 0.95, f"{right}/{total} pages in correctly typed documents"


def test_corrupt_files_are_reported_with_their_reason(read_demo: dict) -> None:
    reasons = {p.reason for _, _, problems in read_demo.values() for p in problems}
    assert reasons and reasons <= {"truncated", "encrypted", "empty", "not_pdf", "not_image",
                                   "unsupported"}
