"""Re-runs, crashes and two runs at once: nothing lost, nothing doubled, reviewers' work kept.

Real packets of the demo inbox, the real Prefect flow, real tesseract (through the session's OCR
cache), a real store on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update

from pipeline import ledger
from pipeline.batch import Batch, BatchSummary, needs_work
from pipeline.ledger import CaseFileRow, Correction, LeaseRow
from pipeline.store import CaseRow, RunRow, Store
from tests.env import ocr_cache_env

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
CLAIMS = str(Path(sys.executable).parent / "claims")
CASES = ("S3-0002", "S3-0003", "S3-0004")
TABLES = ("cases", "documents", "line_items", "findings")


@pytest.fixture
def cached(ocr_cache: Path) -> Iterator[Path]:
    with ocr_cache_env(ocr_cache):
        yield ocr_cache


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "inbox"
    for case in CASES:
        shutil.copytree(DEMO / case, box / case)
    return box


def run(inbox: Path, out: Path, url: str) -> BatchSummary:
    from pipeline.flow import claims_batch

    return claims_batch(inbox, out, None, url)


def stored(url: str) -> dict[str, pd.DataFrame]:
    with Store.open(url) as store:
        return store.export()


def updated_at(url: str) -> dict[str, datetime]:
    with Store.open(url) as store, store.transaction("test") as s:
        return {c: t for c, t in s.execute(select(CaseRow.case_id, CaseRow.updated_at))}


def file_times(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(out.iterdir()) if p.name != "run-reports"}


# --- idempotent runs ------------------------------------------------------------------------------

def test_rerun_of_an_unchanged_inbox_reads_nothing_and_changes_nothing(
        inbox: Path, tmp_path: Path, db_url: str, cached: Path) -> None:
    out = tmp_path / "out"
    first = run(inbox, out, db_url)
    assert first.processed == 3 and first.pages > 0
    before, times, tables = updated_at(db_url), file_times(out), stored(db_url)
    assert not needs_work(inbox, None, db_url)

    second = run(inbox, out, db_url)
    assert (second.processed, second.pages, second.unchanged) == (0, 0, 3)
    assert second.tables == []  # no table file rewritten
    assert file_times(out) == times
    assert updated_at(db_url) == before
    for name in TABLES:
        pd.testing.assert_frame_equal(stored(db_url)[name], tables[name])
    assert (second.cases, second.approved, second.reasons) == (first.cases, first.approved, first.reasons)


def test_a_changed_or_added_file_reprocesses_only_its_case(
        inbox: Path, tmp_path: Path, db_url: str, cached: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out, db_url)
    before = updated_at(db_url)
    # S3-0003 gets the invoice of S3-0002 as an extra file: new content, new evidence
    extra = sorted((inbox / "S3-0002").glob("*.pdf"))[0]
    shutil.copy(extra, inbox / "S3-0003" / "extra.pdf")
    summary = run(inbox, out, db_url)
    assert summary.processed == 1
    after = updated_at(db_url)
    assert after["S3-0003"] > before["S3-0003"]
    assert {c: after[c] for c in ("S3-0002", "S3-0004")} == {c: before[c] for c in ("S3-0002", "S3-0004")}
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    assert "extra.pdf" in set(docs[docs.case_id == "S3-0003"].source_file)


def test_a_removed_file_is_reported_and_remembered(
        inbox: Path, tmp_path: Path, db_url: str, cached: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out, db_url)
    gone = sorted(p for p in (inbox / "S3-0004").iterdir() if p.name != "case.json")[0]
    gone.unlink()
    summary = run(inbox, out, db_url)
    assert summary.processed == 1
    assert any("S3-0004" in n and gone.name in n and "gone" in n for n in summary.notices)
    with Store.open(db_url) as store, store.transaction("test") as s:
        row = s.scalars(select(CaseFileRow).where(CaseFileRow.case_id == "S3-0004",
                                                  CaseFileRow.name == gone.name)).one()
        assert not row.present and row.removed_at is not None


def test_a_removed_case_folder_is_reported_and_kept_in_the_store(
        inbox: Path, tmp_path: Path, db_url: str, cached: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out, db_url)
    shutil.rmtree(inbox / "S3-0002")
    summary = run(inbox, out, db_url)
    assert summary.processed == 0
    assert any("S3-0002" in n and "no longer" in n for n in summary.notices)
    assert "S3-0002" in set(stored(db_url)["cases"].case_id)
    assert set(pd.read_csv(out / "cases.csv").case_id) == {"S3-0003", "S3-0004"}


def test_reviewer_corrections_survive_a_rerun_of_the_changed_case(
        inbox: Path, tmp_path: Path, db_url: str, cached: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out, db_url)
    with Store.open(db_url) as store:
        case = store.load_case("S3-0004")
        assert case is not None
        doc = next(d for d in case["documents"] if d["doc_type"] == "medical_invoice")
        ledger.add_correction(store, "S3-0004", Correction(
            "field", doc["doc_id"], "hospital", "Corrected General Hospital",
            old_value=doc["fields"].get("hospital", {}).get("value", ""),
            source_file=doc["source_file"], pages=doc["pages"], reason="read wrong", author="rev1"))
    (inbox / "S3-0004" / "note.txt").write_text("a cover note", encoding="utf-8")  # the case changes
    summary = run(inbox, out, db_url)
    assert summary.processed == 1
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    row = docs[(docs.case_id == "S3-0004") & (docs.doc_id == doc["doc_id"])].iloc[0]
    assert row.hospital == "Corrected General Hospital"
    with Store.open(db_url) as store:
        kept = [c.new_value for c in ledger.corrections_of(store, "S3-0004")]
    assert kept == ["Corrected General Hospital"]


def test_a_case_decided_by_a_reviewer_is_not_reprocessed(
        inbox: Path, tmp_path: Path, db_url: str, cached: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out, db_url)
    with Store.open(db_url) as store:
        ledger.add_correction(store, "S3-0003", Correction("decision", new_value="approved", author="rev1"))
    before = updated_at(db_url)
    (inbox / "S3-0003" / "late.txt").write_text("late paper", encoding="utf-8")
    summary = run(inbox, out, db_url)
    assert summary.processed == 0
    assert updated_at(db_url)["S3-0003"] == before["S3-0003"]
    assert any("S3-0003" in n and "reviewer" in n and "reopen" in n for n in summary.notices)


# --- leases ---------------------------------------------------------------------------------------

def test_a_lease_keeps_a_case_to_one_run_until_released_expired_or_its_process_dead(db_url: str) -> None:
    with Store.open(db_url) as store:
        a, b = store.begin_run("/in"), store.begin_run("/in")
        assert ledger.claim(store, "C1", a, "otherhost:1") is None
        held = ledger.claim(store, "C1", b, ledger.owner_id())
        assert held is not None and held.run_id == a
        assert ledger.claim(store, "C1", a, "otherhost:1") is None  # its own lease again
        ledger.release_all(store, a)
        assert ledger.claim(store, "C1", b, ledger.owner_id()) is None
        # an expired lease is taken over
        with store.transaction("expire", write=True) as s:
            s.execute(update(LeaseRow).values(owner="otherhost:2", run_id=a,
                                              expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert ledger.claim(store, "C1", b, ledger.owner_id()) is None
        # a lease of a process of this host that is gone is taken over at once
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        ledger.release_all(store, b)
        assert ledger.claim(store, "C2", a, f"{ledger.owner_id().rsplit(':', 1)[0]}:{dead.pid}") is None
        assert ledger.claim(store, "C2", b, ledger.owner_id()) is None


def test_two_batches_started_at_once_take_disjoint_cases(inbox: Path, tmp_path: Path, db_url: str) -> None:
    one = Batch.start(inbox, tmp_path / "o1", None, db_url)
    two = Batch.start(inbox, tmp_path / "o2", None, db_url)
    try:
        assert {p.case_id for p in one.mine} == set(CASES)
        assert two.mine == [] and {p.case_id for p in two.busy} == set(CASES)
    finally:
        one.abort()
        two.abort()


# --- whole runs as users start them ---------------------------------------------------------------

def _claims(*args: str, cwd: Path, cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CLAIMS_CACHE_DIR": str(cache), "OMP_THREAD_LIMIT": "1"}
    return subprocess.Popen([CLAIMS, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd, env=env, start_new_session=True)


def _finish(p: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = p.communicate(timeout=600)
    return p.returncode, err


def _case_rows(url: str) -> list[str]:
    with Store.open(url) as store, store.transaction("test") as s:
        return sorted(s.scalars(select(CaseRow.case_id)))


def _findings(url: str) -> pd.DataFrame:
    f = stored(url)["findings"]
    return f.sort_values(["case_id", "code", "doc_id", "field"]).reset_index(drop=True)


@pytest.mark.slow
def test_a_killed_run_restarted_finishes_with_every_case_once(
        inbox: Path, tmp_path: Path, db_url: str, ocr_cache: Path) -> None:
    ref_url = f"sqlite:///{tmp_path / 'ref.db'}"
    code, err = _finish(_claims("run", str(inbox), "--out", str(tmp_path / "ref"), "--db", ref_url,
                                cwd=tmp_path, cache=ocr_cache))
    assert code == 0, err
    reference = _findings(ref_url)
    for delay in (3.0, 9.0, 12.0):  # during Prefect's start, reading, storing
        p = _claims("run", str(inbox), "--out", str(tmp_path / "out"), "--db", db_url, cwd=tmp_path,
                    cache=ocr_cache)
        time.sleep(delay)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    code, err = _finish(_claims("run", str(inbox), "--out", str(tmp_path / "out"), "--db", db_url,
                                cwd=tmp_path, cache=ocr_cache))
    assert code == 0, err
    assert _case_rows(db_url) == sorted(CASES)
    pd.testing.assert_frame_equal(_findings(db_url), reference)
    cases = pd.read_csv(tmp_path / "out" / "cases.csv", dtype=str)
    assert sorted(cases.case_id) == sorted(CASES)
    with Store.open(db_url) as store, store.transaction("test") as s:
        assert s.scalars(select(LeaseRow)).all() == []  # nothing left held


@pytest.mark.slow
def test_two_runs_at_once_process_each_case_once(
        inbox: Path, tmp_path: Path, db_url: str, ocr_cache: Path) -> None:
    runs = [_claims("run", str(inbox), "--out", str(tmp_path / f"out{i}"), "--db", db_url, cwd=tmp_path,
                    cache=ocr_cache) for i in (1, 2)]
    results = [_finish(p) for p in runs]
    assert [c for c, _ in results] == [0, 0], results
    with Store.open(db_url) as store, store.transaction("test") as s:
        processed = [n for n in s.scalars(select(RunRow.n_cases)) if n is not None]
    assert sum(processed) == len(CASES)  # every case processed by exactly one of the two
    for i in (1, 2):  # and both tables hold the whole inbox
        assert sorted(pd.read_csv(tmp_path / f"out{i}" / "cases.csv").case_id) == sorted(CASES)


def test_the_command_on_an_unchanged_inbox_says_nothing_changed(
        inbox: Path, tmp_path: Path, db_url: str, ocr_cache: Path) -> None:
    args = ("run", str(inbox), "--out", str(tmp_path / "out"), "--db", db_url)
    code, err = _finish(_claims(*args, cwd=tmp_path, cache=ocr_cache))
    assert code == 0, err
    code, err = _finish(_claims(*args, cwd=tmp_path, cache=ocr_cache))
    assert code == 0 and "nothing changed" in err and "unchanged, not read again" in err
    assert "Traceback" not in err

