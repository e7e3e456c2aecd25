"""Link health (editors): the evidence links of published checks that changed, moved or went, and
for each the copy it cites beside the copy that came back, word by word."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from claims import permissions
from claims.archiving.health import NEEDS_AN_EDITOR, public_evidence
from claims.models import ArchivedCopy, Evidence, LinkCheck
from claims.textdiff import word_diff
from claims.views.decorators import desk_required

PER_PAGE = 50
MAX_COMPARED_CHARS = 100_000  # of each copy's text: a word diff of two longer texts takes seconds
RECENT_CHECKS = 10


@require_GET
@desk_required
def link_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "link_health")
    rows = (public_evidence().filter(link_status__in=NEEDS_AN_EDITOR)
            .select_related("claim", "claim__speaker").order_by("-link_checked_at", "-pk"))
    return render(request, "desk/links.html", {"page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))})


@require_GET
@desk_required
def link_detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    permissions.require(request.user, "link_health")
    evidence = get_object_or_404(Evidence.objects.select_related("claim", "archive"), pk=evidence_id)
    checks = list(LinkCheck.objects.filter(evidence=evidence).select_related("copy")[:RECENT_CHECKS])
    cited = evidence.archive
    # The newest copy that came back with a text; a later failure is listed with the checks.
    latest = (LinkCheck.objects.filter(evidence=evidence, copy__state=ArchivedCopy.State.ARCHIVED)
              .select_related("copy").first())
    now = latest.copy if latest else None
    context = {"evidence": evidence, "cited": cited, "now": now, "checks": checks, "limit": MAX_COMPARED_CHARS}
    if cited is not None and cited.state == ArchivedCopy.State.ARCHIVED and now is not None:
        context.update(side_by_side(cited.text, now.text))
    return render(request, "desk/link.html", context)


def side_by_side(before: str, after: str, limit: int = MAX_COMPARED_CHARS) -> dict:
    """The two texts (each cut to ``limit`` characters) as HTML: the cited one with its deleted words
    in ``<del>``, the new one with its inserted words in ``<ins>``."""
    runs = word_diff(before[:limit], after[:limit])
    return {
        "before_html": _joined(runs, "delete", "<del>{}</del>"),
        "after_html": _joined(runs, "insert", "<ins>{}</ins>"),
        "before_cut": len(before) > limit, "after_cut": len(after) > limit,
        "identical": all(op == "equal" for op, _ in runs),
    }


def _joined(runs, marked: str, wrap: str) -> SafeString:
    # Every piece is escaped by format_html, so the joined string is safe too.
    pieces = (format_html(wrap if op == marked else "{}", text) for op, text in runs if op in ("equal", marked))
    return mark_safe("".join(pieces))  # noqa: S308
