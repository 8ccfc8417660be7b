"""One claim packet from its folder to extracted documents: read, classify, extract.

    process_case(case_dir, settings) -> CaseResult

Plain functions, no Prefect: the batch flow (issue 4) calls them per case.
"""

from __future__ import annotations

from pathlib import Path

from extractors import extract
from pipeline.classify import group_documents
from pipeline.inbox import case_files
from pipeline.reading import Progress, read_files
from pipeline.settings import Settings
from pipeline.tables import CaseResult


def process_case(case_dir: Path, settings: Settings, progress: Progress | None = None) -> CaseResult:
    """Every document of the packet with its fields and line items; unreadable files as problems."""
    result = read_files(case_files(case_dir), settings, progress)
    documents = group_documents(result.pages)
    return CaseResult(case_dir.name, documents, [extract(doc) for doc in documents], result.problems)
