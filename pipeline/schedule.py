"""Nightly ingestion: a Prefect deployment that runs the batch on a schedule against the store.

    serve_nightly(inbox, out, cron="0 2 * * *", db=None, catalogue=None, dask_address=None)
        registers the deployment `claims-nightly/nightly` with the Prefect API (PREFECT_API_URL)
        and runs its flow runs until stopped (`flow.serve`); `claims schedule serve` calls it.
    claims_nightly(inbox, out, catalogue, db, dask_address) -> the run report (a dict)
        the scheduled flow: one batch over the inbox (`pipeline.flow.run_batch`). Runs are named
        by their scheduled date (`nightly-2026-12-01`).

Each run picks up only the cases that are new or changed since the last one (the store's
fingerprints and leases, `pipeline.batch`): a night with nothing new stores nothing, rewrites no
table, and still leaves its report (`OUT/run-reports/run-<id>.json` and the runs table).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from pipeline.flow import run_batch  # first: it sets Prefect's settings before Prefect loads

# isort: split
from prefect import flow, get_run_logger

from pipeline.batch import run_without_prefect
from pipeline.errors import ClaimsError

DEFAULT_CRON = "0 2 * * *"
DEPLOYMENT = "nightly"
FLOW_NAME = "claims-nightly"


class ScheduleError(ClaimsError):
    """The schedule cannot be served as asked; the message says what to fix."""


def local_timezone() -> str:
    """The machine's IANA time zone (TZ, /etc/timezone or the /etc/localtime link), else UTC:
    "0 2 * * *" means 2 am where the back office is."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        link = str(Path("/etc/localtime").resolve())
        if "/zoneinfo/" in link:
            candidates.append(link.split("/zoneinfo/", 1)[1])
    except OSError:
        pass
    known = available_timezones()
    return next((c for c in candidates if c in known), "UTC")


def nightly_run_name() -> str:
    """`nightly-<scheduled date>`: the night a run belongs to, also when it starts late."""
    from prefect.runtime import flow_run

    return f"nightly-{flow_run.scheduled_start_time:%Y-%m-%d}"


@flow(name=FLOW_NAME, flow_run_name=nightly_run_name, persist_result=False)
def claims_nightly(inbox: str, out: str, catalogue: str | None = None, db: str | None = None,
                   dask_address: str | None = None) -> dict[str, Any]:
    """One nightly batch over INBOX into OUT (only new and changed cases); returns the run report.
    Reading goes to the Dask cluster at `dask_address` when given."""
    where, to = Path(inbox), Path(out)
    books = Path(catalogue) if catalogue else None
    summary = (run_without_prefect(where, to, books, db)
               or run_batch(where, to, books, db, show_progress=False, dask_address=dask_address))
    report = summary.report
    if report is None:  # pragma: no cover - Batch.finish always makes one
        return {}
    get_run_logger().info(
        "run %d: %d case(s) processed, %d unchanged, %d failed, %d page(s) read, %d to rescan, "
        "%d waiting for review; report %s", report.run_id, report.processed, report.unchanged,
        report.failed, report.pages, report.pages_to_rescan, report.needs_review, summary.report_file)
    return report.to_json()


@dataclass(frozen=True)
class NightlyPlan:
    """What `serve_nightly` registers: checked paths and the deployment's parameters."""

    inbox: Path
    out: Path
    cron: str
    timezone: str
    db: str
    catalogue: Path | None
    dask_address: str | None
    name: str = DEPLOYMENT

    @property
    def parameters(self) -> dict[str, Any]:
        return {"inbox": str(self.inbox), "out": str(self.out), "db": self.db,
                "catalogue": str(self.catalogue) if self.catalogue else None,
                "dask_address": self.dask_address}


def plan_nightly(inbox: Path, out: Path, cron: str = DEFAULT_CRON, db: str | None = None,
                 catalogue: Path | None = None, dask_address: str | None = None,
                 timezone: str | None = None, name: str = DEPLOYMENT) -> NightlyPlan:
    """Check everything a night would need before serving (so a mistake shows now, not at 2 am):
    the inbox, the cron and time zone, the catalogue, the store; paths made absolute (runs start in
    another process). A --db URL with a password is refused: the Prefect UI shows a deployment's
    parameters."""
    from prefect.client.schemas.schedules import CronSchedule
    from sqlalchemy.engine import make_url

    from pipeline.store import Store, default_url
    from validators.catalogue import Catalogue, default_catalogue_path

    if not inbox.is_dir():
        raise ScheduleError(f"--inbox {inbox} is not a folder: give the inbox, a folder of case folders")
    if out.exists() and not out.is_dir():
        raise ScheduleError(f"--out {out} is a file: give a folder for the tables and run reports")
    tz = timezone or local_timezone()
    try:
        CronSchedule(cron=cron, timezone=tz)
    except ValueError as exc:
        first = str(exc).splitlines()[-1].strip() if str(exc) else "invalid"
        raise ScheduleError(f"--cron {cron!r} with time zone {tz!r} is not a schedule Prefect "
                            f"accepts ({first}); use five fields, e.g. \"0 2 * * *\" for 2 am "
                            "every day, and an IANA zone such as Europe/Berlin") from None
    url = db or default_url()
    try:
        has_password = bool(make_url(url).password)
    except Exception:
        has_password = False  # Store.open below says what is wrong with it
    if has_password:
        raise ScheduleError(
            "the --db URL holds a password, and the Prefect UI shows a deployment's parameters: "
            "leave it out of the URL and give it in ~/.pgpass (or PGPASSWORD) of the serving user")
    Catalogue.load(catalogue or default_catalogue_path())
    Store.open(url).close()
    return NightlyPlan(inbox.resolve(), out.resolve(), cron, tz, url,
                       catalogue.resolve() if catalogue else None, dask_address or None, name)


def serve_nightly(inbox: Path, out: Path, cron: str = DEFAULT_CRON, db: str | None = None,
                  catalogue: Path | None = None, dask_address: str | None = None,
                  timezone: str | None = None, name: str = DEPLOYMENT) -> None:
    """Register the nightly deployment with the Prefect API and run its flow runs (scheduled, or
    started by hand with `prefect deployment run claims-nightly/nightly`) until stopped. At most
    one run at a time from this server; leases keep two servers off the same case anyway."""
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    plan = plan_nightly(inbox, out, cron, db, catalogue, dask_address, timezone, name)
    claims_nightly.serve(
        name=plan.name, schedule=Cron(plan.cron, timezone=plan.timezone), parameters=plan.parameters,
        description=f"claims: nightly ingestion of {plan.inbox}", tags=["claims"], limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH, print_starting_message=False)
