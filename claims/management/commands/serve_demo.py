import os

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


class Command(BaseCommand):
    help = "Migrate, load the demo newsroom, print the sign-ins and serve the app for local use."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, port, noreload, **options):
        # The autoreloader runs this command again in a child process: set up only once.
        if os.environ.get("RUN_MAIN") != "true":
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_demo")
            self.stdout.write(self.style.SUCCESS(f"\nFactcheck Desk: http://127.0.0.1:{port}/  "
                                                 f"(desk: http://127.0.0.1:{port}/desk/)\n"))
            connections.close_all()
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=not noreload)
