"""The output tables of the contract (section 3) as pandas DataFrames with pinned columns and
dtypes, and their CSV/Parquet files.

    documents_frame(cases) / line_items_frame(cases)   one row per document / per line item
    write_table(frame, out_dir, name)                  name.csv and name.parquet, each atomically

Values are strings in their normal form (ISO dates, amounts with two decimals) and an empty cell
where a document carries no value; `confidence`, `match_score` are floats, `line_no` an integer.
Columns beyond the contract's come after them (extra columns are allowed).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from extractors.model import Extraction
from pipeline.models import Document, FileProblem, Finding

CONTRACT_FIELDS = ("patient_name", "id_number", "hospital", "invoice_number", "issue_date",
                   "admission_date", "discharge_date", "diagnosis", "total_amount")
EXTRA_FIELDS = ("gender", "birth_date", "address", "card_number", "insured_region", "treatment_region",
                "filing_date", "valid_until", "department", "employer", "applicant", "claimed_amount",
                "bank_account")
DOCUMENT_COLUMNS: dict[str, str] = {
    "case_id": "string", "doc_id": "string", "source_file": "string", "pages": "string",
    "doc_type": "string", "confidence": "float64",
    **dict.fromkeys(CONTRACT_FIELDS, "string"),
    **dict.fromkeys(EXTRA_FIELDS, "string"),
    "n_line_items": "Int64", "unreadable": "boolean",
}
LINE_ITEM_COLUMNS: dict[str, str] = {
    "case_id": "string", "doc_id": "string", "line_no": "Int64", "item_date": "string",
    "item_name": "string", "quantity": "string", "unit_price": "string", "amount": "string",
    "catalogue_code": "string", "catalogue_name": "string", "category": "string",
    "match_score": "float64",
    "row_type": "string", "page": "Int64", "confidence": "float64", "repaired": "string",
}


CASE_COLUMNS: dict[str, str] = {
    "case_id": "string", "claim_type": "string", "status": "string", "n_documents": "Int64",
    "total_claimed": "string", "reasons": "string",
    "claim_type_inferred": "boolean", "n_pages": "Int64", "n_warnings": "Int64",
    "insured_region": "string", "employer_insured": "boolean", "submitted_on": "string",
}
FINDING_COLUMNS: dict[str, str] = {
    "case_id": "string", "code": "string", "severity": "string", "doc_id": "string",
    "field": "string", "message": "string", "line_no": "Int64", "source_file": "string",
    "accepted": "string",
}


@dataclass
class CaseResult:
    """One case folder after reading, classification, extraction and validation."""

    case_id: str
    documents: list[Document] = field(default_factory=list)
    extractions: list[Extraction] = field(default_factory=list)  # parallel to `documents`
    problems: list[FileProblem] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)  # case.json as given ({} when absent)
    claim_type: str = ""
    claim_type_inferred: bool = False
    findings: list[Finding] = field(default_factory=list)
    total_claimed: str = ""  # the invoice total(s), two decimals
    decision: str = ""  # a reviewer's final decision: approved | rejected ("" while open)

    @property
    def reasons(self) -> list[str]:
        """The codes of the error findings no reviewer has accepted, distinct and sorted."""
        return sorted({f.code for f in self.findings if f.severity == "error" and not f.accepted})

    @property
    def status(self) -> str:
        """A reviewer's decision (approved / rejected) when there is one, else the pipeline's:
        approved with no open error finding, needs_review otherwise."""
        if self.decision:
            return self.decision
        return "needs_review" if self.reasons else "approved"

    @property
    def n_pages(self) -> int:
        return sum(len(d.pages) for d in self.documents)


def _frame(rows: list[dict[str, object]], columns: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    for name, dtype in columns.items():
        if dtype == "string":
            frame[name] = frame[name].fillna("").astype("string")
        else:
            frame[name] = frame[name].astype(dtype)  # type: ignore[call-overload]
    return frame


def documents_frame(cases: Iterable[CaseResult]) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for case in cases:
        for doc, ex in zip(case.documents, case.extractions, strict=True):
            row: dict[str, object] = {
                "case_id": case.case_id, "doc_id": doc.doc_id, "source_file": doc.source_file,
                "pages": doc.page_range, "doc_type": doc.doc_type,
                "confidence": round(doc.confidence, 3), "n_line_items": len(ex.line_items),
                "unreadable": doc.unreadable,
            }
            row.update({name: ex.value(name) for name in (*CONTRACT_FIELDS, *EXTRA_FIELDS)})
            rows.append(row)
    return _frame(rows, DOCUMENT_COLUMNS)


def line_items_frame(cases: Iterable[CaseResult]) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for case in cases:
        for doc, ex in zip(case.documents, case.extractions, strict=True):
            for item in ex.line_items:
                rows.append({
                    "case_id": case.case_id, "doc_id": doc.doc_id, "line_no": item.line_no,
                    "item_date": item.item_date, "item_name": item.item_name,
                    "quantity": item.quantity, "unit_price": item.unit_price, "amount": item.amount,
                    "catalogue_code": item.catalogue_code, "catalogue_name": item.catalogue_name,
                    "category": item.category, "match_score": item.match_score,
                    "row_type": item.row_type, "page": item.page_no or None,
                    "confidence": round(item.conf, 3), "repaired": ";".join(item.repaired),
                })
    return _frame(rows, LINE_ITEM_COLUMNS)


def cases_frame(cases: Iterable[CaseResult]) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for case in cases:
        m = case.manifest
        rows.append({
            "case_id": case.case_id, "claim_type": case.claim_type, "status": case.status,
            "n_documents": len(case.documents), "total_claimed": case.total_claimed,
            "reasons": ";".join(case.reasons), "claim_type_inferred": case.claim_type_inferred,
            "n_pages": case.n_pages,
            "n_warnings": sum(1 for f in case.findings if f.severity == "warning"),
            "insured_region": str(m.get("insured_region") or ""),
            "employer_insured": m.get("employer_insured") if isinstance(m.get("employer_insured"), bool)
            else None,
            "submitted_on": str(m.get("submitted_on") or ""),
        })
    return _frame(rows, CASE_COLUMNS)


def findings_frame(cases: Iterable[CaseResult]) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for case in cases:
        for f in case.findings:
            rows.append({"case_id": case.case_id, "code": f.code, "severity": f.severity,
                         "doc_id": f.doc_id, "field": f.field, "message": f.message,
                         "line_no": f.line_no, "source_file": f.source_file, "accepted": f.accepted})
    return _frame(rows, FINDING_COLUMNS)


STALE_TEMP_S = 600  # a temporary file this old was left by a run that was killed


def _sweep(path: Path) -> None:
    """Remove temporary files of `path` left by killed runs (not those of a run writing now)."""
    now = time.time()
    for tmp in path.parent.glob(f".{path.name}.*"):
        try:
            if now - tmp.stat().st_mtime > STALE_TEMP_S:
                tmp.unlink()
        except OSError:
            continue


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, out_dir: Path, name: str, only_if_changed: bool = False) -> list[Path]:
    """`out_dir/name.csv` and `out_dir/name.parquet`, each written to a temporary file and renamed.

    `only_if_changed`: a file that already holds exactly this table is left as it is (a re-run of
    an unchanged inbox changes nothing); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv, parquet = out_dir / f"{name}.csv", out_dir / f"{name}.parquet"
    _sweep(csv)
    _sweep(parquet)
    written = []
    text = frame.to_csv(index=False)
    if not (only_if_changed and _holds(csv, text)):
        _atomic_write(csv, lambda p: p.write_text(text, encoding="utf-8"))
        written.append(csv)
    if not (only_if_changed and _same_parquet(parquet, frame)):
        _atomic_write(parquet, lambda p: frame.to_parquet(p, index=False))
        written.append(parquet)
    return written


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _same_parquet(path: Path, frame: pd.DataFrame) -> bool:
    if not path.is_file():
        return False
    try:
        old = pd.read_parquet(path)
    except Exception:  # a damaged or foreign file: write ours
        return False
    if list(old.columns) != list(frame.columns) or not bool((old.dtypes == frame.dtypes).all()):
        return False
    return old.reset_index(drop=True).equals(frame.reset_index(drop=True))
