"""A batch run as plain functions; `pipeline.flow` wires them into a Prefect flow.

    batch = Batch.start(inbox, out, catalogue, db)   plan the run, take the cases to process
    batch.mine                                       the cases this run holds (leased in the store)
    batch.finish_case(case, plan)                    corrections, validate, decide, store (one
                                                     transaction with the files and the lease)
    batch.take_over()                                cases other runs held, once they are free
    batch.finish() -> BatchSummary                   the four tables (only where they changed)
    batch.abort()                                    the run failed: leases released

Idempotent and safe to kill: an unchanged case is neither read nor stored again; a case is
stored in one transaction; a run killed at any moment leaves every stored case whole, and the
next run processes exactly the cases that were not stored. Two runs at once never process the
same case: each holds a lease on its cases in the store, renewed while it works.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from pipeline import ledger
from pipeline.models import Finding
from pipeline.plan import BatchPlan, CasePlan, plan_batch
from pipeline.run_report import RunReport, build_report, write_report
from pipeline.settings import Settings
from pipeline.store import Store
from pipeline.tables import CaseResult, write_table
from validators import Context, decide
from validators.catalogue import Catalogue, default_catalogue_path

TABLES = ("cases", "documents", "line_items", "findings")
WAIT_POLL_S = 2.0  # how often a run looks whether another run has released its cases


def case_failed(case_id: str, err: BaseException) -> CaseResult:
    """A case whose processing raised (a defect of ours, not of the packet): it goes to a
    reviewer with a finding, and the batch goes on."""
    finding = Finding("processing_failed", "error",
                      f"The pipeline failed on this case ({type(err).__name__}); nothing was extracted. "
                      "Process the case by hand and report the failure with the run's log.")
    return CaseResult(case_id, findings=[finding])


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


def needs_work(inbox: Path, catalogue: Path | None = None, db: str | None = None,
               settings: Settings | None = None) -> bool:
    """Whether a run over `inbox` would read anything (a new, changed or failed case, or one
    another run holds), without recording a run."""
    settings = settings or Settings.from_env()
    with Store.open(db) as store:
        plan = plan_batch(inbox, store, settings, catalogue or default_catalogue_path())
        todo = [p.case_id for p in plan.todo]
        return bool(todo) or bool(ledger.holders(store, todo))


def check(case: CaseResult, store: Store, context: Context, run_id: int) -> int:
    """A freshly read case with its reviewers' corrections: corrections applied, validated,
    decided, accepted findings and decisions settled (in place). Returns how many corrections no
    longer apply (their document is gone)."""
    corrections = ledger.corrections_of(store, case.case_id)
    applied = ledger.apply_corrections(case, corrections)
    decide(case, replace(context, earlier_claims=invoice_lookup(store, run_id, case.case_id)))
    ledger.settle(case, corrections)
    return len(applied.stale)


@dataclass
class BatchSummary:
    """What the run did, for the summary table and the run report. Case counts describe every
    case of the inbox as stored after the run; `processed` of them were read by this run."""

    run_id: int
    cases: int = 0
    approved: int = 0
    needs_review: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # error code -> cases
    warnings: Counter[str] = field(default_factory=Counter)  # warning code -> findings
    processed: int = 0
    unchanged: int = 0
    failed: int = 0  # processing_failed cases of this run
    pages: int = 0  # pages read by this run
    seconds: float = 0.0
    tables: list[Path] = field(default_factory=list)  # files written (unchanged ones are not)
    notices: list[str] = field(default_factory=list)
    report: RunReport | None = None  # the run report, once the run finished (`pipeline.run_report`)
    report_file: Path | None = None  # where it was written

    def count(self, frames: dict[str, pd.DataFrame]) -> None:
        cases, findings = frames["cases"], frames["findings"]
        self.cases = len(cases)
        self.approved = int((cases["status"] == "approved").sum())
        self.needs_review = self.cases - self.approved
        self.reasons = Counter(code for r in cases["reasons"].fillna("") for code in r.split(";") if code)
        warnings = findings[findings["severity"] == "warning"]
        self.warnings = Counter(warnings["code"].tolist())


class _Heartbeat:
    """Renews the run's leases while it works, so a long case is not taken over."""

    def __init__(self, store: Store, run_id: int, every: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(store, run_id, every), daemon=True,
                                        name="claims-lease-heartbeat")
        self._thread.start()

    def _beat(self, store: Store, run_id: int, every: float) -> None:
        while not self._stop.wait(every):
            try:
                ledger.renew(store, run_id)
            except Exception:  # a lost beat is caught up by the next; leases last minutes
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class Batch:
    inbox: Path
    out: Path
    settings: Settings
    store: Store
    context: Context
    run_id: int
    plan: BatchPlan
    owner: str
    mine: list[CasePlan] = field(default_factory=list)  # leased by this run, to process
    busy: list[CasePlan] = field(default_factory=list)  # held by another run
    summary: BatchSummary = field(init=False)
    started: float = field(default_factory=time.perf_counter)
    _heartbeat: _Heartbeat | None = None

    def __post_init__(self) -> None:
        self.summary = BatchSummary(self.run_id, notices=list(self.plan.notices))

    @classmethod
    def start(cls, inbox: Path, out: Path, catalogue: Path | None = None, db: str | None = None,
              settings: Settings | None = None) -> Batch:
        """Open the store, record the run, plan it and lease the cases to process."""
        started = time.perf_counter()
        settings = settings or Settings.from_env()
        catalogue = catalogue or default_catalogue_path()
        context = Context(catalogue=Catalogue.load(catalogue))
        store = Store.open(db)
        try:
            run_id = store.begin_run(str(inbox))
            plan = plan_batch(inbox, store, settings, catalogue)
        except BaseException:
            store.close()
            raise
        batch = cls(inbox, out, settings, store, context, run_id, plan, ledger.owner_id(), started=started)
        batch._lease(plan.todo)
        if batch.mine or batch.busy:
            batch._heartbeat = _Heartbeat(store, run_id, ledger.LEASE_SECONDS / 5)
        return batch

    def _lease(self, plans: list[CasePlan]) -> None:
        for p in plans:
            holder = ledger.claim(self.store, p.case_id, self.run_id, self.owner)
            (self.busy if holder is not None else self.mine).append(p)

    def finish_case(self, case: CaseResult, plan: CasePlan) -> CaseResult:
        """Reviewers' corrections re-applied, then validate, decide and store, with the case's
        files and fingerprint, and the lease released, in one transaction."""
        if any(f.code == "processing_failed" for f in case.findings):
            self.summary.failed += 1
        else:
            stale = check(case, self.store, self.context, self.run_id)
            if stale:
                self.summary.notices.append(
                    f"case {case.case_id}: {stale} reviewer correction(s) refer to documents "
                    "no longer read from its files; they are kept in the store but not applied")

        def also(session: Session) -> None:
            ledger.record_inputs(session, case.case_id, self.plan.inbox, plan.files, plan.fingerprint)
            ledger.release(session, case.case_id, self.run_id)

        self.store.save_case(self.run_id, case, also=also)
        self.summary.processed += 1
        self.summary.pages += case.n_pages
        return case

    def take_over(self, deadline_s: float | None = None) -> list[CasePlan]:
        """Wait until the cases other runs held are free. Those stored meanwhile with the
        fingerprint planned here need nothing more; the rest (their run died, or stored other
        files) are leased by this run and returned, to be processed."""
        waited = time.perf_counter()
        todo: list[CasePlan] = []
        while self.busy:
            still = ledger.holders(self.store, [p.case_id for p in self.busy])
            free = [p for p in self.busy if p.case_id not in still]
            self.busy = [p for p in self.busy if p.case_id in still]
            if free:
                known = ledger.known_cases(self.store, [p.case_id for p in free])
                for p in free:
                    k = known.get(p.case_id)
                    if k is not None and k.fingerprint == p.fingerprint:
                        continue  # the other run stored exactly this
                    if ledger.claim(self.store, p.case_id, self.run_id, self.owner) is None:
                        todo.append(p)
                    else:
                        self.busy.append(p)
            if self.busy and (deadline_s is None or time.perf_counter() - waited < deadline_s):
                time.sleep(WAIT_POLL_S)
            elif self.busy:
                self.summary.notices.append(
                    f"{len(self.busy)} case(s) are still being processed by another run; this run's "
                    "tables show them as that run last stored them")
                break
        self.mine += todo
        return todo

    def finish(self) -> BatchSummary:
        """Export the inbox's cases from the store (files rewritten only where they changed),
        write the run report (`OUT/run-reports/run-<id>.json` and the runs table), close the run."""
        self._stop_heartbeat()
        self.summary.unchanged = self.plan.count("unchanged")
        ids = [p.case_id for p in self.plan.cases]
        frames = self.store.export(ids)
        for name in TABLES:
            self.summary.tables += write_table(frames[name], self.out, name, only_if_changed=True)
        self.summary.count(frames)
        self.summary.seconds = time.perf_counter() - self.started
        report = build_report(self.store, self.summary, frames, self.plan.inbox)
        self.summary.report_file = write_report(report, self.out)
        self.summary.report = report
        self.store.finish_run(self.run_id, self.summary.processed, report=report.to_json())
        self.store.close()
        return self.summary

    def abort(self) -> None:
        """The run failed: its leases go (another run may take the cases at once), the run is
        marked failed; what was stored stays."""
        self._stop_heartbeat()
        try:
            ledger.release_all(self.store, self.run_id)
            self.store.finish_run(self.run_id, self.summary.processed, status="failed")
        finally:
            self.store.close()

    def _stop_heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None


def run_without_prefect(inbox: Path, out: Path, catalogue: Path | None = None,
                        db: str | None = None) -> BatchSummary | None:
    """The run when no case is new or changed: the tables are brought up to date from the store
    (usually nothing is written) without starting Prefect and its API, which costs seconds.
    None when there is work: then run the flow (`pipeline.flow.claims_batch`)."""
    if needs_work(inbox, catalogue, db):
        return None
    batch = Batch.start(inbox, out, catalogue, db)
    if batch.mine or batch.busy:  # a case changed in the meantime
        batch.abort()
        return None
    try:
        return batch.finish()
    except BaseException:
        batch.abort()
        raise
