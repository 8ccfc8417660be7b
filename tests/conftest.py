"""Fixtures shared by test files.

Databases: request `db_url` to run a test on both backends (a fresh SQLite file, and a fresh
database on a real PostgreSQL server); `pg_url` for PostgreSQL alone. The server is started once per
session, only when a test needs it (`tests/postgres.py`), and stopped at the end; `pytest --db
postgresql://user@host:port/dbname` uses a running server instead (each test still gets a database
of its own on it; the user needs the CREATEDB right). Without PostgreSQL binaries and without
`--db`, the PostgreSQL tests are skipped, or fail when the CI variable is set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import ExistingServer, LocalServer, PostgresUnavailable, start_server

BACKENDS = ("sqlite", "postgresql")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Prefect stops its temporary API server at interpreter exit and logs it to streams pytest
    has closed by then; the logging module would print a traceback of that about nothing."""
    logging.raiseExceptions = False


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", metavar="URL", default=None,
        help="a running PostgreSQL server for the PostgreSQL side of the store tests, e.g. "
             "postgresql://postgres@127.0.0.1:5432/postgres; each test creates its own database on "
             "it. Default: a private server started from the Debian package's binaries.")


def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("--db")
    if given:
        try:
            ExistingServer.from_url(given)
        except Exception as exc:
            raise pytest.UsageError(f"--db {given.split('@')[-1]}: {exc}") from None


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One OCR cache for the whole session: the demo inbox is read by several test files, and
    OCRed once (never the user's `.claims-cache`)."""
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[LocalServer | ExistingServer]:
    """The PostgreSQL server of this session: `--db`'s, or one of our own (stopped at the end, also
    when tests failed)."""
    given = request.config.getoption("--db")
    if given:
        yield ExistingServer.from_url(given)
        return
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the PostgreSQL tests cannot run: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: LocalServer | ExistingServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'claims.db'}"
    return str(request.getfixturevalue("pg_url"))
