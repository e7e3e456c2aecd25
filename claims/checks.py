"""System checks of the claims app (``manage.py check --deploy`` runs the deploy-tagged ones)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def fetch_allow_networks_in_production(app_configs, **kwargs) -> list[Warning]:
    if settings.FACTCHECK_ENV != "production" or not settings.FETCH_ALLOW_NETWORKS:
        return []
    return [Warning(
        f"FETCH_ALLOW_NETWORKS is set in production ({', '.join(settings.FETCH_ALLOW_NETWORKS)}).",
        hint="The article fetcher, ClaimReview imports and webhooks may reach those private networks, and "
             "webhooks may use plain http there. Leave it empty unless that is what you mean.",
        id="claims.W001",
    )]
