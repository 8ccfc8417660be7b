"""The run report: what one batch run did, for the back office the morning after.

    report = build_report(store, summary, frames, inbox)   from the run's summary and the store
    write_report(report, out) -> OUT/run-reports/run-<id>.json (written atomically)
    store.finish_run(run_id, n, report=report.to_json())   the same report in the runs table

Every run writes one, scheduled or not, with work or without (`pipeline.batch.Batch.finish`), so
`claims runs` shows figures for all of them. Counts about the inbox (cases, approved, waiting for
review) describe it as stored after the run; counts about work (processed, failed, pages read,
what to rescan) are this run's own. Case ids, file names, page ranges and finding codes only:
no names, no ID numbers.

No Prefect here: the run without work (`pipeline.batch.run_without_prefect`) reports too.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select

from pipeline.inbox import MANIFEST
from pipeline.privacy import mask_numbers
from pipeline.store import CaseRow, RunRow, Store
from pipeline.tables import STALE_TEMP_S, _atomic_write

if TYPE_CHECKING:
    from pipeline.batch import BatchSummary

REPORTS_DIR = "run-reports"  # under the run's --out folder
RESCAN_CODES = ("unreadable_document", "corrupt_file")


@dataclass(frozen=True)
class Rescan:
    """A page range or a file of a case that could not be read: scan or send it again."""

    case_id: str
    source_file: str
    pages: str  # page range inside the file ("2" or "2-3"); "" for the whole file
    n_pages: int  # pages of the range; 0 when the file was not read at all
    code: str  # unreadable_document | corrupt_file


@dataclass
class RunReport:
    """One run's figures. `needs_review` is the reviewers' queue: cases of the inbox waiting for a
    reviewer after the run (a case a reviewer decided is no longer waiting)."""

    run_id: int
    inbox: str
    status: str
    started_at: str  # ISO 8601, UTC
    finished_at: str
    seconds: float
    cases: int  # cases of the inbox, as stored after the run
    processed: int  # read and stored by this run
    unchanged: int  # not read again: nothing changed since they were stored
    approved: int
    needs_review: int
    failed: int  # this run's cases with processing_failed
    failed_cases: list[str] = field(default_factory=list)
    pages: int = 0  # pages read by this run
    pages_to_rescan: int = 0  # pages of unreadable documents among this run's cases
    files_to_rescan: int = 0  # files (or pages of unknown range) that could not be read
    rescan: list[Rescan] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)  # error code -> cases of the inbox
    warnings: dict[str, int] = field(default_factory=dict)  # warning code -> findings
    notices: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the store's `runs.report` and the file)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunReport:
        """The report read back from the store or a file (unknown keys ignored)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["rescan"] = [Rescan(**r) for r in known.get("rescan", [])]
        return cls(**known)


def report_path(out: Path, run_id: int) -> Path:
    return out / REPORTS_DIR / f"run-{run_id}.json"


def _page_count(pages: str) -> int:
    """Pages of a range "3" or "2-4"; 0 when it is not one."""
    first, _, last = pages.partition("-")
    try:
        return int(last or first) - int(first) + 1
    except ValueError:
        return 0


def rescan_list(findings: pd.DataFrame, documents: pd.DataFrame, case_ids: set[str]) -> list[Rescan]:
    """The unreadable documents (their pages) and unread files of these cases, in case order.
    case.json is not a scan: a broken manifest is fixed, not rescanned."""
    pages_of = {(r.case_id, r.doc_id): str(r.pages) for r in documents.itertuples()}
    out: list[Rescan] = []
    wanted = findings[findings["code"].isin(RESCAN_CODES) & findings["case_id"].isin(case_ids)]
    for f in wanted.itertuples():
        source = str(f.source_file or "")
        if source == MANIFEST:
            continue
        pages = pages_of.get((f.case_id, f.doc_id), "") if f.doc_id else ""
        out.append(Rescan(str(f.case_id), source, pages, _page_count(pages), str(f.code)))
    return sorted(dict.fromkeys(out), key=lambda r: (r.case_id, r.source_file, r.pages))


def build_report(store: Store, summary: BatchSummary, frames: dict[str, pd.DataFrame], inbox: str,
                 status: str = "finished") -> RunReport:
    """The report of run `summary.run_id` from its summary and the exported tables of its inbox."""
    with store.transaction("reading the run's cases") as session:
        started = session.scalar(select(RunRow.started_at).where(RunRow.id == summary.run_id))
        mine = set(session.scalars(select(CaseRow.case_id).where(CaseRow.last_run_id == summary.run_id)))
    cases, findings = frames["cases"], frames["findings"]
    failed = findings[(findings["code"] == "processing_failed") & findings["case_id"].isin(mine)]
    rescan = rescan_list(findings, frames["documents"], mine)
    now = datetime.now(UTC)
    started = started.replace(tzinfo=UTC) if started is not None and started.tzinfo is None else started
    return RunReport(
        run_id=summary.run_id, inbox=inbox, status=status,
        started_at=(started or now).isoformat(timespec="seconds"),
        finished_at=now.isoformat(timespec="seconds"), seconds=round(summary.seconds, 3),
        cases=len(cases), processed=summary.processed, unchanged=summary.unchanged,
        approved=int((cases["status"] == "approved").sum()),
        needs_review=int((cases["status"] == "needs_review").sum()),
        failed=summary.failed, failed_cases=sorted(set(failed["case_id"].astype(str))),
        pages=summary.pages, pages_to_rescan=sum(r.n_pages for r in rescan),
        files_to_rescan=sum(1 for r in rescan if not r.n_pages), rescan=rescan,
        reasons=dict(sorted(summary.reasons.items())), warnings=dict(sorted(summary.warnings.items())),
        notices=[mask_numbers(n) for n in summary.notices],
    )


def _sweep(folder: Path) -> None:
    """Remove temporary report files left by killed runs (not those of a run writing now)."""
    now = time.time()
    for tmp in folder.glob(".run-*.json.*"):
        try:
            if now - tmp.stat().st_mtime > STALE_TEMP_S:
                tmp.unlink()
        except OSError:
            continue


def write_report(report: RunReport, out: Path) -> Path:
    """`OUT/run-reports/run-<id>.json`, written to a temporary file and renamed."""
    path = report_path(out, report.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep(path.parent)
    text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    _atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path
