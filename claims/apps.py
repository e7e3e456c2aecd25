from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-checks"

    def ready(self) -> None:
        from claims import checks, setup

        # Runs after every migrate (also after test flushes), so groups and ratings always exist.
        post_migrate.connect(_ensure_defaults, sender=self)
        del checks, setup  # imported for what they register
        # Changes made outside the services (the admin) also make public pages stale.
        from django.db.models.signals import post_delete, post_save

        for name in ("Speaker", "Topic", "Rating", "Source", "Claim", "Verdict", "Evidence", "Correction",
                     "Appearance"):
            model = self.get_model(name)
            post_save.connect(_public_changed, sender=model, dispatch_uid=f"public-{name}-save")
            post_delete.connect(_public_changed, sender=model, dispatch_uid=f"public-{name}-delete")


def _ensure_defaults(sender, using="default", **kwargs) -> None:
    from claims.setup import ensure_defaults

    ensure_defaults(using=using)


def _public_changed(sender, instance, **kwargs) -> None:
    from claims.events import invalidate_public_pages_on_commit
    from claims.models import PUBLIC_STATUSES

    claim = instance if sender.__name__ == "Claim" else getattr(instance, "claim", None)
    if claim is None or claim.status in PUBLIC_STATUSES:
        invalidate_public_pages_on_commit()
