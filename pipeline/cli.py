"""The `claims` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.cli_ops import DaskAddressOption, runs, schedule_app
from pipeline.errors import BadFileError, ClaimsError
from pipeline.privacy import install_log_filter, mask_numbers
from pipeline.settings import Settings


class BadArgument(ClaimsError):
    """An argument of the command cannot be used; the message says which and why."""


app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Medical-insurance claim packets in, extracted tables and decisions out.")
err = Console(stderr=True, soft_wrap=True)


def _settings(no_cache: bool) -> Settings:
    s = Settings.from_env()
    if no_cache:
        s = Settings(**{**s.__dict__, "cache_dir": None})
    return s


@app.command()
def ocr(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="PDF, PNG, JPEG or TIFF")],
    no_cache: Annotated[bool, typer.Option("--no-cache", help="OCR again, ignoring cached pages")] = False,
) -> None:
    """Print the recognised text of every page of FILE, pages separated by a form feed."""
    from pipeline.reading import read_files

    result = read_files([file], _settings(no_cache))
    if result.problems:
        for problem in result.problems:
            err.print(f"[red]error[/red] {problem.source_file}: {problem.message}")
        if not result.pages:
            raise typer.Exit(2)
    sys.stdout.write("\f".join(p.text for p in result.pages) + "\n")


@app.command()
def samples(
    out: Annotated[Path, typer.Argument(file_okay=False, help="folder to write the packets into")],
    cases: Annotated[int, typer.Option("--cases", min=1, help="number of claim packets")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="random seed; same seed, same packets")] = 1,
) -> None:
    """Write CASES synthetic claim packets with their ground truth into OUT."""
    from samples.generate import generate_samples

    out.mkdir(parents=True, exist_ok=True)
    written = generate_samples(out, cases, seed)
    err.print(f"wrote {len(written)} cases with ground truth into {out}")


@app.command()
def documents(
    inbox: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="folder of case folders")],
    no_cache: Annotated[bool, typer.Option("--no-cache", help="OCR again, ignoring cached pages")] = False,
) -> None:
    """Read every case of INBOX and list the documents found in each packet."""
    from pipeline.classify import group_documents
    from pipeline.inbox import case_dirs, case_id_of, scan_case
    from pipeline.reading import read_files

    settings = _settings(no_cache)
    cases = case_dirs(inbox)
    table = Table("case", "file", "pages", "document type", "confidence", title=f"documents in {inbox}")
    with _progress() as bar:
        task = bar.add_task("reading cases", total=len(cases))
        for case in cases:
            files = scan_case(case, settings)
            result = read_files(files.files, settings)
            result.problems[:0] = files.problems
            bar.advance(task)
            for doc in group_documents(result.pages):
                flag = " (unreadable)" if doc.unreadable else ""
                table.add_row(case_id_of(case), doc.source_file, doc.page_range, doc.doc_type + flag,
                              f"{doc.confidence:.2f}")
            for problem in result.problems:
                table.add_row(case_id_of(case), problem.source_file, "", f"[red]{problem.reason}[/red]",
                              problem.message)
    Console().print(table)


@app.command()
def extract(
    path: Annotated[Path, typer.Argument(exists=True, file_okay=False,
                                         help="a case folder, or an inbox of case folders")],
    out: Annotated[Path, typer.Option("--out", help="folder for documents/line_items .csv and .parquet")],
    no_cache: Annotated[bool, typer.Option("--no-cache", help="OCR again, ignoring cached pages")] = False,
) -> None:
    """Extract every field and line item of one case folder (or of every case of an inbox) into the
    `documents` and `line_items` tables, as CSV and Parquet in OUT."""
    from pipeline.case import process_case
    from pipeline.inbox import case_dirs
    from pipeline.tables import documents_frame, line_items_frame, write_table

    settings = _settings(no_cache)
    cases = case_dirs(path) or [path]
    results = []
    with _progress() as bar:
        task = bar.add_task("extracting cases", total=len(cases))
        for case in cases:
            result = process_case(case, settings)
            for problem in result.problems:
                err.print(f"[yellow]{escape(result.case_id)}/{escape(problem.source_file)}[/yellow]: "
                          f"{escape(mask_numbers(problem.message))}")
            results.append(result)
            bar.advance(task)
    docs, items = documents_frame(results), line_items_frame(results)
    write_table(docs, out, "documents")
    write_table(items, out, "line_items")
    err.print(f"{len(results)} case(s), {len(docs)} documents, {len(items)} line items -> {out}")


@app.command()
def run(
    inbox: Annotated[Path, typer.Argument(help="folder of case folders, one per claim packet")],
    out: Annotated[Path, typer.Option("--out", help="folder for cases, documents, line_items and findings "
                                                   "(.csv and .parquet)")],
    catalogue: Annotated[Path | None, typer.Option(
        "--catalogue", help="drug catalogue CSV (code,name,category[,dosage_form,restriction]); "
                            "default: the sample catalogue")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="SQLAlchemy URL of the store; default: sqlite file claims.db here")] = None,
    dask_address: DaskAddressOption = None,
) -> None:
    """Process every case folder of INBOX through the Prefect flow and write the four tables into
    OUT. Exits 0 when the batch finished, even with flagged cases."""
    from pipeline.batch import run_without_prefect
    from pipeline.store import Store
    from validators.catalogue import Catalogue, default_catalogue_path

    if not inbox.is_dir():
        raise BadArgument(f"{inbox} is not a folder: give the inbox, a folder of case folders")
    if out.exists() and not out.is_dir():
        raise BadArgument(f"--out {out} is a file: give a folder for the tables")
    Catalogue.load(catalogue or default_catalogue_path())  # a bad catalogue stops before any work
    Store.open(db).close()  # so does an unreachable database
    summary = run_without_prefect(inbox, out, catalogue, db)
    if summary is None:  # there is work: the Prefect flow
        _quiet_prefect()
        from pipeline.flow import run_batch

        install_log_filter()  # Prefect's own handlers too
        summary = run_batch(inbox, out, catalogue, db, show_progress=True, dask_address=dask_address)
    from pipeline.report import summary_table

    for notice in summary.notices:
        err.print(f"[yellow]warning[/yellow] {escape(mask_numbers(notice))}", highlight=False)
    Console(stderr=True).print(summary_table(summary))
    if summary.report_file is not None:
        err.print(f"run report: {summary.report_file}")
    if summary.tables:
        err.print(f"tables written to {out}")
    else:
        err.print(f"nothing changed: the tables in {out} are up to date")


review_cli = typer.Typer(no_args_is_help=True, help="The reviewers' web app.")
users_cli = typer.Typer(no_args_is_help=True, help="Accounts of the review app.")
app.add_typer(review_cli, name="review")
app.add_typer(users_cli, name="users")
app.add_typer(schedule_app, name="schedule")
app.command("runs")(runs)


@review_cli.command("serve")
def review_serve(
    db: Annotated[str | None, typer.Option(
        "--db", help="SQLAlchemy URL of the store; default: sqlite file claims.db here")] = None,
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port to listen on")] = 8000,
    catalogue: Annotated[Path | None, typer.Option(
        "--catalogue", help="drug catalogue CSV the checks use; default: the sample catalogue")] = None,
    secret: Annotated[str | None, typer.Option(
        "--secret", envvar="CLAIMS_REVIEW_SECRET", show_envvar=True,
        help="secret that signs session cookies (32+ characters); default: one made once and kept "
             "in .claims-review-secret here")] = None,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="mark the session cookie Secure (when served behind HTTPS)")] = False,
) -> None:
    """Serve the reviewers' web app over the store: the queue of flagged cases and the case page
    (log in with an account made by `claims users add`). Set CLAIMS_CACHE_DIR as for `claims run`,
    so re-checks read pages from the OCR cache."""
    import uvicorn

    from review.app import create_app
    from review.security import SecretError
    from validators.catalogue import Catalogue, default_catalogue_path

    Catalogue.load(catalogue or default_catalogue_path())  # a bad catalogue stops before serving
    try:
        web = create_app(db, catalogue, secret, secure_cookies=secure_cookies)
    except SecretError as exc:
        raise BadArgument(str(exc)) from None
    err.print(f"review app on http://{host}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


@users_cli.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="the login name (letters, digits, _ . @ -)")],
    role: Annotated[str, typer.Option("--role", help="reviewer or supervisor")] = "reviewer",
    db: Annotated[str | None, typer.Option(
        "--db", help="SQLAlchemy URL of the store; default: sqlite file claims.db here")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="read the password from the first line of standard input")] = False,
) -> None:
    """Add a user of the review app. The password is asked twice (hidden), or read from standard
    input; it is stored only as a scrypt hash."""
    from pipeline.review import ROLES, add_user
    from pipeline.store import Store

    if role not in ROLES:
        raise BadArgument(f"--role {role!r}: use one of {', '.join(ROLES)}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with Store.open(db) as store:
        user = add_user(store, username, password, role)
    err.print(f"added {user.role} {user.username}")


def _quiet_prefect() -> None:
    """Prefect's own logs and its temporary server's chatter stay out of the user's terminal."""
    for name in ("prefect", "uvicorn", "httpx", "alembic", "docket", "fakeredis"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False)


def main() -> None:  # pragma: no cover - entry point for `python -m pipeline.cli`
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    install_log_filter()
    try:
        app()
    except (BadFileError, ClaimsError) as exc:
        err.print(f"[red]error[/red] {escape(mask_numbers(str(exc)))}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
