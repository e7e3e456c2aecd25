from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from claims.demo.newsroom import USERS, load_demo


class Command(BaseCommand):
    help = "Create the demo newsroom (idempotent) and print the demo sign-ins."

    def handle(self, *args, **options):
        # Building the demo walks claims through review: keep its notification mail out of the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            created, password = load_demo()
        self.stdout.write("Demo newsroom " + ("created." if created else "already present."))
        self.stdout.write("Demo sign-ins (password from DEMO_PASSWORD, or kept in var/demo_password):")
        for username, first, last, group in USERS:
            self.stdout.write(f"  {username:<11} {password}   ({first} {last}, {group})")
