"""The batch as a Prefect flow: wiring only, the work is in plain functions (`pipeline.batch`).

    claims_batch(inbox, out, catalogue=None, db=None) -> BatchSummary

Cases are read and extracted in parallel (threads feeding one pool of single-threaded tesseract
workers, one per core); each is then decided and stored in case-id order, so "the earlier case"
of a duplicate invoice is well defined; the tables are exported from the store at the end. Only
new and changed cases are read (`pipeline.plan`).
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

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from pipeline.batch import Batch, BatchSummary, case_failed  # noqa: E402
from pipeline.case import process_case  # noqa: E402
from pipeline.plan import CasePlan  # noqa: E402
from pipeline.reading import reading_pool  # noqa: E402
from pipeline.report import BatchProgress  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.tables import CaseResult  # noqa: E402


@task(name="read-and-extract", task_run_name="read {plan.case_id}", cache_policy=NO_CACHE,
      persist_result=False)
def read_case(plan: CasePlan, settings: Settings, pool: Executor | None,
              progress: BatchProgress) -> CaseResult:
    try:
        return process_case(plan.case_dir, settings, progress.pages_done, pool)
    except Exception as err:  # a defect on one case must not stop the batch
        progress.failed(plan.case_id, err)
        return case_failed(plan.case_id, err)


@task(name="decide-and-store", task_run_name="decide {plan.case_id}", cache_policy=NO_CACHE,
      persist_result=False)
def decide_case(case: CaseResult, plan: CasePlan, batch: Batch) -> CaseResult:
    return batch.finish_case(case, plan)


@task(name="export-tables", cache_policy=NO_CACHE, persist_result=False)
def export_tables(batch: Batch) -> BatchSummary:
    return batch.finish()


def process(batch: Batch, plans: list[CasePlan], pool: Executor | None, progress: BatchProgress) -> None:
    """Read the cases in parallel, decide and store them in case-id order."""
    futures = [read_case.submit(p, batch.settings, pool, progress) for p in plans]
    for plan, future in zip(plans, futures, strict=True):
        case = decide_case(future.result(), plan, batch)
        progress.case_done(case)


@flow(name="claims-batch", task_runner=ThreadPoolTaskRunner(max_workers=4),  # type: ignore[arg-type]
      persist_result=False, validate_parameters=False)
def claims_batch(inbox: Path, out: Path, catalogue: Path | None = None, db: str | None = None,
                 show_progress: bool = False) -> BatchSummary:
    batch = Batch.start(inbox, out, catalogue, db)
    try:
        work = bool(batch.mine or batch.busy)
        pool_cm = reading_pool(batch.settings) if work else nullcontext(None)
        with pool_cm as pool, BatchProgress(len(batch.mine) + len(batch.busy), show_progress) as progress:
            process(batch, batch.mine, pool, progress)
            while batch.busy:
                taken = batch.take_over(deadline_s=None)
                process(batch, taken, pool, progress)
        return export_tables(batch)
    except BaseException:
        batch.abort()
        raise
