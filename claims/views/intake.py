"""Article intake: paste an article or give its URL, tick the claims worth logging."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from claims import permissions
from claims.errors import DuplicateClaim, Invalid
from claims.forms import ARTICLE_MAX_CHARS, IntakeForm
from claims.intake import decisions_from, find_candidates, log_candidates
from claims.matching import find_duplicates
from claims.views.common import page_or_fragment, posted_text, see_other
from claims.views.decorators import desk_required

TEMPLATE = "desk/intake.html"


def _fetch_text(form: IntakeForm) -> tuple[str, str, str]:
    """The article's text, its URL and a title; fetch errors go next to the URL field."""
    from claims.extraction import html_to_text
    from claims.fetch import FetchError, fetch

    text = form.cleaned_data.get("article_text") or ""
    url = form.cleaned_data.get("article_url") or ""
    title = ""
    if url and not text.strip():
        try:
            page = fetch(url)
        except FetchError as error:
            form.add_error("article_url", error.message)
            return "", url, ""
        is_html = "html" in page.content_type
        text = html_to_text(page.text) if is_html else page.text
        if len(text) > ARTICLE_MAX_CHARS:
            form.add_error("article_url", f"This page holds more text than the desk reads at once "
                                          f"({ARTICLE_MAX_CHARS:,} characters): paste the article's text instead.")
            return "", url, ""
        title = _title_of(page.text) if is_html else ""
        url = page.final_url
    return text, url, title


def _title_of(html: str) -> str:
    import re
    from html import unescape

    match = re.search(r"<title[^>]*>(.*?)</title>", html[:200_000], re.IGNORECASE | re.DOTALL)
    return unescape(" ".join(match.group(1).split()))[:300] if match else ""


@require_http_methods(["GET", "POST"])
@desk_required
def intake(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "claim_create")
    if request.method == "GET":
        return page_or_fragment(request, TEMPLATE, "intake-results", {"form": IntakeForm()})
    if request.POST.get("action") == "log":
        return _log(request)
    form = IntakeForm(request.POST)
    if not form.is_valid():
        return page_or_fragment(request, TEMPLATE, "intake-results", {"form": form}, status=422)
    text, url, title = _fetch_text(form)
    if form.errors:
        return page_or_fragment(request, TEMPLATE, "intake-results", {"form": form}, status=422)
    candidates = find_candidates(text)
    return page_or_fragment(request, TEMPLATE, "intake-results", {
        "form": form, "candidates": candidates, "text": text, "source_url": url, "source_title": title,
        "searched": True,
    })


def _log(request: HttpRequest) -> HttpResponse:
    text = posted_text(request, "text", ARTICLE_MAX_CHARS)
    picks = [int(p) for p in request.POST.getlist("pick") if p.isdigit()]
    url = posted_text(request, "source_url", 2000)
    if url and not url.startswith(("http://", "https://")):
        url = ""
    if not picks:
        candidates = find_candidates(text)
        return page_or_fragment(request, TEMPLATE, "intake-results", {
            "form": IntakeForm(), "candidates": candidates, "text": text, "source_url": url,
            "source_title": posted_text(request, "source_title", 300), "searched": True,
            "pick_error": "Tick at least one claim to log.",
        }, status=422)
    decisions = decisions_from(request.POST)
    try:
        created = log_candidates(actor=request.user, text=text, picks=picks, source_url=url,
                                 source_title=posted_text(request, "source_title", 300), decisions=decisions)
    except (DuplicateClaim, Invalid) as stop:
        if not hasattr(stop, "index") or (isinstance(stop, Invalid) and "different_reason" not in stop.errors):
            raise
        # Nothing was saved: the same list again, stopped at the quote that needs an answer.
        decisions.pop(stop.index, None)
        matches = stop.matches if isinstance(stop, DuplicateClaim) else find_duplicates(
            find_candidates(text)[stop.index].candidate.quote)
        return page_or_fragment(request, TEMPLATE, "intake-results", {
            "form": IntakeForm(), "candidates": find_candidates(text), "text": text, "source_url": url,
            "source_title": posted_text(request, "source_title", 300), "searched": True, "picked": set(picks),
            "decisions": decisions, "stop_index": stop.index, "duplicates": matches,
            "reason_error": stop.errors.get("different_reason", [""])[0] if isinstance(stop, Invalid) else "",
            "reason_value": posted_text(request, f"reason_{stop.index}", 5000),
        }, status=stop.status)
    added = sum(1 for index, answer in decisions.items() if answer["decision"] == "appearance" and index in picks)
    messages.success(request, f"Logged {len(created)} claim{'s' if len(created) != 1 else ''}."
                     + (f" Added {added} appearance{'s' if added != 1 else ''} to claims already logged." if added
                        else ""))
    response = see_other(reverse("desk:claims") + "?status=logged")
    if getattr(request, "htmx", False):
        from django_htmx.http import HttpResponseClientRedirect

        return HttpResponseClientRedirect(response["Location"])
    return response
