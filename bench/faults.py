"""Faults survived: a database restarted and a cache stopped while gunicorn serves a steady load.

    .venv/bin/python bench/faults.py            # all three; --only postgres, redis or embedded

Starts its own servers and leaves the machine's alone: a PostgreSQL cluster of its own (initdb and
postgres from the machine's server binaries, run as the ``postgres`` user, on port 61434 in a
temporary folder) and a ``redis-server`` on port 6391. Gunicorn (2 workers) serves the demo
through them; 4 client threads ask for public pages (each with a fresh query string, so every
request reaches the database or the cache).

- PostgreSQL: stopped after 4 s, started again 3 s later. Errors are expected only while it is
  down; the figure is how long after its return every request answers 200 again.
- Redis (as ``CACHE_URL``): stopped after 4 s for 4 s. Public pages must keep answering 200
  (rendered uncached), and a desk write made while it is down must be saved without an error.
- The embedded PostgreSQL (no ``DATABASE_URL``, a data folder of its own): ``make run`` serves it,
  and its postmaster is killed with SIGKILL after 4 s. Requests must answer 503 with a clear page,
  never a traceback; after ``make run`` is stopped, the next ``make run`` must start cleanly and
  still hold a write committed before the kill.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_BIN = next((p for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
# The PostgreSQL port is above Linux's ephemeral ports (32768-60999), where a client socket left in
# TIME-WAIT would keep the restarted server from binding.
PG_PORT, REDIS_PORT, WEB_PORT, RUN_PORT = 61434, 6391, 8811, 8812


def as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, **kwargs)


class Cluster:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.data = self.folder / "data"
        as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres")

    def start(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.folder / "log"),
                    "-o", f"-p {PG_PORT} -k {self.folder} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def run(env: dict, *args: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def serve(env: dict) -> subprocess.Popen:
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "factcheck.wsgi", "--workers", "2", "--bind",
                               f"127.0.0.1:{WEB_PORT}", "--log-level", "error"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return serving(server, WEB_PORT, "gunicorn", seconds=10)


def serving(server: subprocess.Popen, port: int, name: str, seconds: float) -> subprocess.Popen:
    """The server once it answers on ``port``; an error if it stops first or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
            return server
        except OSError as error:
            if server.poll() is not None:
                raise RuntimeError(f"{name} stopped before it served") from error
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not serve within {seconds:.0f} s")


def load(paths: list[str], seconds: float, events: list[tuple[float, Callable]],
         port: int = WEB_PORT, bodies: dict | None = None) -> list[tuple[float, int]]:
    """4 threads asking for pages for ``seconds``; ``events`` run at their times (s from the start).
    ``bodies``, when given, keeps one answer's text for each status seen."""
    results: list[tuple[float, int]] = []
    start = time.monotonic()
    stop = start + seconds

    def client(n: int) -> None:
        i = 0
        while time.monotonic() < stop:
            i += 1
            url = f"http://127.0.0.1:{port}{paths[i % len(paths)]}?load={n}-{i}"
            try:
                answer = urllib.request.urlopen(url, timeout=5)
                status = answer.status
            except urllib.error.HTTPError as error:
                answer, status = error, error.code
            except OSError:
                answer, status = None, 0
            if bodies is not None and answer is not None and status not in bodies:
                bodies[status] = answer.read().decode("utf-8", "replace")
            results.append((time.monotonic() - start, status))
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(4)]
    for thread in threads:
        thread.start()
    for at, action in events:
        time.sleep(max(0.0, start + at - time.monotonic()))
        action()
    for thread in threads:
        thread.join()
    return sorted(results)


def summarise(results, down: float, up: float) -> dict:
    before = [s for t, s in results if t < down]
    during = [s for t, s in results if down <= t < up]
    after = [(t, s) for t, s in results if t >= up]
    last_bad = max((t for t, s in after if s != 200), default=None)
    return {
        "requests": len(results), "before_ok": sum(s == 200 for s in before), "before": len(before),
        "during_ok": sum(s == 200 for s in during), "during": len(during),
        "during_statuses": sorted(set(during)),
        "after_ok": sum(s == 200 for _, s in after), "after": len(after),
        "recovered_after_s": 0.0 if last_bad is None else round(last_bad - up, 2),
    }


def postgres_restart(base_env: dict) -> None:
    cluster = Cluster()
    server = None
    try:
        cluster.start()
        as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "faults")
        env = {**base_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/faults"}
        run(env, "migrate", "--verbosity", "0")
        run(env, "load_demo")
        server = serve(env)
        paths = ["/", "/speakers/", "/corrections/"]
        stamps = {}

        def down():
            stamps["down"] = time.monotonic()
            cluster.stop()

        def back():
            cluster.start()
            stamps["up"] = time.monotonic()

        started = time.monotonic()
        results = load(paths, 14, [(4, down), (7, back)])
        summary = summarise(results, stamps["down"] - started, stamps["up"] - started)
        print(f"PostgreSQL restarted under load (down {stamps['up'] - stamps['down']:.1f} s): {summary}")
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        cluster.remove()


def redis_stopped(base_env: dict) -> None:
    folder = Path(tempfile.mkdtemp(prefix="faults-redis-"))
    command = ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(folder)]
    redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    server = None
    try:
        env = {**base_env, "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0", "FACTCHECK_DB_NAME": "faults_redis"}
        run(env, "migrate", "--verbosity", "0")
        run(env, "load_demo")
        server = serve(env)
        stamps, write = {}, {}

        def down():
            stamps["down"] = time.monotonic()
            redis.terminate()
            redis.wait()
            # A desk write while the cache is gone: a correction through the services, committed.
            code = ("from claims import services; from claims.models import Claim; "
                    "from django.contrib.auth import get_user_model; "
                    "c = Claim.objects.filter(status='published', imported=False).first(); "
                    "e = get_user_model().objects.get(username='editor2'); "
                    "services.verdict_correct(claim_id=c.pk, actor=e, kind='update', note='Written while the cache "
                    "was down.', data={'conclusion': c.verdict.conclusion + ' (updated)'}); print('saved')")
            done = subprocess.run([str(PYTHON), "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
            write["ok"] = done.returncode == 0 and "saved" in done.stdout
            write["stderr"] = done.stderr.strip().splitlines()[-1:] if done.stderr.strip() else []

        def back():
            nonlocal redis
            redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            time.sleep(0.3)
            stamps["up"] = time.monotonic()

        started = time.monotonic()
        results = load(["/", "/speakers/", "/methodology/"], 14, [(4, down), (8, back)])
        summary = summarise(results, stamps["down"] - started, stamps["up"] - started)
        import redis as redis_client

        cached = redis_client.Redis(port=REDIS_PORT).dbsize()
        print(f"Redis stopped under load (down {stamps['up'] - stamps['down']:.1f} s): {summary}; "
              f"desk write while down saved: {write.get('ok')} {write.get('stderr') or ''}; "
              f"entries in the cache after it returned: {cached}")
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        redis.terminate()
        shutil.rmtree(folder, ignore_errors=True)


def make_run(env: dict) -> subprocess.Popen:
    """``make run`` in a process group of its own, once it answers."""
    server = subprocess.Popen(["make", "run", f"PORT={RUN_PORT}"], cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return serving(server, RUN_PORT, "make run", seconds=60)


def stop_make_run(server: subprocess.Popen) -> int:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        return server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        return server.wait()


def shell(env: dict, code: str) -> str:
    done = subprocess.run([str(PYTHON), "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if done.returncode or not done.stdout.strip():
        return f"failed: {done.stderr.strip()[-300:]}"
    return done.stdout.strip().splitlines()[-1]


def embedded_killed(base_env: dict) -> None:
    folder = Path(tempfile.mkdtemp(prefix="faults-embedded-"))
    env = {**base_env, "FACTCHECK_DATA_DIR": str(folder / "pgdata")}
    env.pop("DATABASE_URL", None)
    server = None
    try:
        server = make_run(env)
        # A write committed before the kill: a reader's tip, counted again after the restart.
        mark = "Written just before the database was killed."
        shell(env, "from claims.models import Tip; "
                   f"Tip.objects.create(text={mark!r}, url='https://example.org/killed')")
        postmaster = int((folder / "pgdata" / "postmaster.pid").read_text().split()[0])
        stamps, bodies = {}, {}

        def kill():
            stamps["down"] = time.monotonic()
            os.kill(postmaster, signal.SIGKILL)

        started = time.monotonic()
        results = load(["/", "/speakers/", "/corrections/"], 10, [(4, kill)], port=RUN_PORT, bodies=bodies)
        down = stamps["down"] - started
        before = [s for t, s in results if t < down]
        after = [s for t, s in results if t >= down + 0.5]  # requests already inside the kill may still finish
        page = bodies.get(503, "")
        stop_code = stop_make_run(server)
        server = None
        restarted = time.monotonic()
        server = make_run(env)
        start_s = time.monotonic() - restarted
        status = urllib.request.urlopen(f"http://127.0.0.1:{RUN_PORT}/", timeout=10).status
        kept = shell(env, f"from claims.models import Tip; print(Tip.objects.filter(text={mark!r}).count())")
        summary = {
            "before_ok": sum(s == 200 for s in before), "before": len(before),
            "after_kill_503": sum(s == 503 for s in after), "after_kill": len(after),
            "after_kill_statuses": sorted(set(after)),
            "503_page_says": "try again" in page.lower(),
            "traceback_in_any_answer": any("Traceback" in body for body in bodies.values()),
            "make_run_exit_on_sigterm": stop_code, "next_make_run_serves_s": round(start_s, 1),
            "home_after_restart": status, "write_before_kill_kept": kept,
        }
        print(f"Embedded PostgreSQL killed with SIGKILL under make run: {summary}")
    finally:
        if server:
            stop_make_run(server)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("postgres", "redis", "embedded"))
    args = parser.parse_args()
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(FACTCHECK_ENV="development", LOG_LEVEL="ERROR", CONN_MAX_AGE="60")
    if args.only in (None, "postgres"):
        if PG_BIN is None:
            print("PostgreSQL's server binaries are not on this machine: skipped.")
        else:
            postgres_restart(env)
    if args.only in (None, "redis"):
        if shutil.which("redis-server") is None:
            print("redis-server is not on this machine: skipped.")
        else:
            redis_stopped(env)
    if args.only in (None, "embedded"):
        embedded_killed(env)


if __name__ == "__main__":
    sys.exit(main())
