"""A real PostgreSQL server for the tests, and one fresh database per test on it.

`start_server(root)` runs Debian's PostgreSQL binaries (`/usr/lib/postgresql/<ver>/bin`, the Debian
package `postgresql`) on a private cluster: `initdb -A trust` into a temporary folder, then
`pg_ctl start` listening on 127.0.0.1 at a free port with its socket in that folder. The system's own
cluster is never used. PostgreSQL refuses to run as root, so as root the cluster belongs to the
`postgres` user and every binary runs through `runuser -u postgres`. Durability is switched off
(fsync, synchronous_commit, full_page_writes): a test cluster that dies is thrown away anyway, and
CREATE DATABASE per test is much faster without it.

`ExistingServer(url)` is a server the developer already runs (`pytest --db postgresql://...`).

Both hand out databases with `create_database()` / `drop_database(name)`; `url(name)` is the
SQLAlchemy URL of one (`postgresql+psycopg://...`). Tests never share a database.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

SYSTEM_USER = "postgres"  # the Debian package's system user, owner of a cluster started as root
SUPERUSER = "postgres"  # the cluster's superuser (initdb -U)
DEBIAN_ROOT = Path("/usr/lib/postgresql")
START_TIMEOUT_S = 60
_SERVER_SETTINGS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                    "-c max_connections=100 -c shared_buffers=32MB")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here (or no way to run them); the message says what to install."""


def find_bin_dir() -> Path | None:
    """The bin folder of the newest PostgreSQL with `initdb` and `pg_ctl`: Debian's versioned
    folders first, then the PATH; None when there is none."""
    versions: list[tuple[int, Path]] = []
    if DEBIAN_ROOT.is_dir():
        for child in DEBIAN_ROOT.iterdir():
            bin_dir = child / "bin"
            if child.name.isdigit() and (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file():
                versions.append((int(child.name), bin_dir))
    if versions:
        return max(versions)[1]
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _new_db_name() -> str:
    return f"claims_test_{uuid.uuid4().hex[:12]}"


@dataclass
class _Databases:
    """CREATE / DROP DATABASE through the maintenance database of a server."""

    admin_url: URL  # a database on the server to connect to for CREATE DATABASE

    def url(self, name: str) -> str:
        """The SQLAlchemy URL of database `name` on this server (password included)."""
        url = self.admin_url.set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)

    def _connect(self) -> psycopg.Connection:
        u = self.admin_url
        return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                               dbname=u.database or "postgres", autocommit=True, connect_timeout=10)

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = _new_db_name()
        with self._connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, closing whatever connections a test left open to it."""
        with self._connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class ExistingServer(_Databases):
    """A server given with `--db URL`: databases are created on it, the server is left alone."""

    @classmethod
    def from_url(cls, url: str) -> ExistingServer:
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise ValueError(f"--db must be a postgresql:// URL, not {parsed.drivername}://")
        return cls(admin_url=parsed)

    def stop(self) -> None:
        """Nothing to stop: the server is not ours."""


@dataclass
class LocalServer(_Databases):
    """A cluster of our own in `data_dir`, started by `start_server`; `stop()` ends and deletes it."""

    data_dir: Path = field(default_factory=Path)
    bin_dir: Path = field(default_factory=Path)
    port: int = 0
    run_as: str | None = None  # the system user the binaries run as (when we are root)

    def stop(self) -> None:
        """Stop the server (fast: open connections are closed) and delete its folder."""
        try:
            if (self.data_dir / "postmaster.pid").exists():
                _run(self, "pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        log = self.data_dir.parent / "server.log"
        if not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _run(server: LocalServer, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(server.bin_dir / tool), *args]
    if server.run_as is not None:
        command = ["runuser", "-u", server.run_as, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=START_TIMEOUT_S)


def start_server() -> LocalServer:
    """Initialise and start a private cluster on a free port of 127.0.0.1.

    Raises `PostgresUnavailable` when no PostgreSQL binaries are installed (or, as root, there is no
    `postgres` user to run them as), and `RuntimeError` with the server's log when it fails to start.
    """
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            f"no PostgreSQL binaries (initdb, pg_ctl) under {DEBIAN_ROOT}/<version>/bin or on the PATH; "
            "install the Debian package `postgresql` (make test does), or point the tests at a "
            "running server with --db postgresql://user@host:port/dbname")
    run_as: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise PostgresUnavailable(
                f"PostgreSQL refuses to run as root and there is no {SYSTEM_USER!r} user to run it as; "
                "install the Debian package `postgresql` (it creates the user)") from None
        run_as = SYSTEM_USER
    root = Path(tempfile.mkdtemp(prefix="claims-pg-"))
    data_dir = root / "data"
    data_dir.mkdir()
    if run_as is not None:
        shutil.chown(root, user=run_as)
        shutil.chown(data_dir, user=run_as)
    server = LocalServer(admin_url=URL.create("postgresql+psycopg"), data_dir=data_dir, bin_dir=bin_dir,
                         run_as=run_as)
    try:
        _run(server, "initdb", "-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8",
             "-D", str(data_dir))
        _start(server, root)
    except BaseException:
        server.stop()
        raise
    return server


def _start(server: LocalServer, root: Path, attempts: int = 3) -> None:
    """`pg_ctl start` on a free port; another free port when that one was taken meanwhile."""
    log = root / "server.log"
    for attempt in range(attempts):
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {server.data_dir} {_SERVER_SETTINGS}"
        try:
            _run(server, "pg_ctl", "-D", str(server.data_dir), "-l", str(log), "-o", options, "-w",
                 "-t", str(START_TIMEOUT_S), "start")
        except subprocess.CalledProcessError as exc:
            in_use = re.search(r"could not bind|Address already in use", server.log_tail(50))
            if in_use and attempt + 1 < attempts:
                continue
            raise RuntimeError(f"PostgreSQL did not start ({exc.stderr.strip() or exc.stdout.strip()}):\n"
                               f"{server.log_tail()}") from None
        server.port = port
        server.admin_url = URL.create("postgresql+psycopg", username=SUPERUSER, host="127.0.0.1",
                                      port=port, database="postgres")
        return
