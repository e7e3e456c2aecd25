"""The embedded PostgreSQL server: shared by clients, stopped by the last one, robust to crashes.

Every test gets its own data folder (never ``var/pgdata``). Clients are real processes running Django
against ``FACTCHECK_DATA_DIR``; the fixtures kill what is left of them and stop any server still
running in the folder.

The data folders are not under ``tmp_path``: run as root, the library runs postgres as the
``pgserver`` user, which must reach the folder, and every pytest process that starts (any other test
run on the machine) makes ``/tmp/pytest-of-<user>`` private again, locking pg_ctl out mid-test.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import psutil
import pytest

from factcheck import embedded_db
from factcheck.embedded_db import prune_dead_clients, remove_stale_postmaster_pid

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
START_TIMEOUT = 60  # the first start of a folder runs initdb
STOP_TIMEOUT = 15

# Each test below starts and stops real servers (a few seconds each): FACTCHECK_SKIP_EMBEDDED_TESTS=1 skips them.
subprocess_heavy = pytest.mark.skipif(
    os.environ.get("FACTCHECK_SKIP_EMBEDDED_TESTS") == "1", reason="FACTCHECK_SKIP_EMBEDDED_TESTS=1"
)

# A client: connects through Django, prints its server's postmaster PID, then answers "query" lines on
# stdin with the same report and exits at end of input (or on a signal).
CLIENT = """
import json, os, sys
import django
django.setup()
from django.db import connection

def report():
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
        data_dir = cursor.fetchone()[0]
    with open(os.path.join(data_dir, "postmaster.pid")) as pid_file:
        postmaster = int(pid_file.readline())
    print(json.dumps({"client": os.getpid(), "postmaster": postmaster, "data_dir": data_dir}), flush=True)

report()
for line in sys.stdin:
    report()
"""


# --- helpers -------------------------------------------------------------------------------------------------


def _env(pgdata: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="factcheck.settings", FACTCHECK_ENV="test", FACTCHECK_DATA_DIR=str(pgdata))
    env.update(extra)
    return env


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, IndexError, ValueError):
        return None


def _server_pid(pgdata: Path) -> int | None:
    """The PID in ``postmaster.pid`` when it is a live postgres serving this folder (never anything else)."""
    pid = _postmaster_pid(pgdata)
    try:
        proc = psutil.Process(pid) if pid else None
        serves = proc is not None and proc.name() == "postgres" and str(pgdata.resolve()) in proc.cmdline()
    except psutil.Error:
        return None
    return pid if serves and _alive(pid) else None


def _server_running(pgdata: Path) -> bool:
    return _server_pid(pgdata) is not None


def _wait_until(condition, timeout: float = STOP_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _wait_stopped(pgdata: Path, postmaster: int) -> bool:
    return _wait_until(lambda: not (pgdata / "postmaster.pid").exists() and not _alive(postmaster))


def _handles(pgdata: Path) -> list[int]:
    return json.loads((pgdata / ".handle_pids.json").read_text() or "[]")


def _stop_server(pgdata: Path) -> None:
    """Leave no server behind: pg_ctl (as the library's system user), then a kill."""
    pid = _server_pid(pgdata)
    if pid is None:
        return
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR when the library is imported
        warnings.simplefilter("ignore")
        pg_ctl = embedded_db.psql_path().parent / "pg_ctl"
    user = "pgserver" if os.geteuid() == 0 else None
    subprocess.run([pg_ctl, "-D", pgdata, "-m", "immediate", "-w", "-t", "10", "stop"], user=user,
                   capture_output=True, timeout=20, check=False)
    if _server_pid(pgdata) == pid:
        psutil.Process(pid).kill()


class Client:
    """One client process and its output."""

    def __init__(self, pgdata: Path, log: Path):
        self.folder, self.log = pgdata, log
        self.proc = subprocess.Popen([PYTHON, "-c", CLIENT], cwd=ROOT, env=_env(pgdata), text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"))

    def report(self, timeout: float = START_TIMEOUT) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        assert line, f"client {self.proc.pid} gave no report; stderr:\n{self.log.read_text()}"
        return json.loads(line)

    def query(self) -> dict:
        self.proc.stdin.write("query\n")
        self.proc.stdin.flush()
        return self.report(timeout=STOP_TIMEOUT)

    def finish(self) -> int:
        self.proc.stdin.close()
        return self.proc.wait(timeout=STOP_TIMEOUT)

    def signal(self, signum: int) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def data_root():
    """A private temporary folder the server's system user can reach (see the module docstring)."""
    root = Path(tempfile.mkdtemp(prefix="factcheck-embedded-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pgdata(data_root):
    folder = data_root / "pgdata"
    try:
        yield folder
    finally:
        _stop_server(folder)


@pytest.fixture
def start_client(pgdata, tmp_path):
    """Start a client on ``pgdata`` (or another folder); every client is killed at teardown."""
    clients: list[Client] = []

    def start(folder: Path = pgdata) -> Client:
        clients.append(Client(folder, tmp_path / f"client-{len(clients)}.log"))
        return clients[-1]

    try:
        yield start
    finally:
        for client in clients:
            if client.proc.poll() is None:
                client.proc.kill()
            client.proc.wait(timeout=10)
        for folder in {client.folder for client in clients}:
            _stop_server(folder)


def _manage(pgdata: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=_env(pgdata, **env), input=stdin,
                          capture_output=True, text=True, timeout=START_TIMEOUT)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


# --- prune_dead_clients (plain files) ------------------------------------------------------------------------


def test_it_prunes_nothing_when_there_is_no_handle_file(tmp_path):
    assert prune_dead_clients(tmp_path) == []
    assert not (tmp_path / ".handle_pids.json").exists()


def test_it_keeps_live_clients_and_drops_dead_ones(tmp_path):
    handle_file = tmp_path / ".handle_pids.json"
    dead = _dead_pid()
    handle_file.write_text(json.dumps([os.getpid(), dead, "junk"]))
    assert prune_dead_clients(tmp_path) == [os.getpid()]
    assert json.loads(handle_file.read_text()) == [os.getpid()]


def test_it_treats_a_zombie_client_as_dead(tmp_path):
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        assert _wait_until(lambda: psutil.Process(zombie.pid).status() == psutil.STATUS_ZOMBIE, 10)
        (tmp_path / ".handle_pids.json").write_text(json.dumps([zombie.pid, os.getpid()]))
        assert prune_dead_clients(tmp_path) == [os.getpid()]
    finally:
        zombie.wait()


def test_it_leaves_an_all_live_handle_file_untouched(tmp_path):
    handle_file = tmp_path / ".handle_pids.json"
    handle_file.write_text(f"[{os.getpid()}]")  # not json.dumps' spacing: a rewrite would show
    before = handle_file.stat().st_mtime_ns
    assert prune_dead_clients(tmp_path) == [os.getpid()]
    assert handle_file.read_text() == f"[{os.getpid()}]"
    assert handle_file.stat().st_mtime_ns == before


@pytest.mark.parametrize("content", ["", "[12", "not json"])
def test_it_repairs_an_unreadable_handle_file(tmp_path, content):
    # The library reads this file with json.loads before adding the next client: it must be valid JSON after.
    handle_file = tmp_path / ".handle_pids.json"
    handle_file.write_text(content)
    assert prune_dead_clients(tmp_path) == []
    assert json.loads(handle_file.read_text() or "[]") == []


# --- remove_stale_postmaster_pid (plain files) ---------------------------------------------------------------


def test_it_removes_nothing_when_there_is_no_postmaster_pid(tmp_path):
    assert remove_stale_postmaster_pid(tmp_path) is False


@pytest.mark.parametrize("first_line", ["self", "dead", "garbage", ""])
def test_it_removes_a_postmaster_pid_not_owned_by_a_live_postgres(tmp_path, first_line):
    pid = {"self": str(os.getpid()), "dead": str(_dead_pid())}.get(first_line, first_line)
    (tmp_path / "postmaster.pid").write_text(f"{pid}\n{tmp_path}\n" if pid else "")
    assert remove_stale_postmaster_pid(tmp_path) is True
    assert not (tmp_path / "postmaster.pid").exists()


@pytest.fixture
def fake_postgres(tmp_path):
    """Start processes the kernel names ``postgres`` (after their executable) that claim to serve a folder."""
    executable = tmp_path / "bin" / "postgres"
    executable.parent.mkdir()
    executable.symlink_to(Path(sys.executable).resolve())
    procs: list[subprocess.Popen] = []

    def start(folder: Path) -> subprocess.Popen:
        folder.mkdir(parents=True, exist_ok=True)
        procs.append(subprocess.Popen([executable, "-c", "import time; time.sleep(120)", "-D", folder], cwd=folder))
        assert _wait_until(lambda: psutil.Process(procs[-1].pid).name() == "postgres", 5)
        return procs[-1]

    try:
        yield start
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_it_keeps_the_postmaster_pid_of_the_live_postgres_serving_the_folder(tmp_path, fake_postgres):
    server = fake_postgres(tmp_path)
    (tmp_path / "postmaster.pid").write_text(f"{server.pid}\n{tmp_path}\n")
    assert remove_stale_postmaster_pid(tmp_path) is False
    assert (tmp_path / "postmaster.pid").exists()


def test_it_removes_a_postmaster_pid_naming_the_postgres_of_another_folder(tmp_path, fake_postgres):
    # After a reboot, the old postmaster's PID may belong to another cluster's postgres.
    other = fake_postgres(tmp_path / "other-cluster")
    (tmp_path / "postmaster.pid").write_text(f"{other.pid}\n{tmp_path}\n")
    assert remove_stale_postmaster_pid(tmp_path) is True
    assert not (tmp_path / "postmaster.pid").exists()


# --- the server shared by client processes -------------------------------------------------------------------


@subprocess_heavy
def test_it_shares_one_server_and_the_last_client_stops_it(pgdata, start_client):
    first = start_client()
    postmaster = first.report()["postmaster"]
    second = start_client()
    assert second.report()["postmaster"] == postmaster
    assert sorted(_handles(pgdata)) == sorted([first.proc.pid, second.proc.pid])

    assert first.finish() == 0
    assert _server_running(pgdata) and _postmaster_pid(pgdata) == postmaster
    assert second.query()["postmaster"] == postmaster
    assert _handles(pgdata) == [second.proc.pid]

    assert second.finish() == 0
    assert _wait_stopped(pgdata, postmaster), "the server outlived its last client"


@subprocess_heavy
def test_it_shares_one_server_between_clients_starting_at_once(pgdata, start_client):
    # The first start of a folder: every client also tries to create the app's database.
    clients = [start_client() for _ in range(4)]
    postmasters = {client.report()["postmaster"] for client in clients}
    assert len(postmasters) == 1
    assert sorted(_handles(pgdata)) == sorted(client.proc.pid for client in clients)
    assert [client.finish() for client in clients] == [0] * 4
    assert _wait_stopped(pgdata, postmasters.pop())


@subprocess_heavy
def test_it_stops_the_server_when_the_last_client_gets_sigterm(pgdata, start_client):
    client = start_client()
    postmaster = client.report()["postmaster"]
    assert client.signal(signal.SIGTERM) == 128 + signal.SIGTERM
    assert _wait_stopped(pgdata, postmaster), "the server outlived a client stopped with SIGTERM"
    assert _handles(pgdata) == []


@subprocess_heavy
def test_it_recovers_from_a_client_killed_with_sigkill(pgdata, start_client):
    killed = start_client()
    postmaster = killed.report()["postmaster"]
    assert killed.signal(signal.SIGKILL) == -signal.SIGKILL
    assert _handles(pgdata) == [killed.proc.pid]
    assert _server_running(pgdata)

    survivor = start_client()
    assert survivor.report()["postmaster"] == postmaster
    assert _handles(pgdata) == [survivor.proc.pid]
    assert survivor.finish() == 0
    assert _wait_stopped(pgdata, postmaster), "a stale client PID kept the server running"


@pytest.fixture
def bystander():
    """A live process that is not postgres (a stale PID file may name it; nothing may signal it)."""
    proc = subprocess.Popen(["sleep", "120"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


@subprocess_heavy
def test_it_starts_despite_a_stale_postmaster_pid(pgdata, start_client, bystander):
    first = start_client()
    postmaster = first.report()["postmaster"]
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    assert first.finish() == 0
    assert _wait_stopped(pgdata, postmaster)
    # As after a crash: the file is left behind and its PID now belongs to a live, non-postgres process.
    (pgdata / "postmaster.pid").write_text("\n".join([str(bystander.pid), *lines[1:]]) + "\n")

    second = start_client()
    restarted = second.report()["postmaster"]
    assert restarted != bystander.pid and _server_pid(pgdata) == restarted
    assert second.finish() == 0
    assert _wait_stopped(pgdata, restarted)
    assert bystander.poll() is None, "the stale PID's process was signalled"


@subprocess_heavy
def test_it_starts_despite_a_stale_postmaster_pid_naming_another_postgres(pgdata, start_client, fake_postgres):
    first = start_client()
    postmaster = first.report()["postmaster"]
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    assert first.finish() == 0
    assert _wait_stopped(pgdata, postmaster)
    other = fake_postgres(pgdata.parent / "other-cluster")
    (pgdata / "postmaster.pid").write_text("\n".join([str(other.pid), *lines[1:]]) + "\n")

    second = start_client()
    restarted = second.report()["postmaster"]
    assert restarted != other.pid and _server_pid(pgdata) == restarted
    assert second.finish() == 0
    assert _wait_stopped(pgdata, restarted)
    assert other.poll() is None, "a client signalled the other cluster's postgres"


@subprocess_heavy
def test_it_works_in_a_data_folder_too_long_for_a_unix_socket_path(data_root, start_client):
    parent = data_root / ("deep-" * 6) / ("deeper-" * 6)
    pgdata = parent / ("pgdata-" * 6)
    parent.mkdir(parents=True)
    assert len(str(pgdata / ".s.PGSQL.5432")) > 108
    client = start_client(pgdata)
    report = client.report()
    socket_dir = Path((pgdata / "postmaster.pid").read_text().splitlines()[4])
    try:
        assert Path(report["data_dir"]) == pgdata.resolve()
        assert len(str(socket_dir / ".s.PGSQL.5432")) < 108
        assert client.query()["postmaster"] == report["postmaster"]
        assert client.finish() == 0
        assert _wait_stopped(pgdata, report["postmaster"])
    finally:
        if not socket_dir.is_relative_to(data_root):  # the library's fallback socket folder
            shutil.rmtree(socket_dir, ignore_errors=True)


# --- management commands -------------------------------------------------------------------------------------


@subprocess_heavy
def test_it_runs_check_without_starting_the_server(pgdata):
    result = _manage(pgdata, "check")
    assert result.returncode == 0, result.stderr
    assert not (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists()


@subprocess_heavy
def test_it_runs_dbshell_on_the_embedded_server(pgdata):
    result = _manage(pgdata, "dbshell", stdin="SELECT 40 + 2;\n")
    assert result.returncode == 0, result.stderr
    assert "42" in [line.strip() for line in result.stdout.splitlines()], result.stdout
    assert (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists(), "dbshell left the embedded server running"


@subprocess_heavy
@pytest.mark.skipif(not _answers("127.0.0.1", 5432), reason="no PostgreSQL answers on 127.0.0.1:5432")
def test_it_runs_dbshell_with_database_url(pgdata):
    url = "postgres://postgres@127.0.0.1:5432/postgres"
    result = _manage(pgdata, "dbshell", stdin="SELECT 40 + 2;\n", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "42" in [line.strip() for line in result.stdout.splitlines()], result.stdout
    assert not pgdata.exists(), "DATABASE_URL mode must not start the embedded server"


# --- the demo server and its worker ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serves(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _as_in_a_terminal() -> None:
    """Ctrl-C does what it does in a terminal, even when this suite runs in the background (a
    shell starts background jobs with SIGINT ignored, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _jobs(pgdata: Path) -> list[str]:
    result = _manage(pgdata, "dbshell", "--", "-At", "-c", "SELECT status FROM procrastinate_jobs ORDER BY id",
                     FACTCHECK_ENV="development")
    return result.stdout.split()


@subprocess_heavy
def test_it_serves_the_demo_with_a_worker_and_ctrl_c_stops_both_and_the_database(pgdata, tmp_path):
    """``make run``: the server and one worker are clients of the embedded database; Ctrl-C (SIGINT to
    the whole process group, as a terminal sends it) stops both, and the database after them."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen([PYTHON, "manage.py", "serve_demo", "--port", str(port)], cwd=ROOT, stdout=log,
                             stderr=subprocess.STDOUT, env=_env(pgdata, FACTCHECK_ENV="development"),
                             start_new_session=True, preexec_fn=_as_in_a_terminal)
    try:
        assert _wait_until(lambda: _serves(port), timeout=180), (tmp_path / "serve.log").read_text()[-3000:]
        workers = [pid for pid in _handles(pgdata) if _alive(pid) and "worker" in psutil.Process(pid).cmdline()]
        assert len(workers) == 1, _handles(pgdata)
        postmaster = _postmaster_pid(pgdata)

        # The demo's own mail (its reviews and publications) went to jobs: the worker runs them, and one more.
        assert _wait_until(lambda: set(_jobs(pgdata)) == {"succeeded"}, timeout=60), _jobs(pgdata)
        done = len(_jobs(pgdata))
        deferred = _manage(pgdata, "procrastinate", "defer", "mail.send",
                           '{"subject": "Hello", "body": "From the demo", "recipients": ["a@example.org"]}',
                           FACTCHECK_ENV="development")
        assert deferred.returncode == 0, deferred.stderr
        assert _wait_until(lambda: _jobs(pgdata) == ["succeeded"] * (done + 1), timeout=30), _jobs(pgdata)

        os.killpg(serve.pid, signal.SIGINT)
        # The worker finishes the job in hand (10 s at most), then the last client stops the database:
        # on a loaded machine that can take a while, but it must end by itself.
        try:
            serve.wait(timeout=90)
        except subprocess.TimeoutExpired:
            left = [f"{p.pid} {p.status()} {' '.join(p.cmdline())[:160]}"
                    for p in psutil.Process(serve.pid).children(recursive=True)]
            pytest.fail(f"Ctrl-C did not stop make run in 90 s; still running: {left}; handles: {_handles(pgdata)}; "
                        f"log: {(tmp_path / 'serve.log').read_text()[-3000:]}")
        assert _wait_stopped(pgdata, postmaster), "the database outlived the server and its worker"
        assert _handles(pgdata) == []
        assert not any(_alive(pid) for pid in workers), "the worker outlived Ctrl-C"
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=10)
        log.close()
