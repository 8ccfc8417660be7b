"""Nightly ingestion on a real Prefect server, the run reports, the run history, and Prefect's
retries of storing a case (only for database failures that may pass).

The server test starts `prefect server start` on a loopback port with its own PREFECT_HOME, serves
the nightly deployment from `python -m pipeline.cli_ops schedule serve` (what `claims schedule
serve` runs), triggers runs through the API instead of waiting for 2 am, and checks the store and
the report files. Real scans of the demo inbox through the session's OCR cache, real SQLite.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect.states import Failed
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

import pipeline.store as store_module
from pipeline.flow import claims_batch, decide_case, is_transient, retry_if_transient
from pipeline.run_report import RunReport, report_path
from pipeline.schedule import ScheduleError, plan_nightly
from pipeline.store import Store, StoreError
from tests.env import ocr_cache_env
from tests.hostile import blank_pdf, truncated_pdf

DEMO = Path(__file__).resolve().parent.parent / "samples" / "demo"
CASES = ("S3-0001", "S3-0003", "S3-0004")
DEPLOYMENT = "claims-nightly/nightly"


@pytest.fixture(scope="module", autouse=True)
def cached(ocr_cache: Path) -> Iterator[Path]:
    with ocr_cache_env(ocr_cache):
        yield ocr_cache


def make_inbox(root: Path, cases: tuple[str, ...] = CASES) -> Path:
    """Demo cases; S3-0003 also holds two blank scanned pages (unreadable) and a truncated PDF."""
    for case in cases:
        shutil.copytree(DEMO / case, root / case)
    if "S3-0003" in cases:
        blank_pdf(root / "S3-0003" / "blank-scan.pdf", 2)
        truncated_pdf(root / "S3-0003" / "invoice-copy.pdf")
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- transient database errors ------------------------------------------------------------------

def _locked(db_file: Path) -> sqlite3.Connection:
    """Another process's write lock on the SQLite file (held until closed)."""
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_lock_timeout_is_transient_and_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "SQLITE_BUSY_MS", 200)
    db_file = tmp_path / "claims.db"
    with Store.open(f"sqlite:///{db_file}") as store:
        holder = _locked(db_file)
        try:
            with pytest.raises(StoreError) as caught:
                store.begin_run("inbox")
        finally:
            holder.close()
    assert "database is locked" in str(caught.value)
    assert caught.value.transient and is_transient(caught.value)
    assert retry_if_transient(decide_case, None, Failed(data=caught.value))  # type: ignore[arg-type]


def test_a_broken_schema_and_our_own_defects_are_not_retried(tmp_path: Path) -> None:
    db_file = tmp_path / "claims.db"
    with Store.open(f"sqlite:///{db_file}") as store:
        with sqlite3.connect(db_file) as raw:
            raw.execute("ALTER TABLE runs RENAME TO gone")
        with pytest.raises(StoreError) as caught:
            store.runs()
    assert "no such table" in str(caught.value)
    assert not caught.value.transient
    assert not retry_if_transient(decide_case, None, Failed(data=caught.value))  # type: ignore[arg-type]
    assert not retry_if_transient(decide_case, None, Failed(data=ValueError("a defect")))  # type: ignore[arg-type]
    with pytest.raises(StoreError) as unreachable:
        Store.open("sqlite:////no/such/folder/claims.db")
    assert not unreachable.value.transient


def test_a_lost_postgresql_connection_and_a_lock_timeout_are_transient(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        with pytest.raises(StoreError) as lost, store.transaction("testing") as session:
            session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        assert lost.value.transient
        with Store.open(pg_url) as other, other.transaction("holding a lock", write=True) as holder:
            holder.execute(text("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(StoreError) as waited, store.transaction("testing") as session:
                session.execute(text("SET LOCAL lock_timeout = '200ms'"))
                session.execute(text("SELECT count(*) FROM runs"))
        assert waited.value.transient
        # bad SQL is a defect of ours: not even a StoreError, never retried
        with pytest.raises(ProgrammingError) as bad, store.transaction("testing") as session:
            session.execute(text("SELECT * FROM no_such_table"))
    assert not is_transient(bad.value)
    assert not retry_if_transient(decide_case, None, Failed(data=bad.value))  # type: ignore[arg-type]


# --- retries in the flow -------------------------------------------------------------------------

def _task_runs(flow_run_id: Any) -> dict[str, Any]:
    """Task runs of one flow run in the API the flow used (this process's temporary server)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {r.name: r for r in runs}


def test_storing_a_case_is_retried_after_a_lock_timeout(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first save of the case meets another process's write lock past the busy timeout (a real
    "database is locked"); Prefect tries again and the case is stored, counted once."""
    inbox = make_inbox(tmp_path / "inbox", ("S3-0003",))
    db_file = tmp_path / "claims.db"
    monkeypatch.setattr(store_module, "SQLITE_BUSY_MS", 300)
    real_save = Store.save_case
    calls: list[str] = []

    def save_meeting_a_lock_once(self: Store, run_id: int, case: Any, also: Any = None) -> None:
        calls.append(case.case_id)
        if len(calls) > 1:
            return real_save(self, run_id, case, also)
        holder = _locked(db_file)
        try:
            return real_save(self, run_id, case, also)
        finally:
            holder.close()

    monkeypatch.setattr(Store, "save_case", save_meeting_a_lock_once)
    state = claims_batch(inbox, tmp_path / "out", None, f"sqlite:///{db_file}", return_state=True)
    summary = state.result()
    assert calls == ["S3-0003", "S3-0003"]
    assert (summary.processed, summary.failed) == (1, 0)
    with Store.open(f"sqlite:///{db_file}") as store:
        assert store.case_ids() == ["S3-0003"]
        assert store.runs()[0].status == "finished"
    decide = _task_runs(state.state_details.flow_run_id)["decide S3-0003"]
    assert decide.run_count == 2 and decide.state_name == "Completed"

    # the run report: what to rescan (two blank pages, a truncated file), in the store and as a file
    report = summary.report
    assert report is not None and report.processed == 1
    assert {(r.source_file, r.code) for r in report.rescan} == {
        ("blank-scan.pdf", "unreadable_document"), ("invoice-copy.pdf", "corrupt_file")}
    assert report.pages_to_rescan == 2 and report.files_to_rescan == 1
    written = json.loads(report_path(tmp_path / "out", report.run_id).read_text(encoding="utf-8"))
    assert RunReport.from_json(written) == report


def test_a_defect_of_ours_is_not_retried_and_fails_the_run(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = make_inbox(tmp_path / "inbox", ("S3-0004",))
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    calls: list[str] = []

    def broken_save(self: Store, run_id: int, case: Any, also: Any = None) -> None:
        calls.append(case.case_id)
        raise ValueError("a defect of ours")

    monkeypatch.setattr(Store, "save_case", broken_save)
    with pytest.raises(ValueError, match="a defect of ours"):
        claims_batch(inbox, tmp_path / "out", None, url)
    assert calls == ["S3-0004"]
    with Store.open(url) as store:
        assert store.case_ids() == []
        assert store.runs()[0].status == "failed"


# --- checks before serving -----------------------------------------------------------------------

def test_mistakes_show_when_serving_starts_not_at_2_am(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", ("S3-0004",))
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'claims.db'}"
    with pytest.raises(ScheduleError, match="not a folder"):
        plan_nightly(tmp_path / "missing", out, db=url)
    with pytest.raises(ScheduleError, match=r"--cron '0 2 \* \*' .* five fields"):
        plan_nightly(inbox, out, "0 2 * *", db=url)
    with pytest.raises(ScheduleError, match="time zone"):
        plan_nightly(inbox, out, db=url, timezone="Mars/Olympus")
    with pytest.raises(ScheduleError, match="holds a password") as caught:
        plan_nightly(inbox, out, db="postgresql+psycopg://claims:s3cret@db.example/claims")
    assert "s3cret" not in str(caught.value)
    plan = plan_nightly(inbox, out, db=url, timezone="Asia/Shanghai")
    assert plan.parameters == {"inbox": str(inbox.resolve()), "out": str(out.resolve()), "db": url,
                               "catalogue": None, "dask_address": None}


# --- the nightly deployment on a real Prefect server ---------------------------------------------

class Server:
    """`prefect server start` on a free loopback port with its own PREFECT_HOME."""

    def __init__(self, home: Path) -> None:
        self.port = _free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_SERVER_UI_ENABLED="false")
        self.env = env
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                 "--port", str(self.port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"prefect server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        pytest.fail("prefect server did not answer in time")


def _stop(process: subprocess.Popen[bytes], grace: float = 20) -> None:
    """Stop a process group we started: SIGTERM (Prefect's serve pauses its schedule), then kill."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        pass
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "prefect-home")
    try:
        server.wait()
        yield server
    finally:
        _stop(server.process)


def _wait_for_deployment(client: Any, serving: subprocess.Popen[bytes], log: Path,
                         timeout: float = 90) -> Any:
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if serving.poll() is not None:
            pytest.fail(f"claims schedule serve exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            return client.read_deployment_by_name(DEPLOYMENT)
        except ObjectNotFound:
            time.sleep(0.5)
    pytest.fail(f"no deployment {DEPLOYMENT}: {log.read_text(errors='replace')[-3000:]}")


def _report(out: Path, flow_run: Any) -> dict[str, Any]:
    assert flow_run.state is not None and flow_run.state.is_completed(), flow_run.state
    files = sorted((out / "run-reports").glob("run-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    return json.loads(files[-1].read_text(encoding="utf-8"))


def test_the_nightly_deployment_runs_on_a_real_prefect_server(prefect_server: Server, tmp_path: Path,
                                                              cached: Path) -> None:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    inbox, out = make_inbox(tmp_path / "inbox"), tmp_path / "out"
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    log = tmp_path / "serve.log"
    env = {**prefect_server.env, "PREFECT_API_URL": prefect_server.api, "PREFECT_RUNNER_POLL_FREQUENCY": "1",
           "CLAIMS_CACHE_DIR": str(cached), "OMP_THREAD_LIMIT": "1"}
    with log.open("wb") as sink:
        serving = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli_ops", "schedule", "serve", "--inbox", str(inbox),
             "--out", str(out), "--db", url, "--cron", "0 2 * * *", "--timezone", "Asia/Shanghai"],
            env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp_path)
    try:
        with temporary_settings(updates={PREFECT_API_URL: prefect_server.api}):
            from prefect.client.orchestration import get_client

            with get_client(sync_client=True) as client:
                deployment = _wait_for_deployment(client, serving, log)
                cron = deployment.schedules[0].schedule
                assert (cron.cron, cron.timezone) == ("0 2 * * *", "Asia/Shanghai")

                first = run_deployment(DEPLOYMENT, timeout=240)
                today = datetime.now(UTC).strftime("%Y-%m-%d")
                assert first.name == f"nightly-{today}"
                report = _report(out, first)
                assert (report["processed"], report["unchanged"], report["cases"]) == (3, 0, 3)
                assert report["pages"] > 10 and report["failed"] == 0
                assert {(r["case_id"], r["source_file"]) for r in report["rescan"]} == {
                    ("S3-0003", "blank-scan.pdf"), ("S3-0003", "invoice-copy.pdf")}
                assert report["needs_review"] >= 1  # S3-0003 waits for a reviewer
                with Store.open(url) as store:
                    assert store.case_ids() == sorted(CASES)
                    assert store.runs()[0].report == report
                assert all((out / f"{t}.csv").is_file() for t in ("cases", "documents", "line_items",
                                                                  "findings"))
                # the UI shows the cases by id, with their states
                names = {r.name: r.state_name for r in client.read_task_runs()}
                assert all(names.get(f"{step} {case}") == "Completed"
                           for case in CASES for step in ("read", "decide"))

                second = run_deployment(DEPLOYMENT, timeout=240)
                again = _report(out, second)
                assert again["run_id"] == report["run_id"] + 1
                assert (again["processed"], again["unchanged"], again["pages"]) == (0, 3, 0)
                assert again["needs_review"] == report["needs_review"]
    finally:
        _stop(serving)

    listing = subprocess.run([sys.executable, "-m", "pipeline.cli_ops", "runs", "--db", url],
                             capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"},
                             check=True, timeout=60)
    rows = [line.split() for line in listing.stdout.splitlines() if "finished" in line]
    assert len(rows) == 2, listing.stdout
    # run, started (date, time), status, inbox, read, unchanged, review, failed, pages, rescan, time
    assert rows[0][0] == str(again["run_id"])  # newest first
    assert rows[1][3:8] == ["finished", "inbox", "3", "0", str(report["needs_review"])]
    assert rows[1][10] == str(report["pages_to_rescan"]) == "2"
