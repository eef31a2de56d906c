"""Start and stop a throwaway local PostgreSQL server (tests, ``make up``), no Docker needed.

The server lives entirely in one temp folder (data, unix socket, log), listens on 127.0.0.1 on a free
port with trust auth, and is removed on stop. PostgreSQL refuses to run as root, so under root the
binaries run as the ``postgres`` system user and the folder is handed to it.

CLI: ``python -m support_curation.devenv.local_postgres start [--db NAME]`` prints ``URL`` and ``DIR``;
``python -m support_curation.devenv.local_postgres stop DIR`` stops and removes it.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SERVICE_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries (initdb, pg_ctl) are not installed or not usable here."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (small race window; fine for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def find_bindir() -> Path:
    """The server binaries folder: ``$PG_BINDIR``, else ``pg_config --bindir``, else ``initdb`` on PATH."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    # Debian keeps the server binaries off PATH
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL 15 "
        "(e.g. `apt-get install postgresql-15`), set PG_BINDIR, or point CURATION_TEST_POSTGRES_URL "
        "at a running server"
    )


@dataclass
class LocalPostgres:
    """A running throwaway server; ``url`` is a SQLAlchemy URL for ``database``."""

    bindir: Path
    base_dir: Path
    port: int
    database: str
    run_as: str | None

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{self.database}"

    def _cmd(self, args: list[str]) -> list[str]:
        # runuser keeps the caller's environment minimal and needs no password (root only)
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else args

    def _run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            self._cmd(args), capture_output=True, text=True, timeout=timeout, check=False, cwd=self.base_dir
        )
        if proc.returncode != 0:
            log = self.base_dir / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}\n{tail}"
            )
        return proc

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)


def start(database: str = "helpdesk", *, port: int | None = None, base: str | None = None) -> LocalPostgres:
    """initdb into a fresh temp folder, start on 127.0.0.1, create ``database``; caller must ``stop()``."""
    bindir = find_bindir()
    run_as: str | None = None
    # /tmp by default: every parent must be traversable by the postgres user when we run as root
    base_dir = Path(tempfile.mkdtemp(prefix="curation-pg-", dir=base or "/tmp"))
    if os.geteuid() == 0:
        run_as = SERVICE_USER
        try:
            user = pwd.getpwnam(SERVICE_USER)
        except KeyError as exc:
            shutil.rmtree(base_dir, ignore_errors=True)
            raise PostgresUnavailable(
                "running as root, and PostgreSQL refuses root: a `postgres` system user is needed"
            ) from exc
        os.chown(base_dir, user.pw_uid, user.pw_gid)
    server = LocalPostgres(bindir, base_dir, port or free_port(), database, run_as)
    try:
        server._run(
            [
                str(bindir / "initdb"),
                "-D",
                str(server.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {server.port} -k {base_dir} "
            # a test server: durability off makes it start and write fast
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        server._run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(server.data_dir),
                "-l",
                str(base_dir / "server.log"),
                "-o",
                opts,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        _create_database(server)
    except BaseException:
        server.stop()
        raise
    return server


def _create_database(server: LocalPostgres) -> None:
    """CREATE DATABASE through psycopg2 (no psql needed); retried while the server finishes starting."""
    import psycopg2

    deadline = time.monotonic() + 30
    while True:
        try:
            conn = psycopg2.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="postgres")
            break
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (server.database,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{server.database}"')
    finally:
        conn.close()


def _stop_dir(base_dir: str) -> None:
    """Stop a server started by the CLI, found by its folder."""
    base = Path(base_dir)
    run_as = SERVICE_USER if os.geteuid() == 0 else None
    LocalPostgres(find_bindir(), base, 0, "", run_as).stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start_cmd = sub.add_parser("start")
    start_cmd.add_argument("--db", default="helpdesk")
    start_cmd.add_argument("--port", type=int, default=None)
    stop_cmd = sub.add_parser("stop")
    stop_cmd.add_argument("dir")
    args = parser.parse_args()
    if args.command == "start":
        server = start(args.db, port=args.port)
        print(f"URL={server.url}")
        print(f"DIR={server.base_dir}")
    else:
        _stop_dir(args.dir)


if __name__ == "__main__":
    main()
