"""What a person sees of a batch run: a progress bar while it runs, a summary table at the end.
Never personal data: case ids, counts and finding codes only."""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.batch import BatchSummary
from pipeline.tables import CaseResult

err = Console(stderr=True, soft_wrap=True)


class BatchProgress:
    """A bar over the cases of the batch, with the pages read so far; thread-safe. Silent when
    `show` is false (tests, scheduled runs)."""

    def __init__(self, total: int, show: bool = True) -> None:
        self._lock = threading.Lock()
        self._pages = 0
        self._bar: Progress | None = None
        self._task = None
        if show:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("cases · {task.fields[pages]} pages read"),
                                 TimeElapsedColumn(), console=err, transient=False)
            self._task = self._bar.add_task("claims run", total=total, pages=0)

    def __enter__(self) -> BatchProgress:
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar:
            self._bar.stop()

    def pages_done(self, n: int) -> None:
        with self._lock:
            self._pages += n
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, pages=self._pages)

    def case_done(self, case: CaseResult) -> None:
        with self._lock:
            if self._bar is not None and self._task is not None:
                self._bar.advance(self._task)

    def failed(self, case_id: str, error: BaseException | str) -> None:
        """Say that a case failed (`error`: the exception, or where it failed when it was raised
        elsewhere, e.g. on a Dask worker); never the error's text, which may quote the packet."""
        what = error if isinstance(error, str) else type(error).__name__
        err.print(f"[red]case {case_id} failed[/red] ({what}); it goes to review, the batch goes on")


def summary_table(summary: BatchSummary) -> Table:
    table = Table(title=f"claims run #{summary.run_id}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("cases", str(summary.cases))
    table.add_row("approved", str(summary.approved))
    table.add_row("needs review", str(summary.needs_review))
    for code, n in sorted(summary.reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(f"  {code}", str(n))
    for code, n in sorted(summary.warnings.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(f"warning {code}", str(n))
    table.add_row("read by this run", str(summary.processed))
    if summary.unchanged:
        table.add_row("unchanged, not read again", str(summary.unchanged))
    if summary.failed:
        table.add_row("failed (processing_failed)", str(summary.failed))
    table.add_row("pages read", str(summary.pages))
    rate = summary.pages / summary.seconds if summary.seconds else 0.0
    table.add_row("time", f"{summary.seconds:.1f} s ({rate:.2f} pages/s)")
    return table
