"""The archived copy of a fact-check's evidence, for readers: its text only, under the fact-check."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claims.models import ArchivedCopy, Claim, Evidence
from claims.public_cache import public_page, surrogate_keys

# The copy's text only: no script of ours or the original's, no frames, nothing sent anywhere.
ARCHIVE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")


def archived_evidence(slug: str, evidence_id: int) -> Evidence:
    """The evidence of a public check with an archived copy readers may open, or a 404."""
    if not settings.ARCHIVE_PUBLIC:
        raise Http404("Archived copies are not shown here.")
    evidence = (Evidence.objects.select_related("claim", "archive")
                .filter(pk=evidence_id, claim__slug=slug, claim__in=Claim.objects.public()).first())
    if evidence is None or evidence.archive is None or evidence.archive.state != ArchivedCopy.State.ARCHIVED:
        raise Http404("This fact-check has no archived copy of that source.")
    return evidence


@require_GET
@public_page
def evidence_archive(request: HttpRequest, slug: str, evidence_id: int) -> HttpResponse:
    evidence = archived_evidence(slug, evidence_id)
    response = render(request, "public/archived_copy.html", {
        "claim": evidence.claim, "evidence": evidence, "copy": evidence.archive,
        "paragraphs": [line for line in evidence.archive.text.split("\n") if line.strip()],
    })
    response["Content-Security-Policy"] = ARCHIVE_CSP
    response["X-Robots-Tag"] = "noindex"
    return surrogate_keys(response, f"claim-{evidence.claim_id}")
