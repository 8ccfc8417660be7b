"""The store: every run, case, document, field, line item and finding in one SQL database.

The output tables (cases, documents, line_items, findings) are exports of the store, so a later run,
the reviewer web app and a nightly job all see the same truth.

    store = Store.open(url)            # default: sqlite file `claims.db` in the working directory
    run_id = store.begin_run(inbox)
    store.save_case(run_id, case)      # replaces the case's earlier rows (a re-run of the case)
    store.finish_run(run_id, n_cases)
    frames = store.export()            # the four tables, columns and dtypes of `pipeline.tables`

Any SQLAlchemy URL works (PostgreSQL with a driver installed, e.g. `postgresql+psycopg://...`);
only portable column types are used, and every value a user controls (case ids, document ids, claim
types, catalogue codes, file names, messages) is Text, so nothing is cut or refused on PostgreSQL.
NUL characters, which PostgreSQL refuses in text, are dropped from every string written. The schema
is Alembic's (`pipeline.migrations`): `open` brings any database to the newest revision (a quick
look at `alembic_version` when it is there already). SQLite files are opened in WAL mode with a
busy timeout so a batch and the review app can share one file, and writes start with
`BEGIN IMMEDIATE` so two writers wait for each other instead of failing. Children are deleted
explicitly before their parents, so nothing relies on ON DELETE CASCADE; SQLite connections still
enforce foreign keys.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, Session, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from extractors.model import Box
from pipeline.errors import ClaimsError
from pipeline.migrations import MigrationError, SchemaTooNewError, upgrade_to_head
from pipeline.tables import (
    CASE_COLUMNS,
    CONTRACT_FIELDS,
    DOCUMENT_COLUMNS,
    EXTRA_FIELDS,
    FINDING_COLUMNS,
    LINE_ITEM_COLUMNS,
    CaseResult,
    _frame,
)

DEFAULT_DB_FILE = "claims.db"  # under the working directory
SQLITE_BUSY_MS = 30_000  # how long a SQLite connection waits for another process's lock
CONNECT_TIMEOUT_S = 10  # client-server databases: give up connecting after this long
_TABLE_FIELDS = (*CONTRACT_FIELDS, *EXTRA_FIELDS)
_CHUNK = 500  # bound parameters per IN (...) list; SQLite allows few


def default_url(workdir: Path | None = None) -> str:
    """`sqlite:///<abs path>/claims.db` under `workdir` (default: the working directory)."""
    base = (workdir if workdir is not None else Path.cwd()).resolve()
    return f"sqlite:///{base / DEFAULT_DB_FILE}"


class VersionConflict(ClaimsError):
    """The case was saved by someone else since the version a change was made on."""

    def __init__(self, case_id: str, expected: int, found: int | None) -> None:
        self.case_id, self.expected, self.found = case_id, expected, found
        super().__init__(f"case {case_id} changed meanwhile (version {expected}, now {found})")


class StoreError(ClaimsError):
    """The database cannot be opened or used; the message says what to do (never a password).

    `transient`: the failure may pass by itself (the connection was lost, a lock was not granted in
    time, the server is restarting), so the same work tried again a few seconds later may succeed;
    a scheduler retries only these (`pipeline.flow`). False for everything else (a wrong URL, a
    missing table, a full disk), where trying again cannot help."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


# --------------------------------------------------------------------------------------------- schema


class Base(DeclarativeBase):
    pass


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inbox: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(32), default="running")
    n_cases: Mapped[int | None] = mapped_column(Integer, nullable=True)
    owner: Mapped[str] = mapped_column(Text, default="", server_default="")  # host:pid running it
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # the run report (`pipeline.run_report.RunReport.to_json()`), written when the run finishes
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class CaseRow(Base):
    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(Text, primary_key=True)
    claim_type: Mapped[str] = mapped_column(Text, default="")
    claim_type_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(32), default="")
    reasons: Mapped[str] = mapped_column(Text, default="")  # error codes, ';'-joined
    total_claimed: Mapped[str] = mapped_column(Text, default="")
    n_documents: Mapped[int] = mapped_column(Integer, default=0)
    n_pages: Mapped[int] = mapped_column(Integer, default=0)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # +1 at every save


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("case_id", "doc_id", name="uq_documents_case_doc"),
        Index("ix_documents_doc_type", "doc_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id", ondelete="CASCADE"))
    doc_id: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)  # order inside the case
    source_file: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[str] = mapped_column(String(64), default="")  # page range, "1" or "2-3"
    doc_type: Mapped[str] = mapped_column(String(64), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    unreadable: Mapped[bool] = mapped_column(Boolean, default=False)
    n_pages: Mapped[int] = mapped_column(Integer, default=0)


class PageRow(Base):
    """The geometry of each page of a document as it was read: boxes of its fields and line items
    are in this page's coordinates (after turning it upright)."""

    __tablename__ = "pages"
    __table_args__ = (Index("ix_pages_document_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    page_no: Mapped[int] = mapped_column(Integer)  # 1-based inside the source file
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16), default="")  # text_layer | ocr
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    dpi: Mapped[int] = mapped_column(Integer, default=0)
    mean_conf: Mapped[float] = mapped_column(Float, default=0.0)


class FieldRow(Base):
    __tablename__ = "fields"
    __table_args__ = (
        # not (name, value): PostgreSQL refuses index rows over 2704 bytes, and a text field can be
        # longer; the invoice lookup filters on the name and computes its key from the value anyway
        Index("ix_fields_name", "name"),
        Index("ix_fields_document_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")
    conf: Mapped[float] = mapped_column(Float, default=0.0)
    page_no: Mapped[int] = mapped_column(Integer, default=0)
    box_left: Mapped[float | None] = mapped_column(Float, nullable=True)
    box_top: Mapped[float | None] = mapped_column(Float, nullable=True)
    box_width: Mapped[float | None] = mapped_column(Float, nullable=True)
    box_height: Mapped[float | None] = mapped_column(Float, nullable=True)


class LineItemRow(Base):
    __tablename__ = "line_items"
    __table_args__ = (Index("ix_line_items_document_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    item_date: Mapped[str] = mapped_column(Text, default="")
    item_name: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[str] = mapped_column(Text, default="")
    unit_price: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[str] = mapped_column(Text, default="")
    row_type: Mapped[str] = mapped_column(Text, default="")
    conf: Mapped[float] = mapped_column(Float, default=1.0)
    page_no: Mapped[int] = mapped_column(Integer, default=0)
    box_left: Mapped[float | None] = mapped_column(Float, nullable=True)
    box_top: Mapped[float | None] = mapped_column(Float, nullable=True)
    box_width: Mapped[float | None] = mapped_column(Float, nullable=True)
    box_height: Mapped[float | None] = mapped_column(Float, nullable=True)
    repaired: Mapped[str] = mapped_column(Text, default="")  # column names, ';'-joined
    catalogue_code: Mapped[str] = mapped_column(Text, default="")
    catalogue_name: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32), default="")
    match_score: Mapped[float | None] = mapped_column(Float, nullable=True)


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_case_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order inside the case
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str] = mapped_column(String(64), default="")
    line_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_file: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    accepted: Mapped[str] = mapped_column(Text, default="", server_default="")  # a reviewer's reason


def _without_nul(value: Any) -> Any:
    """`value` with NUL characters dropped from every string in it (JSON: keys and values)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _strip_nul(_mapper: Mapper[Any], _connection: Connection, row: Any) -> None:
    """PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), SQLite keeps it: every
    row written (by `save_case` and whatever else writes through the ORM) loses its NULs, so
    both backends store the same text, which a text layer or OCR can carry."""
    for column in row.__table__.columns:
        value = getattr(row, column.key, None)
        if isinstance(value, str | dict | list) and (clean := _without_nul(value)) != value:
            setattr(row, column.key, clean)


# -------------------------------------------------------------------------------------------- helpers


def now_utc() -> datetime:
    """The time every row of the store is stamped with."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _now() -> datetime:
    return now_utc()


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _box_columns(box: Box | None) -> dict[str, float | None]:
    left, top, width, height = box if box is not None else (None, None, None, None)
    return {"box_left": left, "box_top": top, "box_width": width, "box_height": height}


def _box(row: FieldRow | LineItemRow) -> Box | None:
    parts = (row.box_left, row.box_top, row.box_width, row.box_height)
    if any(p is None for p in parts):
        return None
    left, top, width, height = (float(p) for p in parts if p is not None)
    return (left, top, width, height)


_BLANKS = (" ", "\u3000", "\t", "\n", "\r")


def _invoice_key(number: str) -> str:
    """Invoice numbers compare without blanks and upper-cased (ASCII, as SQLite's upper())."""
    for blank in (*_BLANKS, "\x00"):  # stored values lost their NULs
        number = number.replace(blank, "")
    return "".join(c.upper() if c.isascii() else c for c in number)


class _ascii_upper(FunctionElement[str]):
    """upper() of the ASCII letters only, as `_invoice_key` does: SQLite's upper() is that already;
    PostgreSQL's follows the database's locale (é, ａ become É, Ａ) unless told the "C" collation."""

    name = "upper"
    type = Text()
    inherit_cache = True


@compiles(_ascii_upper)
def _ascii_upper_sql(element: _ascii_upper, compiler: SQLCompiler, **kw: Any) -> str:
    return f"upper({compiler.process(element.clauses, **kw)})"


@compiles(_ascii_upper, "postgresql")
def _ascii_upper_pg(element: _ascii_upper, compiler: SQLCompiler, **kw: Any) -> str:
    return f'upper(({compiler.process(element.clauses, **kw)}) COLLATE "C")'


def _invoice_key_sql(column: Any) -> ColumnElement[str]:
    expr = column
    for blank in _BLANKS:
        expr = func.replace(expr, blank, "")
    return _ascii_upper(expr)


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def _redact(text: str, url: URL | None) -> str:
    """`text` without the URL's password."""
    if url is not None and url.password:
        text = text.replace(str(url.password), "***")
    return _PASSWORD_IN_URL.sub(r"\1***@", text)


def _unparsed(url: str) -> str:
    """A string that is no URL, for a message: whatever precedes an `@` may hold a password."""
    if "@" not in url:
        return url
    scheme, sep, _ = url.partition("://")
    return f"{scheme}{sep}***@{url.rsplit('@', 1)[1]}" if sep else f"***@{url.rsplit('@', 1)[1]}"


# SQLSTATEs after which the same transaction, tried again, may succeed: serialization failure,
# deadlock, lock not available (lock_timeout), the server shutting down or starting, too many
# connections; and class 08, connection exceptions.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"})


def _is_transient(exc: BaseException, backend: str = "") -> bool:
    """Whether a database error may pass by itself: a lost connection, a lock not granted in time,
    a server restarting. Bad SQL, a missing table, a constraint broken by our data, a full disk or a
    file that cannot be opened are not: trying again gives the same error.

    `backend`: the URL's backend name (`sqlite`, `postgresql`); a client-server driver's error with
    no SQL state is a failed connection."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True  # SQLAlchemy saw the connection drop
    if isinstance(exc, InterfaceError):
        return True  # the driver's connection is closed or broken
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    sqlite_name = str(getattr(orig, "sqlite_errorname", "") or "")
    if sqlite_name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return True  # another process held the write lock past the busy timeout
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    if state:
        return state.startswith("08") or state in _TRANSIENT_SQLSTATES
    return isinstance(exc, OperationalError) and backend not in ("", "sqlite")


@dataclass(frozen=True)
class RunRecord:
    """One run as `claims runs` lists it."""

    id: int
    inbox: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    n_cases: int | None  # cases the run stored
    owner: str
    report: dict[str, Any] | None  # `pipeline.run_report.RunReport.to_json()`, once finished


def _reason(exc: BaseException) -> str:
    """The driver's own words, first line only (SQLAlchemy adds the SQL and a link)."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(inner).strip() or type(inner).__name__
    return text.splitlines()[0]


# ---------------------------------------------------------------------------------------------- store


class Store:
    """The claims database. Open with `Store.open(url)`; every method is one short transaction."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self._engine = engine
        self._url = url
        self._writer = engine.execution_options(claims_write=True)

    @property
    def url(self) -> str:
        """The database URL with its password hidden, for messages and logs."""
        return self._url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open the database at `url` (default: `default_url()`), creating or migrating its schema
        to the newest revision first (`pipeline.migrations.upgrade_to_head`).

        Raises `StoreError` when the URL is invalid, its driver is missing, or the database cannot
        be reached or written.
        """
        url = url if url is not None else default_url()
        try:
            parsed = make_url(url)
        except (ArgumentError, ValueError):
            raise StoreError(
                f"--db {_unparsed(url)!r} is not a database URL; use e.g. sqlite:///claims.db or "
                "postgresql+psycopg://user:password@host/dbname"
            ) from None
        shown = parsed.render_as_string(hide_password=True)
        try:
            engine = _engine(parsed)
        except NoSuchModuleError:
            raise StoreError(
                f"cannot open the database {shown}: {parsed.drivername!r} is not a kind of database "
                "SQLAlchemy knows; use e.g. sqlite:///claims.db or "
                "postgresql+psycopg://user:password@host/dbname as --db"
            ) from None
        except ImportError as exc:
            raise StoreError(
                f"cannot open the database {shown}: its driver is not installed "
                f"({_redact(_reason(exc), parsed)}); install it (for PostgreSQL: pip install "
                "'psycopg[binary]' and use a postgresql+psycopg:// URL) or pass another --db URL"
            ) from None
        except (ArgumentError, SQLAlchemyError, TypeError, ValueError) as exc:
            raise StoreError(
                f"cannot open the database {shown}: {_redact(_reason(exc), parsed)}; "
                "check the --db URL"
            ) from None
        store = cls(engine, parsed)
        try:
            upgrade_to_head(engine, writer=store._writer)
        except SchemaTooNewError as exc:
            engine.dispose()
            raise StoreError(
                f"the database {shown} was written by a newer version of claims (schema revision "
                f"{exc.found}; this version knows up to {exc.head}); upgrade claims, or pass another --db URL"
            ) from None
        except MigrationError as exc:  # its message says what to do
            engine.dispose()
            raise StoreError(f"cannot open the database {shown}: {_redact(str(exc), parsed)}") from None
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            raise StoreError(
                f"cannot open the database {shown}: {_redact(_reason(exc), parsed)}; "
                + _advice(parsed)
            ) from None
        return store

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _session(self, action: str, write: bool = False) -> Iterator[Session]:
        """One transaction (`BEGIN IMMEDIATE` on SQLite when `write`); a lost or locked database
        becomes a `StoreError`."""
        try:
            with (Session(self._writer if write else self._engine, expire_on_commit=False) as session,
                  session.begin()):
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise StoreError(
                f"the database {self.url} failed while {action}: {_redact(_reason(exc), self._url)}; "
                + _advice(self._url),
                transient=_is_transient(exc, self._url.get_backend_name()),
            ) from None

    def transaction(self, action: str, write: bool = False) -> AbstractContextManager[Session]:
        """One transaction for code beside the store (the ledger); `action` names it in errors."""
        return self._session(action, write)

    # ------------------------------------------------------------------------------------------ runs

    def begin_run(self, inbox: str, started_at: datetime | None = None, owner: str = "") -> int:
        """Record the start of a batch over `inbox` by `owner` (host:pid); returns the run's id."""
        started = started_at or _now()
        run = RunRow(inbox=str(inbox), started_at=started, status="running", owner=owner,
                     heartbeat_at=started)
        with self._session("recording a run", write=True) as session:
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, n_cases: int, status: str = "finished",
                   report: dict[str, Any] | None = None) -> None:
        """Record the end of a run: its status, the cases it stored and its report (JSON)."""
        with self._session("recording a run", write=True) as session:
            run = session.get(RunRow, run_id)
            if run is None:
                raise ValueError(f"no run {run_id} in the store")
            run.finished_at = _now()
            run.n_cases = n_cases
            run.status = status
            if report is not None:
                run.report = report

    def runs(self, limit: int | None = 20) -> list[RunRecord]:
        """The latest runs, newest first (all of them when `limit` is None)."""
        query = select(RunRow).order_by(RunRow.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._session("listing the runs") as session:
            return [RunRecord(r.id, r.inbox, _aware(r.started_at) or _now(), _aware(r.finished_at), r.status,
                              r.n_cases, r.owner, dict(r.report) if r.report else None)
                    for r in session.scalars(query)]

    # ----------------------------------------------------------------------------------------- cases

    def save_case(self, run_id: int, case: CaseResult,
                  also: Callable[[Session], None] | None = None,
                  expect_version: int | None = None) -> None:
        """Store `case` in one transaction, replacing every earlier row of the same case_id.

        The case keeps its `first_run_id` and `first_seen`; `last_run_id` becomes `run_id`.
        `also(session)` runs inside the same transaction after the case's rows are written (the
        ledger records the files and releases the lease with them: all or nothing).
        `expect_version`: save only over that version of the case (compare-and-set); another
        version raises `VersionConflict` and nothing is written.
        """
        if len(case.documents) != len(case.extractions):
            raise ValueError(f"case {case.case_id}: {len(case.documents)} documents but "
                             f"{len(case.extractions)} extractions")
        doc_ids = [doc.doc_id for doc in case.documents]
        if len(set(doc_ids)) != len(doc_ids):
            raise ValueError(f"case {case.case_id}: document ids are not distinct: {doc_ids}")
        now = _now()
        with self._session(f"saving case {case.case_id}", write=True) as session:
            row = session.get(CaseRow, case.case_id, with_for_update=expect_version is not None)
            if expect_version is not None and (row.version if row is not None else None) != expect_version:
                raise VersionConflict(case.case_id, expect_version, row.version if row is not None else None)
            if row is None:
                row = CaseRow(case_id=case.case_id, first_run_id=run_id, first_seen=now)
                session.add(row)
            else:
                _delete_children(session, [case.case_id])
            row.claim_type = case.claim_type
            row.claim_type_inferred = case.claim_type_inferred
            row.status = case.status
            row.reasons = ";".join(case.reasons)
            row.total_claimed = case.total_claimed
            row.n_documents = len(case.documents)
            row.n_pages = case.n_pages
            row.manifest = dict(case.manifest)
            row.last_run_id = run_id
            row.updated_at = now
            row.version = (row.version or 0) + 1
            session.flush()  # the case row before rows that refer to it

            doc_rows: list[tuple[DocumentRow, Any]] = []
            for position, (doc, ex) in enumerate(zip(case.documents, case.extractions, strict=True)):
                doc_row = DocumentRow(
                    case_id=case.case_id, doc_id=doc.doc_id, position=position,
                    source_file=doc.source_file, pages=doc.page_range if doc.pages else "",
                    doc_type=doc.doc_type, confidence=float(doc.confidence),
                    unreadable=bool(doc.unreadable), n_pages=len(doc.pages),
                )
                session.add(doc_row)
                doc_rows.append((doc_row, ex))
            session.flush()  # document ids

            docs_by_row = dict(zip((id(r) for r, _ in doc_rows), case.documents, strict=True))
            for doc_row, ex in doc_rows:
                for page in docs_by_row[id(doc_row)].pages:
                    session.add(PageRow(
                        document_id=doc_row.id, page_no=page.page_no, width=float(page.width),
                        height=float(page.height), method=page.method, rotation=int(page.rotation),
                        skew=float(page.skew), dpi=int(page.dpi), mean_conf=float(page.mean_conf)))
                for name, fv in ex.fields.items():
                    session.add(FieldRow(
                        document_id=doc_row.id, name=name, value=fv.value, raw=fv.raw,
                        conf=float(fv.conf), page_no=fv.page_no, **_box_columns(fv.box),
                    ))
                for item in ex.line_items:
                    session.add(LineItemRow(
                        document_id=doc_row.id, line_no=item.line_no, item_date=item.item_date,
                        item_name=item.item_name, quantity=item.quantity, unit_price=item.unit_price,
                        amount=item.amount, row_type=item.row_type, conf=float(item.conf),
                        page_no=item.page_no, **_box_columns(item.box),
                        repaired=";".join(item.repaired), catalogue_code=item.catalogue_code,
                        catalogue_name=item.catalogue_name, category=item.category,
                        match_score=None if item.match_score is None else float(item.match_score),
                    ))
            for position, f in enumerate(case.findings):
                session.add(FindingRow(
                    case_id=case.case_id, position=position, code=f.code, severity=f.severity,
                    doc_id=f.doc_id, field=f.field, line_no=f.line_no, source_file=f.source_file,
                    message=f.message, accepted=f.accepted,
                ))
            if also is not None:
                session.flush()
                also(session)

    def invoice_owners(self, invoice_numbers: Iterable[str],
                       exclude_case: str | None = None) -> dict[str, list[tuple[str, int, str]]]:
        """Stored medical invoices carrying these numbers, for the duplicate-invoice rule.

        Returns invoice number (as given) -> [(case_id, first_run_id, doc_id), ...] in case_id then
        document order, only for numbers that some other case's invoice carries. Numbers compare
        without blanks and upper-cased; `exclude_case` (the case being checked) is left out.
        """
        wanted: dict[str, list[str]] = {}
        for number in invoice_numbers:
            key = _invoice_key(number)
            if key and number not in wanted.get(key, []):
                wanted.setdefault(key, []).append(number)
        if not wanted:
            return {}
        key_expr = _invoice_key_sql(FieldRow.value)
        found: list[tuple[str, int, str, int, str]] = []
        with self._session("looking up invoice numbers") as session:
            for chunk in _chunks(list(wanted)):
                query = (
                    select(CaseRow.case_id, CaseRow.first_run_id, DocumentRow.doc_id,
                           DocumentRow.position, key_expr)
                    .join(DocumentRow, DocumentRow.case_id == CaseRow.case_id)
                    .join(FieldRow, FieldRow.document_id == DocumentRow.id)
                    .where(FieldRow.name == "invoice_number", DocumentRow.doc_type == "medical_invoice",
                           key_expr.in_(chunk))
                )
                if exclude_case is not None:
                    query = query.where(CaseRow.case_id != exclude_case)
                found.extend((r[0], r[1], r[2], r[3], r[4]) for r in session.execute(query))
        found.sort(key=lambda r: (r[0], r[3]))
        owners: dict[str, list[tuple[str, int, str]]] = {}
        for case_id, first_run_id, doc_id, _, key in found:
            for number in wanted.get(key, []):
                entry = (case_id, first_run_id, doc_id)
                if entry not in owners.setdefault(number, []):
                    owners[number].append(entry)
        return owners

    # ---------------------------------------------------------------------------------------- export

    def export(self, case_ids: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
        """The four output tables {"cases", "documents", "line_items", "findings"} of the stored
        cases (all, or those of `case_ids`), with exactly the columns and dtypes of `pipeline.tables`;
        rows in case_id order, then in the order saved."""
        wanted = None if case_ids is None else sorted({case_ids} if isinstance(case_ids, str)
                                                      else set(case_ids))
        with self._session("exporting the tables") as session:
            cases = _select_in(session, select(CaseRow), CaseRow.case_id, wanted)
            docs = _select_in(session, select(DocumentRow), DocumentRow.case_id, wanted)
            fields = _select_in(
                session,
                select(FieldRow.document_id, FieldRow.name, FieldRow.value)
                .join(DocumentRow, DocumentRow.id == FieldRow.document_id)
                .where(FieldRow.name.in_(_TABLE_FIELDS)).order_by(FieldRow.id),
                DocumentRow.case_id, wanted)
            items = _select_in(
                session,
                select(DocumentRow.case_id, DocumentRow.doc_id, DocumentRow.position, LineItemRow)
                .join(DocumentRow, DocumentRow.id == LineItemRow.document_id),
                DocumentRow.case_id, wanted)
            findings = _select_in(session, select(FindingRow), FindingRow.case_id, wanted)

        case_rows = sorted((r[0] for r in cases), key=lambda c: c.case_id)
        doc_rows = sorted((r[0] for r in docs), key=lambda d: (d.case_id, d.position))
        item_rows = sorted(items, key=lambda r: (r[0], r[2], r[3].id))
        finding_rows = sorted((r[0] for r in findings), key=lambda f: (f.case_id, f.position))

        values: dict[int, dict[str, str]] = {}
        for document_id, name, value in fields:
            values.setdefault(document_id, {})[name] = value
        n_items: dict[int, int] = {}
        for r in item_rows:
            n_items[r[3].document_id] = n_items.get(r[3].document_id, 0) + 1
        n_warnings: dict[str, int] = {}
        for f in finding_rows:
            if f.severity == "warning":
                n_warnings[f.case_id] = n_warnings.get(f.case_id, 0) + 1

        case_table: list[dict[str, object]] = []
        for c in case_rows:
            m = c.manifest or {}
            employer = m.get("employer_insured")
            case_table.append({
                "case_id": c.case_id, "claim_type": c.claim_type, "status": c.status,
                "n_documents": c.n_documents, "total_claimed": c.total_claimed, "reasons": c.reasons,
                "claim_type_inferred": c.claim_type_inferred, "n_pages": c.n_pages,
                "n_warnings": n_warnings.get(c.case_id, 0),
                "insured_region": str(m.get("insured_region") or ""),
                "employer_insured": employer if isinstance(employer, bool) else None,
                "submitted_on": str(m.get("submitted_on") or ""),
            })
        doc_table: list[dict[str, object]] = []
        for d in doc_rows:
            row: dict[str, object] = {
                "case_id": d.case_id, "doc_id": d.doc_id, "source_file": d.source_file,
                "pages": d.pages, "doc_type": d.doc_type, "confidence": round(d.confidence, 3),
                "n_line_items": n_items.get(d.id, 0), "unreadable": d.unreadable,
            }
            doc_values = values.get(d.id, {})
            row.update({name: doc_values.get(name, "") for name in _TABLE_FIELDS})
            doc_table.append(row)
        item_table: list[dict[str, object]] = []
        for case_id, doc_id, _, item in item_rows:
            item_table.append({
                "case_id": case_id, "doc_id": doc_id, "line_no": item.line_no,
                "item_date": item.item_date, "item_name": item.item_name, "quantity": item.quantity,
                "unit_price": item.unit_price, "amount": item.amount,
                "catalogue_code": item.catalogue_code, "catalogue_name": item.catalogue_name,
                "category": item.category, "match_score": item.match_score, "row_type": item.row_type,
                "page": item.page_no or None, "confidence": round(item.conf, 3),
                "repaired": item.repaired,
            })
        finding_table: list[dict[str, object]] = [
            {"case_id": f.case_id, "code": f.code, "severity": f.severity, "doc_id": f.doc_id,
             "field": f.field, "message": f.message, "line_no": f.line_no, "source_file": f.source_file,
             "accepted": f.accepted}
            for f in finding_rows
        ]
        return {
            "cases": _frame(case_table, CASE_COLUMNS),
            "documents": _frame(doc_table, DOCUMENT_COLUMNS),
            "line_items": _frame(item_table, LINE_ITEM_COLUMNS),
            "findings": _frame(finding_table, FINDING_COLUMNS),
        }

    def case_ids(self) -> list[str]:
        """Every stored case id, sorted."""
        with self._session("listing the cases") as session:
            return sorted(session.scalars(select(CaseRow.case_id)))

    def first_run(self, case_id: str) -> int | None:
        """The run that first stored the case, or None for a case never stored."""
        with self._session(f"looking up case {case_id}") as session:
            c = session.get(CaseRow, case_id)
            return c.first_run_id if c is not None else None

    def load_case(self, case_id: str) -> dict[str, Any] | None:
        """Everything stored about one case, or None: {"case": {...}, "documents": [{...,
        "fields": {name: {value, raw, conf, page_no, box}}, "line_items": [{...}]}], "findings":
        [{...}]}. Boxes are (left, top, width, height) in the page's coordinates, or None."""
        with self._session(f"loading case {case_id}") as session:
            c = session.get(CaseRow, case_id)
            if c is None:
                return None
            docs = list(session.scalars(
                select(DocumentRow).where(DocumentRow.case_id == case_id).order_by(DocumentRow.position)))
            doc_pks = [d.id for d in docs]
            field_rows = list(session.scalars(
                select(FieldRow).where(FieldRow.document_id.in_(doc_pks)).order_by(FieldRow.id)))
            item_rows = list(session.scalars(
                select(LineItemRow).where(LineItemRow.document_id.in_(doc_pks)).order_by(LineItemRow.id)))
            page_rows = list(session.scalars(
                select(PageRow).where(PageRow.document_id.in_(doc_pks)).order_by(PageRow.id)))
            finding_rows = list(session.scalars(
                select(FindingRow).where(FindingRow.case_id == case_id).order_by(FindingRow.position)))

        fields_of: dict[int, dict[str, dict[str, Any]]] = {}
        for fr in field_rows:
            fields_of.setdefault(fr.document_id, {})[fr.name] = {
                "name": fr.name, "value": fr.value, "raw": fr.raw, "conf": fr.conf,
                "page_no": fr.page_no, "box": _box(fr),
            }
        pages_of: dict[int, list[dict[str, Any]]] = {}
        for pr in page_rows:
            pages_of.setdefault(pr.document_id, []).append({
                "page_no": pr.page_no, "width": pr.width, "height": pr.height, "method": pr.method,
                "rotation": pr.rotation, "skew": pr.skew, "dpi": pr.dpi, "mean_conf": pr.mean_conf})
        items_of: dict[int, list[dict[str, Any]]] = {}
        for it in item_rows:
            items_of.setdefault(it.document_id, []).append({
                "line_no": it.line_no, "item_date": it.item_date, "item_name": it.item_name,
                "quantity": it.quantity, "unit_price": it.unit_price, "amount": it.amount,
                "row_type": it.row_type, "conf": it.conf, "page_no": it.page_no, "box": _box(it),
                "repaired": it.repaired.split(";") if it.repaired else [],
                "catalogue_code": it.catalogue_code, "catalogue_name": it.catalogue_name,
                "category": it.category, "match_score": it.match_score,
            })
        return {
            "case": {
                "case_id": c.case_id, "claim_type": c.claim_type,
                "claim_type_inferred": c.claim_type_inferred, "status": c.status,
                "reasons": c.reasons.split(";") if c.reasons else [], "total_claimed": c.total_claimed,
                "n_documents": c.n_documents, "n_pages": c.n_pages, "manifest": c.manifest or {},
                "first_run_id": c.first_run_id, "last_run_id": c.last_run_id,
                "first_seen": _aware(c.first_seen), "updated_at": _aware(c.updated_at),
                "version": c.version,
            },
            "documents": [
                {"doc_id": d.doc_id, "position": d.position, "source_file": d.source_file,
                 "pages": d.pages, "doc_type": d.doc_type, "confidence": d.confidence,
                 "unreadable": d.unreadable, "n_pages": d.n_pages,
                 "fields": fields_of.get(d.id, {}), "line_items": items_of.get(d.id, []),
                 "pages_read": pages_of.get(d.id, [])}
                for d in docs
            ],
            "findings": [
                {"code": f.code, "severity": f.severity, "message": f.message, "doc_id": f.doc_id,
                 "accepted": f.accepted,
                 "field": f.field, "line_no": f.line_no, "source_file": f.source_file}
                for f in finding_rows
            ],
        }


# ------------------------------------------------------------------------------------------- internal


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        _sqlite_events(engine, in_memory=url.database in (None, "", ":memory:"))
        return engine
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_events(engine: Engine, in_memory: bool) -> None:
    """Foreign keys on, a busy timeout, WAL; and our own BEGIN (IMMEDIATE for writes), since pysqlite
    would start a transaction only at the first write and then fail at once on a lock."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN; `_on_begin` emits it
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            if not in_memory:
                _wal(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("claims_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _wal(cursor: Any) -> None:
    """Switch the file to WAL. The switch needs the file to itself and SQLite does not wait for
    it as it waits for other locks: a connection opened while another one is migrating a fresh
    file retries for the busy timeout (the mode is the file's: once one connection set it, it
    stays)."""
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _advice(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return ("check that the folder of the database file exists and is writable, "
                "or pass another --db URL")
    return "check that the database server is running and reachable and that the --db URL is right"


def _delete_children(session: Session, case_ids: list[str]) -> None:
    """Delete the documents (with their fields and line items) and findings of these cases."""
    doc_pks = select(DocumentRow.id).where(DocumentRow.case_id.in_(case_ids))
    plain = {"synchronize_session": False}  # none of these rows is loaded in the session
    session.execute(delete(FieldRow).where(FieldRow.document_id.in_(doc_pks)), execution_options=plain)
    session.execute(delete(PageRow).where(PageRow.document_id.in_(doc_pks)), execution_options=plain)
    session.execute(delete(LineItemRow).where(LineItemRow.document_id.in_(doc_pks)),
                    execution_options=plain)
    session.execute(delete(DocumentRow).where(DocumentRow.case_id.in_(case_ids)), execution_options=plain)
    session.execute(delete(FindingRow).where(FindingRow.case_id.in_(case_ids)), execution_options=plain)


def _select_in(session: Session, query: Any, column: Any, wanted: list[str] | None) -> list[Any]:
    """Rows of `query`, restricted to `column IN wanted` (in chunks) unless `wanted` is None."""
    if wanted is None:
        return list(session.execute(query))
    rows: list[Any] = []
    for chunk in _chunks(wanted):
        rows.extend(session.execute(query.where(column.in_(chunk))))
    return rows
