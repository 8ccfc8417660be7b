"""One claim packet from its folder to extracted documents: read, classify, extract.

    process_case(case_dir, settings) -> CaseResult

Plain functions, no Prefect: the batch flow (issue 4) calls them per case.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from extractors import extract
from pipeline.classify import group_documents
from pipeline.inbox import case_files, read_manifest
from pipeline.reading import Progress, read_files
from pipeline.settings import Settings
from pipeline.tables import CaseResult


def process_case(case_dir: Path, settings: Settings, progress: Progress | None = None,
                 pool: Executor | None = None) -> CaseResult:
    """Every document of the packet with its fields and line items, and case.json; unreadable
    files (and a broken case.json) as problems. `pool`: a shared `reading_pool` for OCR."""
    manifest, bad = read_manifest(case_dir)
    result = read_files(case_files(case_dir), settings, progress, pool)
    documents = group_documents(result.pages)
    problems = ([bad] if bad else []) + result.problems
    return CaseResult(case_dir.name, documents, [extract(doc) for doc in documents], problems, manifest)
