"""The store's schema migrations (Alembic), shipped inside the package: no alembic.ini anywhere.

`Store.open` calls `upgrade_to_head(engine)`, which brings any database to the newest revision:

- at the newest revision already: one look at `alembic_version`, nothing else (Alembic itself is
  not even imported, so opening a store stays a matter of milliseconds);
- empty: every revision is run;
- made by claims before migrations existed (its tables, no `alembic_version`): made equal to
  `0001` (`adopt_legacy`), stamped `0001`, then upgraded;
- at a revision this code does not know (a newer claims wrote it): `SchemaTooNewError`.

Migrating happens in one transaction that holds the database's write lock, so two processes opening
a fresh database at once do not both create the tables: `pg_advisory_xact_lock` on PostgreSQL, the
store's `BEGIN IMMEDIATE` on SQLite (the second process waits, then finds the schema at the newest
revision). On SQLite, foreign keys are off while migrating (a batch ALTER copies a table and drops the
old one, and with foreign keys on, that drop would run ON DELETE CASCADE on its children) and
`PRAGMA foreign_key_check` must find nothing before the commit.

Adding a revision: the only thing needed is a new file in `versions/`. Generate it with

    .venv/bin/python -m pipeline.migrations revision -m "add the ledger"

which brings a scratch SQLite database to the newest revision, compares it with the models and
writes `versions/<NNNN>_<slug>.py` with the next number (0002, 0003, ...) and `down_revision` set
to the previous one. The models are `target_metadata()`: the tables on `pipeline.store.Base` of
the modules in `MODEL_MODULES` (a module that defines tables there must be listed in it). Add
`--empty` for a hand-written revision (data migrations), `--db URL` to compare with another
database (it is upgraded first). Read what autogenerate wrote: it sees added and dropped tables,
columns, indexes and type changes, not renames. ALTERs come out as `op.batch_alter_table` (SQLite
cannot ALTER most things; batch copies the table there, and is a plain ALTER on PostgreSQL).
Then `.venv/bin/pytest -q tests/test_migrations.py` checks, on SQLite and PostgreSQL, that
upgrading an empty database gives exactly the models, that downgrading works, and that the files
follow the rules: revision ids are four digits, files are named `<id>_<slug>.py`, the history is
one line (`Store.open` learns the newest revision from the file names).

Other commands: `check` (exit 1 when the models need a new revision), and `current`, `upgrade`,
`downgrade REV` on `--db URL` (default: claims.db in the working directory).
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

# Every module that defines tables on pipeline.store.Base: what the migrations must create.
MODEL_MODULES = ("pipeline.store", "pipeline.ledger", "pipeline.review")

SCRIPT_LOCATION = Path(__file__).resolve().parent
VERSIONS = SCRIPT_LOCATION / "versions"
VERSION_TABLE = "alembic_version"
INITIAL = "0001"  # the revision of the schema that claims made with create_all before migrations
INITIAL_TABLES = ("runs", "cases", "documents", "fields", "line_items", "findings")
# Columns that were VARCHAR(n) under create_all and are TEXT from 0001 on (altered on PostgreSQL
# only: SQLite does not enforce lengths, and cannot ALTER a column's type in place).
LEGACY_WIDENED = {
    "cases": ("case_id", "claim_type", "total_claimed"),
    "documents": ("case_id", "doc_id"),
    "line_items": ("catalogue_code",),
    "findings": ("case_id", "doc_id"),
}
PG_LOCK_KEY = 0x636C61696D73  # "claims": the advisory lock that serialises migrations
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")
_ALEMBIC = threading.Lock()  # alembic.context is one global: one migration at a time per process


class MigrationError(Exception):
    """The schema could not be brought to the newest revision; the message says why."""


class SchemaTooNewError(MigrationError):
    """The database is at a revision this code does not know: a newer claims wrote it."""

    def __init__(self, found: str, head: str) -> None:
        super().__init__(f"the database is at schema revision {found}, newer than {head}")
        self.found = found
        self.head = head


def revisions() -> list[str]:
    """The revision ids of `versions/`, oldest first (from the file names: no Alembic import)."""
    found = (_REVISION_FILE.match(p.name) for p in VERSIONS.iterdir())
    return sorted(m.group(1) for m in found if m)


def head() -> str:
    """The newest revision id."""
    return revisions()[-1]


def next_revision_id() -> str:
    """The id a new revision file gets: one more than the newest, four digits."""
    return f"{int(head()) + 1:04d}"


def target_metadata() -> MetaData:
    """The tables of the models (all of `MODEL_MODULES` imported): what head must equal."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    from pipeline.store import Base

    return Base.metadata


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code: the scripts of this package, and `connection` (the
    one `env.py` migrates, inside its transaction) in `attributes["connection"]`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("version_locations", str(VERSIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, or None when it has no `alembic_version` (empty, or
    made before migrations)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise MigrationError(f"{VERSION_TABLE} holds several revisions ({', '.join(rows)}); "
                             "the schema history of claims is one line: repair that table")
    return rows[0] if rows else None


def upgrade_to_head(engine: Engine, writer: Engine | None = None) -> None:
    """Bring the database of `engine` to the newest revision (see the module's docstring).

    `writer` is the engine whose transactions take the write lock (the store's: `BEGIN IMMEDIATE`
    on SQLite); default `engine`. Raises `SchemaTooNewError` for a database of a newer claims,
    `MigrationError` for one that is not a claims database, SQLAlchemy's errors for the rest.
    """
    with engine.connect() as conn:  # no write lock: a batch writing meanwhile does not hold us up
        current = current_revision(conn)
    if current == head():
        return
    try:
        with _migration_transaction(writer if writer is not None else engine) as conn:
            _migrate(conn)
    except SQLAlchemyError as exc:
        raise MigrationError(
            f"bringing its schema to revision {head()} failed, nothing was changed ({_first_line(exc)}); "
            "check that the database user may create and alter tables (SQLite: that the file and its "
            "folder are writable), or pass another --db URL") from exc


def _first_line(exc: SQLAlchemyError) -> str:
    """The driver's own words, first line (SQLAlchemy adds the SQL and a link)."""
    inner = getattr(exc, "orig", None) or exc
    return (str(inner).strip() or type(inner).__name__).splitlines()[0]


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the database's write lock until it ends."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # not inside a transaction: SQLite ignores this PRAGMA there
            _sqlite_pragma(conn, "PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
                yield conn
                if sqlite:
                    _check_foreign_keys(conn)
        finally:
            if sqlite:
                try:
                    _sqlite_pragma(conn, "PRAGMA foreign_keys=ON")
                except Exception:
                    conn.invalidate()  # never hand a connection without foreign keys back to the pool
                    raise


def _sqlite_pragma(conn: Connection, statement: str) -> None:
    """Run `statement` on the DBAPI connection itself (SQLAlchemy would begin a transaction)."""
    dbapi: Any = conn.connection.driver_connection
    dbapi.execute(statement)


def _check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise MigrationError(f"migrating would leave rows whose parents are missing in {', '.join(tables)}; "
                             "nothing was changed: report this with the database")


def _migrate(conn: Connection) -> None:
    """Under the write lock: look again (another process may have migrated meanwhile), then stamp a
    database of the create_all days and run the revisions it lacks."""
    current = current_revision(conn)
    newest = head()
    if current == newest:
        return
    if current is not None and current not in revisions():
        raise SchemaTooNewError(current, newest)

    from alembic import command
    from alembic.util import CommandError

    cfg = config(conn)
    with _ALEMBIC:
        try:
            if current is None and adopt_legacy(conn):
                command.stamp(cfg, INITIAL)
            command.upgrade(cfg, "head")
        except CommandError as exc:
            raise MigrationError(f"its migrations failed ({exc}), nothing was changed; report this "
                                 "with the output of `python -m pipeline.migrations current`") from None


def adopt_legacy(conn: Connection) -> bool:
    """Make a database that create_all made (all the tables of 0001, no `alembic_version`) equal to
    revision 0001 and return True; return False for one without any of the tables.

    The differences: the fields' index on (name, value) is one on name (PostgreSQL refuses index
    rows over 2704 bytes), and on PostgreSQL the columns of `LEGACY_WIDENED` become TEXT.
    """
    present = set(inspect(conn).get_table_names()) & set(INITIAL_TABLES)
    if not present:
        return False
    if present != set(INITIAL_TABLES):
        missing = sorted(set(INITIAL_TABLES) - present)
        raise MigrationError(
            f"the database has some of the tables of claims but not {', '.join(missing)}, and no "
            f"{VERSION_TABLE}: it is not a claims database, or a damaged one; pass another --db URL")
    if "ix_fields_name_value" in {ix["name"] for ix in inspect(conn).get_indexes("fields")}:
        conn.exec_driver_sql("DROP INDEX ix_fields_name_value")
        conn.exec_driver_sql("CREATE INDEX ix_fields_name ON fields (name)")
    if conn.dialect.name == "postgresql":
        for table, columns in LEGACY_WIDENED.items():
            for column in columns:
                conn.exec_driver_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE TEXT')
    return True
