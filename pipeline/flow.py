"""The batch as a Prefect flow: wiring only, the work is in plain functions.

    claims_batch(inbox, out, catalogue=None, db=None) -> BatchSummary

Cases are read and extracted in parallel (threads feeding one pool of single-threaded tesseract
workers, one per core); each is then decided and stored in case-id order, so "the earlier case"
of a duplicate invoice is well defined; the tables are exported from the store at the end.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Executor
from pathlib import Path

# Before Prefect is imported: no telemetry, and its own logs (the temporary API server starting
# and stopping) kept out of the user's terminal unless the user asks for them.
for _name, _value in (("PREFECT_SERVER_ANALYTICS_ENABLED", "false"), ("PREFECT_LOGGING_LEVEL", "ERROR"),
                      ("PREFECT_LOGGING_SERVER_LEVEL", "ERROR"), ("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")):
    os.environ.setdefault(_name, _value)

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from pipeline.batch import BatchSummary, case_failed, decide_and_save, export  # noqa: E402
from pipeline.case import process_case  # noqa: E402
from pipeline.inbox import case_dirs  # noqa: E402
from pipeline.reading import reading_pool  # noqa: E402
from pipeline.report import BatchProgress  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.tables import CaseResult  # noqa: E402
from validators import Context  # noqa: E402
from validators.catalogue import Catalogue, default_catalogue_path  # noqa: E402


@task(name="read-and-extract", cache_policy=NO_CACHE, persist_result=False)
def read_case(case_dir: Path, settings: Settings, pool: Executor, progress: BatchProgress) -> CaseResult:
    try:
        case = process_case(case_dir, settings, progress.pages_done, pool)
    except Exception as err:  # a defect on one case must not stop the batch
        progress.failed(case_dir.name, err)
        case = case_failed(case_dir, err)
    return case


@task(name="decide-and-store", cache_policy=NO_CACHE, persist_result=False)
def decide_case(case: CaseResult, context: Context, store: Store, run_id: int) -> CaseResult:
    return decide_and_save(case, context, store, run_id)


@task(name="export-tables", cache_policy=NO_CACHE, persist_result=False)
def export_tables(store: Store, case_ids: list[str], out: Path) -> list[Path]:
    return export(store, case_ids, out)


@flow(name="claims-batch", task_runner=ThreadPoolTaskRunner(max_workers=4),  # type: ignore[arg-type]
      persist_result=False,
      validate_parameters=False)
def claims_batch(inbox: Path, out: Path, catalogue: Path | None = None, db: str | None = None,
                 show_progress: bool = False) -> BatchSummary:
    started = time.perf_counter()
    settings = Settings.from_env()
    context = Context(catalogue=Catalogue.load(catalogue or default_catalogue_path()))
    store = Store.open(db)
    cases = case_dirs(inbox)
    run_id = store.begin_run(str(inbox))
    summary = BatchSummary(run_id)
    try:
        with reading_pool(settings) as pool, BatchProgress(len(cases), show_progress) as progress:
            futures = [read_case.submit(c, settings, pool, progress) for c in cases]
            for future in futures:
                case = decide_case(future.result(), context, store, run_id)
                summary.add(case)
                progress.case_done(case)
        summary.tables = export_tables(store, [c.name for c in cases], out)
        store.finish_run(run_id, summary.cases)
    except BaseException:
        store.finish_run(run_id, summary.cases, status="failed")
        raise
    finally:
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary
