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


def _public_changed(sender, instance, created: bool = False, **kwargs) -> None:
    from claims.events import invalidate_public_pages_on_commit
    from claims.models import PUBLIC_STATUSES

    name = sender.__name__
    claim = instance if name == "Claim" else getattr(instance, "claim", None)
    if claim is not None:
        if claim.status in PUBLIC_STATUSES:
            invalidate_public_pages_on_commit([f"claim-{claim.pk}", "listings"])
    elif created and name in ("Speaker", "Topic", "Source"):
        invalidate_public_pages_on_commit([])  # no public page shows it yet: nothing for the CDN to purge
    elif name in ("Speaker", "Topic"):
        invalidate_public_pages_on_commit([f"{name.lower()}-{instance.pk}", "listings"])
    else:  # a rating or a source: shown on pages no key names together
        invalidate_public_pages_on_commit()
