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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extractors.model import Extraction
from pipeline.models import Document, FileProblem

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


@dataclass
class CaseResult:
    """One case folder after reading, classification and extraction."""

    case_id: str
    documents: list[Document] = field(default_factory=list)
    extractions: list[Extraction] = field(default_factory=list)  # parallel to `documents`
    problems: list[FileProblem] = field(default_factory=list)


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
                    "catalogue_code": "", "catalogue_name": "", "category": "", "match_score": None,
                    "row_type": item.row_type, "page": item.page_no or None,
                    "confidence": round(item.conf, 3), "repaired": ";".join(item.repaired),
                })
    return _frame(rows, LINE_ITEM_COLUMNS)


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


def write_table(frame: pd.DataFrame, out_dir: Path, name: str) -> list[Path]:
    """`out_dir/name.csv` and `out_dir/name.parquet`, each written to a temporary file and renamed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv, parquet = out_dir / f"{name}.csv", out_dir / f"{name}.parquet"
    _atomic_write(csv, lambda p: frame.to_csv(p, index=False))
    _atomic_write(parquet, lambda p: frame.to_parquet(p, index=False))
    return [csv, parquet]
