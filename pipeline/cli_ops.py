"""Operating commands of `claims`: the nightly schedule and the run history.

    claims schedule serve --inbox DIR --out DIR [--cron "0 2 * * *"] [--db URL] [--dask-address ...]
    claims runs [--db URL] [--limit 20]

`schedule_app` and `runs` are wired into `pipeline.cli`; `python -m pipeline.cli_ops` runs them on
their own (the same commands, for tests and for machines that only schedule).
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.errors import ClaimsError
from pipeline.privacy import install_log_filter, mask_numbers

if TYPE_CHECKING:
    from pipeline.store import RunRecord

err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the store; default: sqlite file claims.db here")]
DaskAddressOption = Annotated[str | None, typer.Option(
    "--dask-address", metavar="tcp://HOST:PORT",
    help="read and extract on this Dask cluster (dask scheduler + dask worker on the reading "
         "machines, the inbox mounted at the same path on each); default: a process pool here")]

schedule_app = typer.Typer(no_args_is_help=True, help="Nightly ingestion on a Prefect schedule.")


@schedule_app.command("serve")
def schedule_serve(
    inbox: Annotated[Path, typer.Option("--inbox", help="folder of case folders, read every night")],
    out: Annotated[Path, typer.Option("--out", help="folder for the four tables and run-reports/")],
    cron: Annotated[str, typer.Option("--cron", help="when to run, five cron fields")] = "0 2 * * *",
    db: DbOption = None,
    catalogue: Annotated[Path | None, typer.Option(
        "--catalogue", help="drug catalogue CSV; default: the sample catalogue")] = None,
    dask_address: DaskAddressOption = None,
    timezone: Annotated[str | None, typer.Option(
        "--timezone", help="IANA time zone of the cron, e.g. Asia/Shanghai; default: this machine's")] = None,
    name: Annotated[str, typer.Option("--name", help="deployment name")] = "nightly",
) -> None:
    """Register the nightly deployment with the Prefect server (PREFECT_API_URL) and run its flow
    runs until stopped: each run reads only new and changed cases and writes a run report into the
    store and OUT/run-reports/. Start a run now with `prefect deployment run claims-nightly/NAME`."""
    # the runs' logs (flow, tasks, the report line) on this terminal and in the Prefect UI
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    from prefect.settings import PREFECT_API_URL

    from pipeline.schedule import FLOW_NAME, plan_nightly, serve_nightly

    plan = plan_nightly(inbox, out, cron, db, catalogue, dask_address, timezone, name)
    api = PREFECT_API_URL.value()
    if not api:
        err.print("[yellow]warning[/yellow] PREFECT_API_URL is not set: the schedule lives in a temporary "
                  "Prefect server that ends with this command, and no UI shows its runs. Start "
                  "`prefect server start` and set PREFECT_API_URL=http://HOST:4200/api (docs/nightly.md)")
    err.print(f"serving {FLOW_NAME}/{plan.name}: {plan.cron} ({plan.timezone}) over {escape(str(plan.inbox))}"
              + (f", reading on {plan.dask_address}" if plan.dask_address else "")
              + (f"; runs in the Prefect UI at {api.removesuffix('/api')}" if api else ""))
    err.print(f"start a run now: prefect deployment run {FLOW_NAME}/{plan.name}   (Ctrl-C stops serving)")
    serve_nightly(plan.inbox, plan.out, plan.cron, plan.db, plan.catalogue, plan.dask_address,
                  plan.timezone, plan.name)


def runs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many of the latest runs")] = 20,
) -> None:
    """List past runs, newest first, with their figures (from each run's report)."""
    from pipeline.store import Store

    with Store.open(db) as store:
        records = store.runs(limit)
    if not records:
        err.print("no runs in this store yet: `claims run INBOX --out DIR` makes the first")
        return
    Console().print(runs_table(records))


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%m-%d %H:%M") if value is not None else ""


def runs_table(records: list[RunRecord]) -> Table:
    """One row per run: id, start, status, inbox, what it did, the reviewers' queue, time."""
    table = Table(title="claims runs: read = cases processed, review = cases waiting for a reviewer, "
                        "rescan = pages to scan again", title_justify="left", box=None,
                  padding=(0, 1, 0, 0), pad_edge=False)
    table.add_column("run", justify="right", no_wrap=True)
    table.add_column("started", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("inbox", overflow="ellipsis", no_wrap=True)
    for name in ("read", "unchanged", "review", "failed", "pages", "rescan", "time"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in records:
        rep = r.report or {}

        def fig(key: str, rep: dict[str, object] = rep) -> str:
            return str(rep[key]) if key in rep else "-"

        seconds = rep.get("seconds")
        time = f"{seconds:.0f}s" if isinstance(seconds, int | float) else "-"
        # a run that ended without a report (failed, or made by an older claims): what it stored
        processed = str(r.n_cases) if not rep and r.n_cases is not None else fig("processed")
        status = r.status if r.status != "failed" else "[red]failed[/red]"
        table.add_row(str(r.id), _when(r.started_at), status, escape(Path(r.inbox).name or r.inbox),
                      processed, fig("unchanged"), fig("needs_review"), fig("failed"), fig("pages"),
                      fig("pages_to_rescan"), time)
    return table


# --------------------------------------------------------------------- on its own (tests, ops machines)

app = typer.Typer(add_completion=False, no_args_is_help=True, help="claims: schedule and run history.")
app.add_typer(schedule_app, name="schedule")
app.command("runs")(runs)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    install_log_filter()
    try:
        app()
    except ClaimsError as exc:
        err.print(f"[red]error[/red] {escape(mask_numbers(str(exc)))}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
