"""A batch run as plain functions; `pipeline.flow` wires them into a Prefect flow.

    case_failed(case_dir, err)            a case the pipeline itself failed on, as a finding
    invoice_lookup(store, run_id, case)   "which earlier cases claimed this invoice number?"
    decide_and_save(case, ...)            validate, decide, store
    export(store, case_ids, out)          the four tables of the contract, from the store
    BatchSummary                          what the run did, for the summary table
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.models import Finding
from pipeline.store import Store
from pipeline.tables import CaseResult, write_table
from validators import Context, decide

TABLES = ("cases", "documents", "line_items", "findings")


def case_failed(case_dir: Path, err: BaseException) -> CaseResult:
    """A case whose processing raised (a defect of ours, not of the packet): it goes to a
    reviewer with a finding, and the batch goes on."""
    finding = Finding("processing_failed", "error",
                      f"The pipeline failed on this case ({type(err).__name__}); nothing was extracted. "
                      "Process the case by hand and report the failure with the run's log.")
    return CaseResult(case_dir.name, findings=[finding])


def _invoice_key(number: str) -> str:
    return re.sub(r"[\s\-]", "", number).upper()


def invoice_lookup(store: Store, run_id: int, case_id: str) -> Callable[[str], list[str]]:
    """For the duplicate-invoice rule: the cases that claimed an invoice number before this case.
    Before = saved by an earlier run, or, within one run, an earlier case id (cases are decided in
    case-id order). A case run again keeps its own first run, so it does not become the duplicate
    of its own later copy."""
    own = store.first_run(case_id) or run_id

    def earlier(number: str) -> list[str]:
        owners = store.invoice_owners([number], exclude_case=case_id)
        hits = {case for owner_list in owners.values() for case, first_run, _ in owner_list
                if (first_run, case) < (own, case_id)}
        return sorted(hits)

    return earlier


def decide_and_save(case: CaseResult, context: Context, store: Store, run_id: int) -> CaseResult:
    if not any(f.code == "processing_failed" for f in case.findings):
        decide(case, replace(context, earlier_claims=invoice_lookup(store, run_id, case.case_id)))
    store.save_case(run_id, case)
    return case


def export(store: Store, case_ids: list[str], out: Path) -> list[Path]:
    frames = store.export(case_ids)
    written: list[Path] = []
    for name in TABLES:
        written += write_table(frames[name], out, name)
    return written


@dataclass
class BatchSummary:
    run_id: int
    cases: int = 0
    approved: int = 0
    needs_review: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # error code -> cases
    warnings: Counter[str] = field(default_factory=Counter)  # warning code -> findings
    pages: int = 0
    seconds: float = 0.0
    tables: list[Path] = field(default_factory=list)

    def add(self, case: CaseResult) -> None:
        self.cases += 1
        self.pages += case.n_pages
        if case.status == "approved":
            self.approved += 1
        else:
            self.needs_review += 1
        self.reasons.update(case.reasons)
        self.warnings.update(f.code for f in case.findings if f.severity == "warning")
