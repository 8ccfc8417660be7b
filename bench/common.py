"""Shared helpers of the benchmarks: generated batches and their ground truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.models import Document
    from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SHARED = Path(os.environ.get("CLAIMS_SHARED", ROOT.parent / "shared"))


def claims_bin() -> str:
    return str(Path(sys.executable).parent / "claims")


def generated(out: Path, cases: int, seed: int) -> Path:
    """A generated batch, made once and kept under bench/results/."""
    if not (out / ".complete").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([claims_bin(), "samples", str(out), "--cases", str(cases), "--seed", str(seed)],
                       check=True)
        (out / ".complete").write_text("ok")
    return out


def truths(batch: Path) -> Iterator[dict]:
    for path in sorted(batch.glob("*.truth.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


def classified_documents(batch: Path, truth: dict, settings: Settings) -> list[tuple[Document, dict]]:
    """The case's documents whose type and page range were classified right, each with its
    truth entry."""
    from pipeline.classify import group_documents
    from pipeline.inbox import case_files
    from pipeline.reading import read_files

    wanted = {(d["source_file"], str(d["pages"]), d["doc_type"]): d for d in truth["documents"]}
    pages = read_files(case_files(batch / truth["case_id"]), settings).pages
    return [(doc, wanted[key]) for doc in group_documents(pages)
            if (key := (doc.source_file, doc.page_range, doc.doc_type)) in wanted]


def save(name: str, record: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))
