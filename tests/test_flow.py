"""`claims run` end to end: the real Prefect flow over the demo inbox (real scans and PDFs, real
tesseract, a real SQLite store), the tables against the ground truth and against the store; the
command's exit codes and messages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.store import Store
from pipeline.tables import CASE_COLUMNS, DOCUMENT_COLUMNS, FINDING_COLUMNS, LINE_ITEM_COLUMNS

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
CLAIMS = str(Path(sys.executable).parent / "claims")
CONTRACT = {
    "cases": ["case_id", "claim_type", "status", "n_documents", "total_claimed", "reasons"],
    "documents": ["case_id", "doc_id", "source_file", "pages", "doc_type", "confidence", "patient_name",
                  "id_number", "hospital", "invoice_number", "issue_date", "admission_date",
                  "discharge_date", "diagnosis", "total_amount"],
    "line_items": ["case_id", "doc_id", "line_no", "item_date", "item_name", "quantity", "unit_price",
                   "amount", "catalogue_code", "catalogue_name", "category", "match_score"],
    "findings": ["case_id", "code", "severity", "doc_id", "field", "message"],
}
COLUMNS = {"cases": CASE_COLUMNS, "documents": DOCUMENT_COLUMNS, "line_items": LINE_ITEM_COLUMNS,
           "findings": FINDING_COLUMNS}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> tuple[Path, str, object]:
    from pipeline.flow import claims_batch

    work = tmp_path_factory.mktemp("run")
    url = f"sqlite:///{work / 'claims.db'}"
    os.environ["CLAIMS_CACHE_DIR"] = str(ocr_cache)
    try:
        summary = claims_batch(DEMO, work / "out", None, url)
    finally:
        del os.environ["CLAIMS_CACHE_DIR"]
    return work, url, summary


def _truth(case_id: str) -> dict:
    return json.loads((DEMO / f"{case_id}.truth.json").read_text(encoding="utf-8"))


def test_four_tables_with_the_contract_columns(demo_run) -> None:
    work, _, summary = demo_run
    for name, columns in CONTRACT.items():
        csv = pd.read_csv(work / "out" / f"{name}.csv", dtype=str, keep_default_na=False)
        parquet = pd.read_parquet(work / "out" / f"{name}.parquet")
        assert list(csv.columns[: len(columns)]) == columns
        assert list(parquet.columns) == list(COLUMNS[name])
        assert len(csv) == len(parquet)
    assert summary.cases == 6 and summary.pages >= 40


def test_every_case_decided_as_the_truth_says(demo_run) -> None:
    work, _, _ = demo_run
    cases = pd.read_csv(work / "out" / "cases.csv", dtype=str, keep_default_na=False)
    assert sorted(cases.case_id) == sorted(p.name for p in DEMO.iterdir() if p.is_dir())
    for row in cases.itertuples():
        truth = _truth(row.case_id)
        assert row.claim_type == truth["claim_type"]
        assert row.status == truth["expected"]["status"], row.case_id
        assert (row.reasons.split(";") if row.reasons else []) == truth["expected"]["reasons"], row.case_id


def test_amounts_and_dates_in_contract_form(demo_run) -> None:
    work, _, _ = demo_run
    cases = pd.read_csv(work / "out" / "cases.csv", dtype=str, keep_default_na=False)
    assert cases.total_claimed.str.fullmatch(r"\d+\.\d{2}").all()
    docs = pd.read_csv(work / "out" / "documents.csv", dtype=str, keep_default_na=False)
    for col in ("issue_date", "admission_date", "discharge_date"):
        assert docs[col].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()
    items = pd.read_csv(work / "out" / "line_items.csv", dtype=str, keep_default_na=False)
    assert items.amount.str.fullmatch(r"(-?\d+\.\d{2})?").all()
    assert set(items.category) <= {"A", "B", "not_listed", ""}
    assert (items.category != "").any()  # drug lines were matched to the catalogue


def test_findings_point_at_documents_and_say_what_to_do(demo_run) -> None:
    work, _, _ = demo_run
    findings = pd.read_csv(work / "out" / "findings.csv", dtype=str, keep_default_na=False)
    docs = pd.read_csv(work / "out" / "documents.csv", dtype=str, keep_default_na=False)
    known = set(zip(docs.case_id, docs.doc_id, strict=True))
    for f in findings.itertuples():
        assert f.severity in ("error", "warning")
        assert not f.doc_id or (f.case_id, f.doc_id) in known
        assert len(f.message) > 30 and re.search(
            r"\b(check|ask|confirm|compare|process|look|correct|remove|fix|send|copy|download|scan|"
            r"export|split|attach|move)\b", f.message, re.I)


def test_tables_are_exports_of_the_store(demo_run) -> None:
    work, url, _ = demo_run
    store = Store.open(url)
    try:
        frames = store.export()
    finally:
        store.close()
    for name in CONTRACT:
        pd.testing.assert_frame_equal(frames[name], pd.read_parquet(work / "out" / f"{name}.parquet"))


def test_rerun_and_resubmitted_invoice(demo_run, tmp_path: Path, ocr_cache: Path) -> None:
    """A second run over the same inbox changes nothing; the same packet under another case id in
    a later run is a duplicate invoice of the first."""
    from pipeline.flow import claims_batch

    _, url, _ = demo_run
    inbox = tmp_path / "inbox"
    shutil.copytree(DEMO / "S3-0004", inbox / "S3-0004")
    shutil.copytree(DEMO / "S3-0004", inbox / "Z9-0001")
    os.environ["CLAIMS_CACHE_DIR"] = str(ocr_cache)
    try:
        claims_batch(inbox, tmp_path / "out", None, url)
    finally:
        del os.environ["CLAIMS_CACHE_DIR"]
    cases = pd.read_csv(tmp_path / "out" / "cases.csv", dtype=str, keep_default_na=False).set_index("case_id")
    assert cases.loc["S3-0004", "status"] == "approved"  # re-run: not a duplicate of itself
    assert cases.loc["Z9-0001", "reasons"] == "duplicate_invoice"
    store = Store.open(url)
    try:
        assert store.case_ids().count("S3-0004") == 1
        assert len(store.export()["cases"]) == 7
    finally:
        store.close()


def _claims(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLAIMS_CACHE_DIR": ""}
    return subprocess.run([CLAIMS, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_command_refuses_bad_arguments_with_a_message(tmp_path: Path) -> None:
    missing = _claims("run", str(tmp_path / "nope"), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert missing.returncode == 2 and "not a folder" in missing.stderr
    (tmp_path / "inbox").mkdir()
    bad_db = _claims("run", str(tmp_path / "inbox"), "--out", str(tmp_path / "o"),
                     "--db", "postgresql+psycopg://u:secret@127.0.0.1:1/x", cwd=tmp_path)
    assert bad_db.returncode == 2 and "secret" not in bad_db.stderr + bad_db.stdout
    cat = tmp_path / "cat.csv"
    cat.write_text("code,name\nX1,Aspirin\n", encoding="utf-8")
    bad_cat = _claims("run", str(tmp_path / "inbox"), "--out", str(tmp_path / "o"), "--catalogue", str(cat),
                      cwd=tmp_path)
    assert bad_cat.returncode == 2 and "category" in bad_cat.stderr
    for r in (missing, bad_db, bad_cat):
        assert "Traceback" not in r.stderr


def test_command_runs_a_batch_with_a_broken_case_and_exits_0(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "A-1").mkdir(parents=True)
    (inbox / "A-1" / "case.json").write_text("{not json", encoding="utf-8")
    (inbox / "A-1" / "scan.pdf").write_bytes(b"%PDF-1.4 truncated")
    (inbox / "B-2").mkdir()
    (inbox / "stray.pdf").write_bytes(b"%PDF-1.4")  # outside any case folder: named, not lost silently
    r = _claims("run", str(inbox), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert (tmp_path / "claims.db").exists()  # the default store: a file in the working directory
    cases = pd.read_csv(tmp_path / "out" / "cases.csv", dtype=str, keep_default_na=False).set_index("case_id")
    assert set(cases.index) == {"A-1", "B-2"}
    assert "corrupt_file" in cases.loc["A-1", "reasons"] and "missing_document" in cases.loc["B-2", "reasons"]
    assert "needs review" in r.stderr  # the summary table
    assert "stray.pdf" in r.stderr and "outside any case folder" in r.stderr
