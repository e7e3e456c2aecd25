"""System checks of the claims app (``manage.py check --deploy`` runs the deploy-tagged ones)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Info, Tags, Warning, register


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


@register(Tags.database)
def matching_mode(app_configs, databases=None, **kwargs) -> list[Info]:
    """Which way "already checked?" compares meanings on this database (``check --database default``)."""
    if not databases or "default" not in databases:
        return []
    from django.db import DatabaseError

    from claims.matching import has_pgvector

    try:
        indexed = has_pgvector("default")
    except DatabaseError:
        return []
    if indexed:
        return [Info("Claim matching: pgvector (HNSW indexes on the claims' and appearances' embeddings).",
                     id="claims.I001")]
    return [Info("Claim matching: exact re-ranking in numpy (no pgvector index on this server).",
                 hint="With the vector extension available, `manage.py migrate claims 0015` then `migrate` "
                      "creates the indexes.", id="claims.I001")]
