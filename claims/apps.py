from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-checks"

    def ready(self) -> None:
        from claims import setup

        # Runs after every migrate (also after test flushes), so groups and ratings always exist.
        post_migrate.connect(_ensure_defaults, sender=self)
        del setup


def _ensure_defaults(sender, using="default", **kwargs) -> None:
    from claims.setup import ensure_defaults

    ensure_defaults(using=using)
