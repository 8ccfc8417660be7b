"""`claims extract` end to end on the bundled demo inbox (real scans, real PDFs, real tesseract):
the documents and line_items tables, their columns and types, and their values against the truth."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.tables import CONTRACT_FIELDS, DOCUMENT_COLUMNS, LINE_ITEM_COLUMNS

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
CLAIMS = str(Path(sys.executable).parent / "claims")
DATE_FIELDS = ("issue_date", "admission_date", "discharge_date")


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> dict[str, Path | pd.DataFrame]:
    out = tmp_path_factory.mktemp("out")
    env = {**os.environ, "CLAIMS_CACHE_DIR": str(ocr_cache)}
    proc = subprocess.run([CLAIMS, "extract", str(DEMO), "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return {"out": out, "stderr": proc.stderr,  # type: ignore[dict-item]
            "documents": pd.read_parquet(out / "documents.parquet"),
            "line_items": pd.read_parquet(out / "line_items.parquet")}


def _truths() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEMO.glob("*.truth.json"))]


def test_both_tables_are_written_as_csv_and_parquet_with_the_contract_columns(tables: dict) -> None:
    out = tables["out"]
    for name, columns in (("documents", DOCUMENT_COLUMNS), ("line_items", LINE_ITEM_COLUMNS)):
        csv = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(csv.columns) == list(columns)
        assert len(csv) == len(tables[name]) > 0
    contract = ["case_id", "doc_id", "source_file", "pages", "doc_type", "confidence", *CONTRACT_FIELDS]
    assert list(tables["documents"].columns[: len(contract)]) == contract
    assert str(tables["documents"]["patient_name"].dtype) == "string"
    assert str(tables["documents"]["confidence"].dtype) == "float64"
    assert str(tables["line_items"]["line_no"].dtype) == "Int64"


def test_values_are_in_normal_form(tables: dict) -> None:
    docs, items = tables["documents"], tables["line_items"]
    for col in DATE_FIELDS:
        assert all(v == "" or re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in docs[col]), col
    for v in list(docs["total_amount"]) + list(items["amount"]) + list(items["unit_price"]):
        assert v == "" or re.fullmatch(r"-?\d+\.\d\d", v), v
    for v in docs["id_number"]:
        assert v == "" or re.fullmatch(r"\d{17}[\dX]|\d{15}", v), v


def test_every_corrupt_file_is_named_on_stderr(tables: dict) -> None:
    for truth in _truths():
        for f in truth["files"]:
            if f["corruption"]:
                assert f"{truth['case_id']}/{f['name']}" in tables["stderr"]


def test_fields_match_the_truth(tables: dict) -> None:
    docs = tables["documents"]
    right = total = 0
    misses = []
    for truth in _truths():
        for t in truth["documents"]:
            row = docs[(docs.case_id == truth["case_id"]) & (docs.source_file == t["source_file"])
                       & (docs.pages == str(t["pages"])) & (docs.doc_type == t["doc_type"])]
            if row.empty:
                continue  # a classification miss: measured by tests/test_packets.py
            for name, want in t["fields"].items():
                if name in docs.columns:
                    total += 1
                    got = str(row.iloc[0][name])
                    if " ".join(got.split()).casefold() == " ".join(str(want).split()).casefold():
                        right += 1
                    else:
                        misses.append(f"{truth['case_id']} {t['doc_type']}.{name}: {want!r} vs {got!r}")
    assert total > 100
    assert right / total >= 0.9, misses


def test_line_items_match_the_truth(tables: dict) -> None:
    items = tables["line_items"]
    docs = tables["documents"]
    right = total = 0
    for truth in _truths():
        for t in truth["documents"]:
            if t["doc_type"] not in ("medical_invoice", "fee_list"):
                continue
            match = docs[(docs.case_id == truth["case_id"]) & (docs.source_file == t["source_file"])
                         & (docs.pages == str(t["pages"])) & (docs.doc_type == t["doc_type"])]
            if match.empty:
                continue
            got = items[(items.case_id == truth["case_id"]) & (items.doc_id == match.iloc[0]["doc_id"])]
            keys = {(" ".join(str(r.item_name).lower().split()), r.quantity, r.unit_price, r.amount)
                    for r in got.itertuples()}
            for line in t["line_items"]:
                total += 1
                key = (" ".join(line["item_name"].lower().split()), line["quantity"], line["unit_price"],
                       line["amount"])
                right += key in keys
            assert list(got["line_no"]) == list(range(1, len(got) + 1))
    assert total > 50
    assert right / total >= 0.8
