"""One claim packet from its folder to extracted documents: read, classify, extract.

    process_case(case_dir, settings) -> CaseResult

Plain functions, no Prefect: the batch flow (issue 4) calls them per case.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from extractors import extract
from pipeline.classify import group_documents
from pipeline.inbox import case_id_of, read_manifest, scan_case
from pipeline.reading import Progress, read_files
from pipeline.settings import Settings
from pipeline.tables import CaseResult


def process_case(case_dir: Path, settings: Settings, progress: Progress | None = None,
                 pool: Executor | None = None) -> CaseResult:
    """Every document of the packet with its fields and line items, and case.json. Everything in
    the folder that could not be read or was not followed (bad files, links out of the inbox,
    pipes, a broken case.json) is a problem named by its path inside the case folder; the other
    files are read all the same. `pool`: a shared `reading_pool` for OCR."""
    manifest, bad = read_manifest(case_dir)
    found = scan_case(case_dir, settings)
    result = read_files(found.files, settings, progress, pool)
    documents = group_documents(result.pages)
    problems = bad + sorted(found.problems + result.problems, key=lambda p: p.source_file.split("/"))
    return CaseResult(case_id_of(case_dir), documents, [extract(doc) for doc in documents], problems,
                      manifest)
