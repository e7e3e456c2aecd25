"""The site on more than one machine, proven with real servers on this one:

1. ``--only replicas``: a PostgreSQL primary and a streaming replica (the machine's PostgreSQL 15
   binaries, clusters and ports of their own, run as the ``postgres`` user, the replica made with
   ``pg_basebackup``); then the checks: anonymous public reads go to the replica, the desk to the
   primary; a replica paused behind the last change serves the old page but it is not stored; one
   lagging more than REPLICA_MAX_LAG_SECONDS, or stopped, is skipped. Both clusters are removed.
2. ``--only varnish``: Varnish (deploy/varnish.vcl) in front of two gunicorn servers sharing
   PostgreSQL (the primary above, made again) and Redis, with a worker purging Varnish by surrogate
   key; then figures for cached pages through Varnish, how long a correction made on one server takes
   to be served by both and through Varnish, and what killing one server under load loses.

    .venv/bin/python bench/bench_cluster.py [--only replicas|varnish] [--seconds 10]

Needs root (to run postgres as the postgres user), PostgreSQL 15's server binaries, and for the
second half Debian's varnish and wrk, and Redis on 127.0.0.1:6379 (database 13 is used).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Above Linux's ephemeral ports (32768-60999): a client socket left in TIME-WAIT there would keep
# PostgreSQL from binding.
PRIMARY_PORT, REPLICA_PORT = 61432, 61433
APP_PORTS = (8101, 8102)  # deploy/varnish.vcl's backends
VARNISH_PORT = 6081
PYTHON = str(ROOT / ".venv" / "bin" / "python")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import UNIQUE_LUA, wrk, wrk_command, wrk_figures  # noqa: E402 - bench/load.py, beside this script


def as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, text=True,
                          **kwargs)


@contextmanager
def clusters(with_replica: bool):
    """A primary (and a streaming replica of it) in a folder of their own; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="factcheck-cluster-"))
    shutil.chown(folder, "postgres", "postgres")
    primary, replica = folder / "primary", folder / "replica"
    started = []
    try:
        as_postgres(str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust")
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
                       "wal_level = replica\nmax_wal_senders = 5\nfsync = off\nshared_buffers = 128MB\n")
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(primary), "-l", str(folder / "primary.log"), "-w", "start")
        started.append(primary)
        if with_replica:
            as_postgres(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
                        "-D", str(replica), "-R", "-X", "stream")
            with (replica / "postgresql.conf").open("a") as conf:
                conf.write(f"port = {REPLICA_PORT}\nhot_standby = on\n")
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(replica), "-l", str(folder / "replica.log"), "-w", "start")
            started.append(replica)
        as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "factcheck")
        yield folder
    finally:
        for data in reversed(started):
            subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast",
                            "-w", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def site_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "FACTCHECK_ENV": "development", "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}"
            "/factcheck", "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", **extra}


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def check(name: str, ok: bool, detail: str = "") -> bool:
    print(f"  {'ok ' if ok else 'FAILED'}  {name}{f': {detail}' if detail else ''}")
    return ok


# --- 1. a real streaming replica ----------------------------------------------------------------------

def replica_checks() -> bool:
    """Runs in a process of its own, with DATABASE_URL and DATABASE_REPLICA_URLS set."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    from claims import public_cache, services
    from claims.models import Claim
    from factcheck import replicas

    claim = Claim.objects.published().select_related("verdict").first()
    url = f"/claims/{claim.slug}/"
    editor = get_user_model().objects.get(username="editor2")
    replica = connections["replica_0"]
    results = []

    last = {}

    def read(path: str, client: Client | None = None) -> tuple[str, int, int]:
        """The page rendered afresh (a query string of its own), and the queries each server ran for
        it, the shared cache's own aside (they always go to the primary)."""
        replicas.health.forget()
        last["url"] = f"{path}?read={time.time_ns()}"
        with CaptureQueriesContext(connections["default"]) as on_primary, CaptureQueriesContext(replica) as on_replica:
            body = (client or Client()).get(last["url"]).content.decode()
        primary = [q for q in on_primary.captured_queries if "factcheck_cache" not in q["sql"]]
        return body, len(primary), len(on_replica.captured_queries)

    def replay(paused: bool) -> None:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")

    def correct(text: str) -> None:
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="update", note="Cluster check.",
                                 data={"conclusion": text})
        public_cache.bump_generation()  # as on commit, outside the request

    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        results.append(check("the replica is a streaming standby", cursor.fetchone()[0] is True))
    _, primary_n, replica_n = read(url)
    results.append(check("an anonymous fact-check page reads the replica", replica_n > 0 and primary_n == 0,
                         f"{replica_n} queries on the replica, {primary_n} on the primary"))
    desk = Client()
    desk.force_login(editor)
    _, primary_n, replica_n = read("/desk/", desk)
    results.append(check("the desk reads the primary", replica_n == 0 and primary_n > 0,
                         f"{primary_n} queries on the primary, {replica_n} on the replica"))

    marker = f"Corrected at {time.time_ns()}"
    correct(marker)
    deadline = time.monotonic() + 5
    while marker not in read(url)[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    results.append(check("a correction on the primary is served from the replica", marker in read(url)[0]))

    settings.REPLICA_MAX_LAG_SECONDS = 60
    replay(paused=True)
    try:
        behind = f"Corrected while the replica is paused, at {time.time_ns()}"
        correct(behind)
        time.sleep(0.3)
        body, _, replica_n = read(url)  # rendered from the paused replica: served, then not stored
        stored = public_cache.cached_answer(RequestFactory().get(last["url"]))
        results.append(check("a replica behind the last change serves the old page", behind not in body
                             and replica_n > 0))
        results.append(check("... and that page is not stored in the cache", stored is None))
        settings.REPLICA_MAX_LAG_SECONDS = 1
        time.sleep(1.5)
        body, primary_n, replica_n = read(url)
        results.append(check("a replica lagging more than REPLICA_MAX_LAG_SECONDS is skipped",
                             behind in body and replica_n <= 1 and primary_n > 0,
                             f"{primary_n} queries on the primary, {replica_n} on the replica (the lag check)"))
    finally:
        replay(paused=False)
    settings.REPLICA_MAX_LAG_SECONDS = 10
    deadline = time.monotonic() + 5
    while behind not in read(url)[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    read(url)
    results.append(check("once caught up, the replica's page is stored again",
                         public_cache.cached_answer(RequestFactory().get(last["url"])) is not None))
    return all(results)


def replicas_half() -> bool:
    print("Read replicas: a PostgreSQL 15 primary and a streaming replica (pg_basebackup)")
    with clusters(with_replica=True) as folder:
        # The database cache: its reads must stay on the primary too (a replica's copy of the
        # generation could be older than the last invalidation).
        env = site_env(DATABASE_REPLICA_URLS=f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/factcheck", CACHE_URL="")
        manage("migrate", "--verbosity", "0", env=env)
        manage("load_demo", env=env)
        time.sleep(1)  # the replica replays the demo
        ok = subprocess.run([PYTHON, __file__, "--checks"], cwd=ROOT, env=env).returncode == 0
        ok &= stopped_replica_check(folder, env)
    return ok


def stopped_replica_check(folder: Path, env: dict[str, str]) -> bool:
    as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(folder / "replica"), "-m", "fast", "-w", "stop")
    code = ("import django; django.setup()\n"
            "from django.test import Client\n"
            "from claims.models import Claim\n"
            "c = Claim.objects.published().first()\n"
            "import time; t = time.monotonic(); r = Client().get(f'/claims/{c.slug}/')\n"
            "print(r.status_code, round((time.monotonic() - t) * 1000))\n")
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    status, ms = [*out.stdout.split(), "?", "?"][:2]
    return check("with the replica stopped, pages come from the primary", status == "200",
                 f"status {status} in {ms} ms")


# --- 2. Varnish in front of two app servers ----------------------------------------------------------

def get(port: int, path: str) -> tuple[int, str, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body, dict(response.getheaders())


def wait_for(port: int, path: str = "/healthz", seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def varnish_half(seconds: float) -> bool:
    print("Two app servers behind Varnish, sharing PostgreSQL and Redis")
    for tool in ("varnishd", "wrk"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            print(f"  {tool} is not installed (apt-get install varnish wrk): skipped")
            return True
    results = []
    with clusters(with_replica=False) as folder:
        env = site_env(CACHE_URL="redis://127.0.0.1:6379/13", CDN_PURGER="varnish",
                       CDN_PURGE_URL=f"http://127.0.0.1:{VARNISH_PORT}/", PUBLIC_CACHE_MAX_AGE="0")
        subprocess.run(["redis-cli", "-n", "13", "FLUSHDB"], capture_output=True)
        manage("migrate", "--verbosity", "0", env=env)
        manage("load_demo", env=env)
        processes: dict[str, subprocess.Popen] = {}
        workdir = folder / "varnish"
        workdir.mkdir()
        workdir.chmod(0o777)
        try:
            for n, port in enumerate(APP_PORTS, 1):
                processes[f"app{n}"] = subprocess.Popen(
                    [str(ROOT / ".venv" / "bin" / "gunicorn"), "factcheck.wsgi", "--workers", "2", "--bind",
                     f"127.0.0.1:{port}", "--log-level", "warning", "--graceful-timeout", "5"], cwd=ROOT, env=env,
                    start_new_session=True)  # its own process group: killed, its workers die with it
            processes["worker"] = subprocess.Popen([PYTHON, "manage.py", "procrastinate", "worker"], cwd=ROOT, env=env,
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for port in APP_PORTS:
                wait_for(port)
            subprocess.run(["varnishd", "-a", f"127.0.0.1:{VARNISH_PORT}", "-f", str(ROOT / "deploy" / "varnish.vcl"),
                            "-n", str(workdir), "-s", "malloc,64m", "-P", str(workdir / "pid")], check=True)
            wait_for(VARNISH_PORT)
            time.sleep(3)  # both backends probed healthy
            code = ("import django; django.setup()\nfrom claims.models import Claim\n"
                    "print(Claim.objects.published().first().slug)\n")
            slug = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                                  check=True).stdout.strip()
            page = f"/claims/{slug}/"
            for _ in range(3):
                get(VARNISH_PORT, page)
            status, _, headers = get(VARNISH_PORT, page)
            results.append(check("Varnish holds the fact-check page", status == 200 and headers.get("X-Cache") == "HIT"
                                 and "Surrogate-Key" not in headers))
            through = wrk(VARNISH_PORT, page, seconds)
            direct = wrk(APP_PORTS[0], page, seconds)
            print(f"  cached fact-check page through Varnish: {through['rps']:8.0f} requests/s")
            print(f"  the same page from one app server:      {direct['rps']:8.0f} requests/s "
                  f"(ratio {through['rps'] / direct['rps']:.1f})")

            # A correction made on app server 1: served by both, and through Varnish, within a second.
            marker = f"Corrected on one server at {time.time_ns()}"
            code = ("import django; django.setup()\nfrom django.contrib.auth import get_user_model\n"
                    "from claims import services\nfrom claims.models import Claim\n"
                    f"c = Claim.objects.get(slug={slug!r})\n"
                    "services.verdict_correct(claim_id=c.pk, actor=get_user_model().objects.get(username='editor2'), "
                    f"kind='update', note='Cluster check.', data={{'conclusion': {marker!r}}})\n")
            started = time.monotonic()
            subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True)
            committed = time.monotonic()
            seen = {}
            while len(seen) < 3 and time.monotonic() - committed < 10:
                for name, port in (("app1", APP_PORTS[0]), ("app2", APP_PORTS[1]), ("varnish", VARNISH_PORT)):
                    if name not in seen and marker in get(port, page)[1]:
                        seen[name] = time.monotonic() - committed
                time.sleep(0.02)
            print(f"  after a correction (committed {committed - started:.1f} s after the command started): "
                  + ", ".join(f"{name} {seen.get(name, float('nan')) * 1000:.0f} ms" for name in
                              ("app1", "app2", "varnish")))
            results.append(check("the correction is served by both servers and through Varnish within 1 s",
                                 len(seen) == 3 and max(seen.values()) <= 1.0))

            # Kill one server under load (every request a miss, so both servers work).
            script = folder / "unique.lua"
            script.write_text(UNIQUE_LUA)
            loaded = subprocess.Popen(wrk_command(VARNISH_PORT, page, seconds, script=str(script)),
                                      stdout=subprocess.PIPE, text=True)
            time.sleep(seconds / 3)
            os.killpg(processes["app2"].pid, signal.SIGKILL)  # gunicorn and its workers, requests in flight
            figures = wrk_figures(loaded.communicate(timeout=seconds + 30)[0])
            total, failed = figures["requests"], figures["non2xx"] + figures["errors"]
            print(f"  one server killed (SIGKILL to gunicorn and its workers) a third into {seconds:.0f} s of "
                  f"misses: {failed} of {total:,} requests failed ({figures['non2xx']} answered with an error status, "
                  f"{figures['errors']} socket errors)")
            results.append(check("killing one server loses no request (Varnish tries a failed GET on the other)",
                                 failed == 0, f"{failed} failed (8 connections, 2 workers a server)"))
        finally:
            if (workdir / "pid").exists():
                os.kill(int((workdir / "pid").read_text()), signal.SIGTERM)
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    return all(results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["replicas", "varnish"])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--checks", action="store_true", help=argparse.SUPPRESS)  # the replica checks' own process
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    if args.checks:
        sys.exit(0 if replica_checks() else 1)
    if os.geteuid() != 0 or not PG_BIN.exists():
        sys.exit("Needs root and PostgreSQL 15's server binaries in /usr/lib/postgresql/15/bin.")
    ok = True
    if args.only in (None, "replicas"):
        ok &= replicas_half()
    if args.only in (None, "varnish"):
        ok &= varnish_half(args.seconds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
