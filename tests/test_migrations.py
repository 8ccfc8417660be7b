"""The store's schema migrations, on SQLite and a real PostgreSQL (conftest's `db_url`): what the
revisions build equals the models, old databases are brought forward with their data, a newer one is
refused, concurrent openers do not collide, and a revision added as a file is all it takes."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pandas.testing import assert_frame_equal
from sqlalchemy import Connection, Index, MetaData, String, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

import pipeline.migrations as migrations
from pipeline.migrations import __main__ as cli
from pipeline.store import Store, StoreError, _engine
from pipeline.tables import cases_frame, documents_frame, findings_frame, line_items_frame
from tests.test_store import make_case

ROOT = Path(__file__).resolve().parents[1]
FRAMES = {"cases": cases_frame, "documents": documents_frame, "line_items": line_items_frame,
          "findings": findings_frame}
# The types that `create_all` gave before migrations (claims up to the first release of the store).
LEGACY_LENGTHS = {("cases", "case_id"): 255, ("cases", "claim_type"): 64, ("cases", "total_claimed"): 64,
                  ("documents", "case_id"): 255, ("documents", "doc_id"): 255,
                  ("line_items", "catalogue_code"): 255, ("findings", "case_id"): 255,
                  ("findings", "doc_id"): 255}


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def schema_diff(url: str, compare_type: bool = True) -> list[object]:
    """What alembic's autogenerate would change to make the database equal the models."""
    with connect(url) as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
        return list(compare_metadata(context, migrations.target_metadata()))


def revision_of(url: str) -> str | None:
    with connect(url) as conn:
        return migrations.current_revision(conn)


# Columns that revisions after 0001 added to the tables of those days.
LATER_COLUMNS = {"runs": ("owner", "heartbeat_at", "report"), "cases": ("version",),
                 "findings": ("accepted",)}


def legacy_metadata() -> MetaData:
    """The schema `Base.metadata.create_all` made before migrations: VARCHARs, fields on (name, value)."""
    old = MetaData()
    for table in migrations.target_metadata().sorted_tables:
        if table.name in migrations.INITIAL_TABLES:
            table.to_metadata(old)
    for (name, column), length in LEGACY_LENGTHS.items():
        old.tables[name].c[column].type = String(length)
    for name, columns in LATER_COLUMNS.items():
        for later in columns:
            old.tables[name]._columns.remove(old.tables[name].c[later])
    fields = old.tables["fields"]
    fields.indexes = {ix for ix in fields.indexes if ix.name != "ix_fields_name"}
    Index("ix_fields_name_value", fields.c.name, fields.c.value)
    return old


def test_upgrading_an_empty_database_gives_the_models(db_url: str) -> None:
    Store.open(db_url).close()
    assert revision_of(db_url) == migrations.head()
    assert schema_diff(db_url) == []


def test_opening_a_store_at_head_does_not_load_alembic(db_url: str) -> None:
    """Opening an up-to-date store is one look at alembic_version: Alembic is not even imported."""
    Store.open(db_url).close()
    probe = ("import sys; from pipeline.store import Store; Store.open(sys.argv[1]).close(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    done = subprocess.run([sys.executable, "-c", probe, db_url], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _legacy_rows(cases: list, tmp: Path) -> dict[str, list[dict]]:
    """The rows these cases had in the tables of those days: saved by today's store into a
    scratch file, then only the columns of that schema kept."""
    with Store.open(f"sqlite:///{tmp / 'scratch.db'}") as scratch:
        run = scratch.begin_run("/inbox")
        for case in cases:
            scratch.save_case(run, case)
    engine = create_engine(f"sqlite:///{tmp / 'scratch.db'}")
    rows: dict[str, list[dict]] = {}
    with engine.connect() as conn:
        for table in legacy_metadata().sorted_tables:
            rows[table.name] = [dict(r._mapping) for r in conn.execute(select(table))]
    engine.dispose()
    return rows


def test_a_create_all_database_is_adopted_with_its_cases(db_url: str, tmp_path: Path) -> None:
    url = make_url(db_url)
    engine = _engine(url)
    legacy = legacy_metadata()
    legacy.create_all(engine)
    cases = [make_case("C001", "111"), make_case("C002", "222")]
    rows = _legacy_rows(cases, tmp_path)
    with engine.begin() as conn:  # the store of those days, as it held these cases
        for table in legacy.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        run = conn.execute(text("SELECT MIN(id) FROM runs")).scalar_one()
        if url.get_backend_name() == "postgresql":  # rows copied with their ids: move the sequences on
            for table in legacy.sorted_tables:
                if "id" in table.c:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"))
    if url.get_backend_name() == "postgresql":  # the limits that 0001 lifts
        with pytest.raises(DBAPIError, match="too long"), engine.begin() as conn:
            conn.execute(legacy.tables["cases"].insert(), [{**rows["cases"][0], "case_id": "C" * 300}])
    engine.dispose()

    with Store.open(db_url) as store:
        after = store.export()
        for name, build in FRAMES.items():
            assert_frame_equal(after[name], build(cases), obj=name)
        store.save_case(store.begin_run("/inbox"), make_case("C" * 300, "333"))
        assert store.invoice_owners(["111"]) == {"111": [("C001", run, "d1")]}
    assert revision_of(db_url) == migrations.head()
    # SQLite keeps the old declared types (it has no ALTER COLUMN TYPE, and enforces no length)
    assert schema_diff(db_url, compare_type=url.get_backend_name() == "postgresql") == []


def test_a_database_with_part_of_the_tables_is_refused(db_url: str) -> None:
    with connect(db_url) as conn, conn.begin():
        conn.execute(text("CREATE TABLE runs (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StoreError, match="not a claims database"):
        Store.open(db_url)
    with connect(db_url) as conn:
        assert set(inspect(conn).get_table_names()) == {"runs"}  # nothing was created


def test_a_migration_that_cannot_write_is_a_store_error(db_url: str) -> None:
    """A database that needs migrating, opened by a user who may not create tables."""
    url = make_url(db_url)
    engine = _engine(url)  # the store's engine: a SQLite file in WAL mode, as the store leaves it
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE unrelated (id INTEGER)"))
    engine.dispose()
    if url.get_backend_name() == "sqlite":
        denied = f"sqlite:///file:{url.database}?mode=ro&uri=true"
        advice = "writable"
    else:
        role = f"reader_{url.database}"
        with connect(db_url) as conn, conn.begin():
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        denied = url.set(username=role, password="secret").render_as_string(hide_password=False)
        advice = "may create and alter tables"
    try:
        with pytest.raises(StoreError, match=advice) as caught:
            Store.open(denied)
    finally:
        if url.get_backend_name() == "postgresql":
            with connect(db_url) as conn, conn.begin():
                conn.execute(text(f'DROP ROLE "{role}"'))
    message = str(caught.value)
    assert "nothing was changed" in message and "secret" not in message
    assert revision_of(db_url) is None


def test_a_database_of_a_newer_claims_is_refused(db_url: str) -> None:
    Store.open(db_url).close()
    with connect(db_url) as conn, conn.begin():
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="upgrade claims") as caught:
        Store.open(db_url)
    assert "9999" in str(caught.value)
    assert revision_of(db_url) == "9999"


def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    with Store.open(db_url) as store:
        store.save_case(store.begin_run("/inbox"), make_case("C001"))
    with connect(db_url) as conn, conn.begin():
        command.downgrade(migrations.config(conn), "base")
    with connect(db_url) as conn:
        assert set(inspect(conn).get_table_names()) <= {migrations.VERSION_TABLE}
    assert revision_of(db_url) is None
    with Store.open(db_url) as store:
        assert store.case_ids() == []
        store.save_case(store.begin_run("/inbox"), make_case("C001"))
        assert store.case_ids() == ["C001"]
    assert schema_diff(db_url) == []


OPENER = """
import sys, time
from pathlib import Path
from pipeline.store import Store
ready, go, url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
ready.touch()
while not go.exists():
    time.sleep(0.001)
Store.open(url).close()
"""


def test_processes_opening_a_fresh_database_at_once_both_succeed(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = []
    for n in range(3):
        ready = tmp_path / f"ready{n}"
        procs.append((ready, subprocess.Popen([sys.executable, "-c", OPENER, str(ready), str(go), db_url],
                                              cwd=ROOT, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in procs) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    for _, proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with connect(db_url) as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            migrations.head()]
    assert schema_diff(db_url) == []


def test_threads_opening_a_fresh_database_at_once_all_succeed(db_url: str) -> None:
    """The review app's threads may open their stores at the same moment as the batch."""
    barrier = threading.Barrier(4)

    def open_store() -> list[str]:
        barrier.wait(timeout=30)
        with Store.open(db_url) as store:
            return store.case_ids()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: open_store(), range(4))) == [[]] * 4
    assert revision_of(db_url) == migrations.head()
    assert schema_diff(db_url) == []


def test_migrating_sqlite_leaves_foreign_keys_on(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'claims.db'}") as store, store._session("checking") as session:
        assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_an_in_memory_sqlite_store_works() -> None:
    with Store.open("sqlite://") as store:
        store.save_case(store.begin_run("/inbox"), make_case("C001"))
        assert store.case_ids() == ["C001"]


def test_revision_files_follow_the_rules() -> None:
    """Store.open reads the newest revision from the file names; Alembic must agree with them."""
    script = ScriptDirectory.from_config(migrations.config())
    ids = migrations.revisions()
    assert ids[0] == migrations.INITIAL
    assert script.get_heads() == [migrations.head()]
    assert sorted(r.revision for r in script.walk_revisions()) == ids
    for older, newer in itertools.pairwise(ids):
        assert script.get_revision(newer).down_revision == older
    for path in migrations.VERSIONS.glob("*.py"):
        revision = script.get_revision(path.name[:4])
        assert revision is not None and Path(revision.path).name == path.name


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of versions/ that the migrations read instead of the package's own."""
    folder = tmp_path / "versions"
    shutil.copytree(migrations.VERSIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "VERSIONS", folder)
    return folder


NEXT_REVISION = '''"""A column on cases, altered the way SQLite needs.

Revision ID: {rev}
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:  # SQLite: a copy of the table, the old one dropped
        batch.add_column(sa.Column("reviewer", sa.Text(), nullable=True))
        batch.alter_column("claim_type", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("claim_type", existing_type=sa.Text(), nullable=False)
        batch.drop_column("reviewer")
'''


def test_an_added_revision_file_is_applied_and_keeps_the_data(db_url: str, versions: Path) -> None:
    """A revision added as a file is picked up by Store.open; a batch ALTER of `cases` (on SQLite: a
    copy of the table, the old one dropped) keeps the cases' documents and findings."""
    with Store.open(db_url) as store:
        store.save_case(store.begin_run("/inbox"), make_case("C001"))
        before = store.export()
    rev, down = migrations.next_revision_id(), migrations.head()
    (versions / f"{rev}_cases_reviewer.py").write_text(NEXT_REVISION.format(rev=rev, down=down))
    assert migrations.head() == rev

    with Store.open(db_url) as store:
        after = store.export()
    assert revision_of(db_url) == rev
    for name in FRAMES:
        assert_frame_equal(after[name], before[name], obj=name)
    with connect(db_url) as conn:
        columns = {c["name"]: c for c in inspect(conn).get_columns("cases")}
        assert "reviewer" in columns and columns["claim_type"]["nullable"]
        command.downgrade(migrations.config(conn), migrations.INITIAL)
        conn.commit()
    assert revision_of(db_url) == migrations.INITIAL
    with Store.open(db_url) as store:  # back at head, the cases still whole
        assert_frame_equal(store.export()["documents"], before["documents"])


def test_revision_command_writes_the_next_file(versions: Path, capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    assert cli.main(["check"]) == 0
    assert f"match revision {migrations.head()}" in capsys.readouterr().out
    rev = migrations.next_revision_id()
    assert cli.main(["revision", "-m", "Nothing yet!", "--empty"]) == 0
    written = versions / f"{rev}_nothing_yet.py"
    assert written.is_file()
    assert migrations.head() == rev
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(written)],
                          cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    Store.open(url).close()
    assert revision_of(url) == rev
