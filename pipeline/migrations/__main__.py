"""`python -m pipeline.migrations COMMAND`: write a new revision, or look at and move a database's
revision. See the docstring of `pipeline.migrations` for the rules of a revision."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

from sqlalchemy import Connection, create_engine
from sqlalchemy.exc import SQLAlchemyError

from pipeline.migrations import config, current_revision, head, next_revision_id, target_metadata
from pipeline.store import Store, StoreError, default_url


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:  # current / downgrade: the database could not be used
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"error: the database failed ({reason}); check the --db URL", file=sys.stderr)
        return 2
    except Exception as exc:
        if type(exc).__name__ != "CommandError":  # Alembic's: an unknown revision and the like
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline.migrations",
                                     description="The store's schema migrations (Alembic).")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    db_help = "the database (default: a scratch SQLite file for revision/check, claims.db here otherwise)"

    p = sub.add_parser("revision", help="write versions/<next id>_<slug>.py from the models' changes")
    p.add_argument("-m", "--message", required=True, help="what the revision does, e.g. 'add the ledger'")
    p.add_argument("--empty", action="store_true", help="an empty revision to write by hand")
    p.add_argument("--db", metavar="URL", help=db_help)
    p.set_defaults(run=_revision)

    p = sub.add_parser("check", help="exit 1 when the models differ from the newest revision")
    p.add_argument("--db", metavar="URL", help=db_help)
    p.set_defaults(run=_check)

    p = sub.add_parser("current", help="print the database's revision and the newest one")
    p.add_argument("--db", metavar="URL", help=db_help)
    p.set_defaults(run=_current)

    p = sub.add_parser("upgrade", help="bring the database to the newest revision (Store.open does too)")
    p.add_argument("--db", metavar="URL", help=db_help)
    p.set_defaults(run=_upgrade)

    p = sub.add_parser("downgrade", help="take the database back to REV ('base': no tables)")
    p.add_argument("revision", metavar="REV")
    p.add_argument("--db", metavar="URL", help=db_help)
    p.set_defaults(run=_downgrade)
    return parser


@contextmanager
def _at_head(url: str | None) -> Iterator[Connection]:
    """A connection to `url` (default: a scratch SQLite database) brought to the newest revision."""
    with tempfile.TemporaryDirectory() as scratch:
        url = url or f"sqlite:///{Path(scratch) / 'scratch.db'}"
        Store.open(url).close()
        engine = create_engine(url)
        try:
            with engine.connect() as conn, conn.begin():
                yield conn
        finally:
            engine.dispose()


def _revision(args: argparse.Namespace) -> int:
    from alembic import command

    with _at_head(args.db) as conn:
        cfg = config(conn)
        if find_spec("ruff") is not None:  # tidy the new file: unused imports out, imports sorted
            cfg.set_section_option("post_write_hooks", "hooks", "ruff")
            cfg.set_section_option("post_write_hooks", "ruff.type", "module")
            cfg.set_section_option("post_write_hooks", "ruff.module", "ruff")
            cfg.set_section_option("post_write_hooks", "ruff.options",
                                   "check --fix --exit-zero --quiet REVISION_SCRIPT_FILENAME")
        script = command.revision(cfg, message=args.message, autogenerate=not args.empty,
                                  rev_id=next_revision_id())
    scripts = script if isinstance(script, list) else [script]
    for s in scripts:
        if s is not None:
            print(f"wrote {s.path}: read it, then run .venv/bin/pytest -q tests/test_migrations.py")
    return 0


def _check(args: argparse.Namespace) -> int:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with _at_head(args.db) as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, target_metadata())
    if diff:
        print(f"the models differ from revision {head()}; write a new one with "
              "`python -m pipeline.migrations revision -m '...'`:")
        for change in diff:
            print(f"  {change}")
        return 1
    print(f"the models match revision {head()}")
    return 0


def _current(args: argparse.Namespace) -> int:
    engine = create_engine(args.db or default_url())
    try:
        with engine.connect() as conn:
            print(f"{current_revision(conn) or 'none'} (newest: {head()})")
    finally:
        engine.dispose()
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    Store.open(args.db or default_url()).close()
    return _current(args)


def _downgrade(args: argparse.Namespace) -> int:
    from alembic import command

    engine = create_engine(args.db or default_url())
    try:
        with engine.connect() as conn, conn.begin():
            command.downgrade(config(conn), args.revision)
    finally:
        engine.dispose()
    return _current(args)


if __name__ == "__main__":
    sys.exit(main())
