"""The batch as a Prefect flow: wiring only, the work is in plain functions (`pipeline.batch`).

    run_batch(inbox, out, catalogue=None, db=None, show_progress=False, dask_address=None)
        -> BatchSummary

Cases are read and extracted in parallel (threads feeding one pool of single-threaded tesseract
workers, one per core); each is then decided and stored in case-id order, so "the earlier case"
of a duplicate invoice is well defined; the tables are exported from the store at the end. Only
new and changed cases are read (`pipeline.plan`).

With `dask_address` the reading and extraction tasks run on that Dask cluster instead
(`prefect_dask.DaskTaskRunner`, `pipeline.scale`): each gets a case folder's path and returns the
case without its page words; no local pool is started. Deciding and storing stay here.

Storing a case is retried by Prefect when the database failed in a way that may pass (a lost
connection, a lock not granted in time: `StoreError.transient`), never for bad input or a defect
of ours (those are findings already, or stop the run).
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from contextlib import nullcontext
from pathlib import Path

# Before Prefect is imported: no telemetry, and its own logs (the temporary API server starting
# and stopping) kept out of the user's terminal unless the user asks for them.
for _name, _value in (("PREFECT_SERVER_ANALYTICS_ENABLED", "false"), ("PREFECT_LOGGING_LEVEL", "ERROR"),
                      ("PREFECT_LOGGING_SERVER_LEVEL", "ERROR"), ("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")):
    os.environ.setdefault(_name, _value)

from prefect import Flow, flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.client.schemas.objects import TaskRun  # noqa: E402
from prefect.context import FlowRunContext  # noqa: E402
from prefect.futures import PrefectFuture  # noqa: E402
from prefect.states import State  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.tasks import Task  # noqa: E402

from pipeline import scale  # noqa: E402
from pipeline.batch import Batch, BatchSummary, case_failed  # noqa: E402
from pipeline.case import process_case  # noqa: E402
from pipeline.plan import CasePlan  # noqa: E402
from pipeline.reading import reading_pool  # noqa: E402
from pipeline.report import BatchProgress  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.store import StoreError  # noqa: E402
from pipeline.tables import CaseResult  # noqa: E402

STORE_RETRIES = 2
STORE_RETRY_DELAYS_S = [2.0, 10.0]  # a restarting database or a long lock: seconds, not minutes


def is_transient(error: BaseException | None) -> bool:
    """Whether storing a case failed in a way that trying again may mend: only a `StoreError` the
    store marked transient (lost connection, lock timeout). Bad input never gets here (it is a
    finding), and our own defects (ValueError, IntegrityError, ...) would fail again."""
    return isinstance(error, StoreError) and error.transient


def retry_if_transient(task: Task[..., object], task_run: TaskRun, state: State[object]) -> bool:
    """Prefect's `retry_condition_fn` for storing a case (`is_transient` of the failure)."""
    try:
        state.result()
    except BaseException as err:  # the task's own exception, raised again by its state
        return is_transient(err)
    return False


@task(name="read-and-extract", task_run_name="read {plan.case_id}", cache_policy=NO_CACHE,
      persist_result=False)
def read_case(plan: CasePlan, settings: Settings, pool: Executor | None,
              progress: BatchProgress) -> CaseResult:
    try:
        return process_case(plan.case_dir, settings, progress.pages_done, pool)
    except Exception as err:  # a defect on one case must not stop the batch
        progress.failed(plan.case_id, err)
        return case_failed(plan.case_id, err)


@task(name="read-and-extract", task_run_name="read {case_id}", cache_policy=NO_CACHE,
      persist_result=False)
def read_case_on_worker(case_id: str, case_dir: Path, settings: Settings, keep_words: bool) -> CaseResult:
    """On a Dask worker: the case folder by path in, the case without page words out."""
    return scale.read_on_worker(case_id, case_dir, settings, keep_words)


@task(name="decide-and-store", task_run_name="decide {plan.case_id}", cache_policy=NO_CACHE,
      persist_result=False, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAYS_S,
      retry_condition_fn=retry_if_transient)
def decide_case(case: CaseResult, plan: CasePlan, batch: Batch) -> CaseResult:
    # A failed try must leave the run's counts as they were: the retry counts the case again.
    failed, notices = batch.summary.failed, len(batch.summary.notices)
    try:
        return batch.finish_case(case, plan)
    except BaseException:
        batch.summary.failed = failed
        del batch.summary.notices[notices:]
        raise


@task(name="export-tables", task_run_name="export tables", cache_policy=NO_CACHE, persist_result=False)
def export_tables(batch: Batch) -> BatchSummary:
    return batch.finish()


def _read_all(batch: Batch, plans: list[CasePlan], pool: Executor | None, progress: BatchProgress,
              remote: bool) -> list[PrefectFuture[CaseResult]]:
    if not remote:
        return [read_case.submit(p, batch.settings, pool, progress) for p in plans]
    retyped = scale.retyped_cases(batch.store, [p.case_id for p in plans])
    return [read_case_on_worker.submit(p.case_id, p.case_dir, batch.settings, p.case_id in retyped)
            for p in plans]


def _result(plan: CasePlan, future: PrefectFuture[CaseResult], progress: BatchProgress,
            remote: bool) -> CaseResult:
    if not remote:
        return future.result()
    from distributed import KilledWorker

    try:
        case = future.result()
    except KilledWorker as err:  # the case took its worker down, again and again: it goes to review
        progress.failed(plan.case_id, err)
        return case_failed(plan.case_id, err)
    progress.pages_done(case.n_pages)
    if any(f.code == "processing_failed" for f in case.findings):
        progress.failed(plan.case_id, "on a Dask worker; its log has the error")
    return case


def process(batch: Batch, plans: list[CasePlan], pool: Executor | None, progress: BatchProgress,
            remote: bool = False) -> None:
    """Read the cases in parallel (here, or on the Dask workers), decide and store them in case-id
    order."""
    futures = _read_all(batch, plans, pool, progress, remote)
    for plan, future in zip(plans, futures, strict=True):
        case = decide_case(_result(plan, future, progress, remote), plan, batch)
        progress.case_done(case)


def _on_dask() -> bool:
    ctx = FlowRunContext.get()
    return ctx is not None and type(ctx.task_runner).__name__ == "DaskTaskRunner"


def batch_run_name() -> str:
    """`batch-<inbox folder>-<date>`: which inbox, which day (Prefect's own names are random)."""
    from prefect.runtime import flow_run

    inbox = Path(str(flow_run.parameters.get("inbox", ""))).name or "inbox"
    return f"batch-{inbox}-{flow_run.scheduled_start_time:%Y-%m-%d}"


@flow(name="claims-batch", flow_run_name=batch_run_name,
      task_runner=ThreadPoolTaskRunner(max_workers=4),  # type: ignore[arg-type]
      persist_result=False, validate_parameters=False)
def claims_batch(inbox: Path, out: Path, catalogue: Path | None = None, db: str | None = None,
                 show_progress: bool = False) -> BatchSummary:
    """One batch over `inbox`. Run it with `run_batch` to read on a Dask cluster."""
    inbox, out = Path(inbox), Path(out)  # a deployment passes strings
    catalogue = Path(catalogue) if catalogue is not None else None
    batch = Batch.start(inbox, out, catalogue, db)
    try:
        remote = _on_dask()
        work = bool(batch.mine or batch.busy)
        pool_cm = reading_pool(batch.settings) if work and not remote else nullcontext(None)
        with pool_cm as pool, BatchProgress(len(batch.mine) + len(batch.busy), show_progress) as progress:
            process(batch, batch.mine, pool, progress, remote)
            while batch.busy:
                taken = batch.take_over(deadline_s=None)
                process(batch, taken, pool, progress, remote)
        return export_tables(batch)
    except BaseException:
        batch.abort()
        raise


def batch_flow(dask_address: str | None = None) -> Flow[..., BatchSummary]:
    """`claims_batch`, or the same flow with its reading on the Dask cluster at `dask_address`."""
    if not dask_address:
        return claims_batch
    from prefect_dask import DaskTaskRunner

    return claims_batch.with_options(task_runner=DaskTaskRunner(address=dask_address))  # type: ignore[arg-type]


def run_batch(inbox: Path, out: Path, catalogue: Path | None = None, db: str | None = None,
              show_progress: bool = False, dask_address: str | None = None) -> BatchSummary:
    """The batch flow, here or with its reading on a Dask cluster (checked first: `DaskError`
    with what to do when it cannot be reached, has no workers, or its workers would have no
    Prefect API to report to)."""
    if not dask_address:
        return claims_batch(inbox, out, catalogue, db, show_progress)
    info = scale.check_cluster(dask_address)
    with scale.prefect_api_for(info):
        return batch_flow(dask_address)(inbox, out, catalogue, db, show_progress)
