import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


class Command(BaseCommand):
    help = ("Migrate, load the demo newsroom, print the sign-ins and serve the app for local use, with one "
            "background worker beside it (Ctrl-C stops both).")

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--noreload", action="store_true")
        parser.add_argument("--noworker", action="store_true", help="Serve without a background worker.")

    def handle(self, *args, port, noreload, noworker, **options):
        # The autoreloader runs this command again in a child process: set up only once.
        if os.environ.get("RUN_MAIN") == "true":
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=True)
            return
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        self.stdout.write(self.style.SUCCESS(f"\nFactcheck Desk: http://127.0.0.1:{port}/  "
                                             f"(desk: http://127.0.0.1:{port}/desk/)\n"))
        connections.close_all()
        worker = None if noworker else start_worker()
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=not noreload)
        finally:
            if worker is not None:
                stop_worker(worker)


def start_worker() -> subprocess.Popen:
    """``manage.py procrastinate worker``: mail and webhooks, as in production. It is a client of the
    embedded database like the server, so the last of them to stop stops it."""
    manage = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0].endswith("manage.py") else "manage.py"
    # A job still running 10 s after Ctrl-C is given up (an archive fetch left pending is offered
    # "Try again" later): stopping never waits on a slow site.
    return subprocess.Popen([sys.executable, manage, "procrastinate", "worker", "--shutdown-graceful-timeout", "10"])


def stop_worker(worker: subprocess.Popen, timeout: float = 15) -> None:
    """Ctrl-C reaches the worker too (one process group); a server stopped otherwise stops it here."""
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
