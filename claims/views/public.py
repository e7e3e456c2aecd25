"""What readers see. Public means published or retracted; everything else is a 404 here."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from claims import seo, services
from claims.figures import comparisons_for
from claims.forms import SuggestForm
from claims.languages import language_for, language_name, normalise_tag, primary_subtag
from claims.models import PUBLIC_STATUSES, Appearance, Claim, Correction, Rating, ReviewVote, Speaker, Tally, Topic
from claims.net import client_address
from claims.paging import RANK_POOL, CappedPaginator, KeysetPage, keyset_after, ranked_page
from claims.public_cache import LISTINGS_KEY, claim_keys, keep_content, may_store, public_page, surrogate_keys
from claims.search import ConfigOf, in_language, search_query
from claims.templatetags.ratings import with_rating_scale
from claims.views.common import page_or_fragment

PER_PAGE = 20
QUERY_LIMIT = 500


def _filters(request: HttpRequest) -> dict:
    get = request.GET
    filters = {key: get.get(key, "")[:100] for key in ("rating", "speaker", "topic", "from", "to")}
    # The language counts, not the region: "es-MX" is the filter "es" (junk is no filter).
    tag = normalise_tag(get.get("language", "")[:100])
    return {**filters, "language": primary_subtag(tag) if tag else ""}


def _parse_date(value: str):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _chosen(filters: dict, name: str, model):
    """The rating or speaker a filter names (None when none has that slug), looked up once a request."""
    found = filters.setdefault("chosen", {})
    if name not in found:
        found[name] = model.objects.filter(slug=filters[name]).first()
    return found[name]


def filtered(queryset, filters: dict):
    if filters["rating"]:
        # By id, not through a join on the slug: PostgreSQL then knows how common the rating is and
        # walks the newest checks until it has a page, instead of reading every verdict.
        rating = _chosen(filters, "rating", Rating)
        queryset = queryset.filter(verdict__rating_id=rating.pk) if rating else queryset.none()
    if filters["speaker"]:
        speaker = _chosen(filters, "speaker", Speaker)
        queryset = queryset.filter(said_by(speaker)) if speaker else queryset.none()
    if filters["topic"]:
        queryset = queryset.filter(topics__slug=filters["topic"])
    if start := _parse_date(filters["from"]):
        queryset = queryset.filter(published_at__date__gte=start)
    if end := _parse_date(filters["to"]):
        queryset = queryset.filter(published_at__date__lte=end)
    if language := normalise_tag(filters.get("language")):  # "es" finds "es" and "es-MX"
        queryset = queryset.filter(in_language(language))
    return queryset


def said_by(speaker: Speaker) -> Q:
    """The claims a speaker said: those logged with them (whose first appearance is theirs), and those
    they said again elsewhere (accepted appearances beyond the first: few, read first). Written so,
    the newest of them come straight from an index (claim_public_by_speaker)."""
    again = list(Appearance.objects.filter(speaker=speaker, accepted=True, primary=False)
                 .values_list("claim_id", flat=True)[:5000])
    return Q(speaker=speaker) | Q(pk__in=again) if again else Q(speaker=speaker)


def _listing(request: HttpRequest, queryset, filters: dict | None = None, *, facet: tuple[str, str] | None = None):
    """A newest-first page of public checks: numbered pages up to the count's cap, then keyset
    pages (``after=`` the last check shown) however deep (claims.paging). ``facet`` is what the
    page lists (a speaker's or a topic's checks), for its count from the tallies."""
    queryset = queryset.public().with_card_detail().newest_published()
    if filters:
        queryset = filtered(queryset, filters)
    after = keyset_after(queryset, request.GET.get("after"))
    if after is not None:
        return KeysetPage(queryset, after, PER_PAGE)
    exact = tallied_count(filters or {}, facet)
    return CappedPaginator(queryset, PER_PAGE, keyset=True, exact=exact).get_page(request.GET.get("page"))


def tallied_count(filters: dict, facet: tuple[str, str] | None = None) -> int | None:
    """How many public checks a listing shows, from the tallies, when they hold it: the whole site,
    or one speaker, topic or language, with or without a rating. None otherwise (dates, or two of
    them at once): the listing then counts, up to its cap."""
    if filters.get("from") or filters.get("to"):
        return None
    facets = [facet] if facet else []
    if filters.get("speaker"):
        speaker = _chosen(filters, "speaker", Speaker)
        facets.append((Tally.Kind.SPEAKER, str(speaker.pk if speaker else None)))
    if filters.get("topic"):
        topic = Topic.objects.filter(slug=filters["topic"]).values_list("pk", flat=True).first()
        facets.append((Tally.Kind.TOPIC, str(topic)))
    if filters.get("language"):
        facets.append((Tally.Kind.LANGUAGE, filters["language"]))
    if len(facets) > 1:
        return None
    kind, key = facets[0] if facets else (Tally.Kind.SITE, "")
    rows = Tally.objects.filter(kind__in=[kind, kind.upper()], key=key)  # published and retracted
    if filters.get("rating"):
        rating = _chosen(filters, "rating", Rating)
        rows = rows.filter(rating_id=rating.pk if rating else -1)
    return rows.aggregate(n=Sum("n"))["n"] or 0


def _is_empty(page) -> bool:
    return not page.object_list and not isinstance(page, KeysetPage)


def counted(kind: str) -> RawSQL:
    """The ids of the speakers or topics with published checks, from the tallies (claims.models.Tally)."""
    return RawSQL("SELECT key::bigint FROM claims_tally WHERE kind = %s AND n > 0", [kind])


# The filters' choices under the generation they were read in: (generation, choices).
_choices_read: tuple[int, dict] | None = None


def _filter_choices(request: HttpRequest) -> dict:
    """The filters' choices: only what has published checks, read from the tallies (a few hundred
    rows), never from the claims. They change only with what moves the public generation, so each
    worker reads them once per generation."""
    global _choices_read
    generation = getattr(request, "public_generation", None)
    if generation is not None and _choices_read is not None and _choices_read[0] == generation:
        return _choices_read[1]
    choices = {
        "languages": published_languages(),
        "ratings": list(Rating.objects.filter(retired=False)),
        "speakers": list(Speaker.objects.filter(pk__in=counted(Tally.Kind.SPEAKER)).only("slug", "name")),
        "topics": list(Topic.objects.filter(pk__in=counted(Tally.Kind.TOPIC))),
    }
    if generation is not None and may_store(request):
        _choices_read = (generation, choices)
    return choices


def published_languages() -> list[tuple[str, str]]:
    """The languages of the published checks, by primary subtag, each named in itself."""
    codes = (Tally.objects.filter(kind=Tally.Kind.LANGUAGE, n__gt=0).order_by().values_list("key", flat=True)
             .distinct())
    return sorted(((code, language_name(code)) for code in codes), key=lambda pair: pair[1].casefold())


def _query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("after", None)
    return query.urlencode()


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = _listing(request, Claim.objects.all(), filters)
    return page_or_fragment(request, "public/home.html", "claim-listing", {
        "page": page, "filters": filters, "query": _query_string(request), **_filter_choices(request),
    })


def claim_page_context(claim: Claim) -> dict:
    verdict = getattr(claim, "verdict", None)
    reviewers = []
    for vote in claim.approvals:
        if vote.editor not in reviewers:
            reviewers.append(vote.editor)
    appearances = getattr(claim, "public_appearances", [])
    first = next((a for a in appearances if a.primary), appearances[0] if appearances else None)
    notes, seen = [], set()
    for note in getattr(claim, "public_notes", []):  # the latest note on each earlier check
        if note.past_claim_id not in seen:
            seen.add(note.past_claim_id)
            notes.append(note)
    review = seo.claim_review(claim)
    url = seo.absolute(claim.get_absolute_url())
    return {
        "claim": claim, "verdict": verdict, "reviewers": reviewers, "canonical_url": url,
        "first_appearance": first, "other_appearances": [a for a in appearances if a is not first],
        "differs_notes": notes, "updated_at": updated_at(claim),
        "claim_review_json": seo.json_for_script(review) if review else None,
        "embed_url": seo.absolute(f"/embed/claims/{claim.slug}/"), **embed_snippet(),
        "rating_scale": getattr(claim, "rating_scale", None),
        "retraction": next((c for c in claim.corrections.all() if c.kind == Correction.Kind.RETRACTION), None),
        "comparisons": comparisons_for(claim, claim.evidence.all()),
    }


def embed_snippet() -> dict:
    """What the embed snippet needs: the resizing script's absolute address, and the origin its
    messages must come from (SITE_URL's)."""
    script = static("js/embed.js")
    parts = urlsplit(settings.SITE_URL)
    return {"embed_script_url": script if urlsplit(script).netloc else seo.absolute(script),
            "site_origin": f"{parts.scheme}://{parts.netloc}"}


def updated_at(claim: Claim):
    """The last change readers can see since publication: a correction, or an editor's change to
    what the page shows (speaker, source, topics, appearances)."""
    dates = [c.created_at for c in claim.corrections.all() if c.kind != Correction.Kind.RETRACTION]
    if claim.revised_at:
        dates.append(claim.revised_at)
    return max(dates, default=None)


def with_approvals(queryset):
    return queryset.prefetch_related(Prefetch(
        "votes", queryset=ReviewVote.objects.filter(decision="approve").select_related("editor"),
        to_attr="approvals"))


@require_GET
@public_page
def claim_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The same for every reader: kept until something it shows changes (not at others' publishes).
    return keep_content(request, f"claim:{slug}", lambda: render_claim_detail(request, slug))


def render_claim_detail(request: HttpRequest, slug: str) -> HttpResponse:
    claims = with_rating_scale(seo.with_scale(with_approvals(Claim.objects.public().with_public_detail())))
    claim = claims.filter(slug=slug).first()
    if claim is None:
        survivor = merged_into(slug)
        if survivor is None:
            raise Http404("No public fact-check has this address.")
        return HttpResponsePermanentRedirect(survivor.get_absolute_url())
    return surrogate_keys(render(request, "public/claim_detail.html", claim_page_context(claim)), *claim_keys(claim))


def merged_into(slug: str) -> Claim | None:
    """The public check a once-public, since merged, check now lives in."""
    fields = ("status", "slug", "merged_into", "imported")
    merged = Claim.objects.filter(slug=slug, status="merged", published_at__isnull=False).only(*fields).first()
    seen = set()
    while merged is not None and merged.status == "merged" and merged.pk not in seen:
        seen.add(merged.pk)  # a merged claim's survivor may itself have been merged since
        merged = Claim.objects.filter(pk=merged.merged_into_id).only(*fields).first()
    if merged is None or not merged.is_public or merged.imported:
        return None
    return merged


@require_GET
@public_page
@xframe_options_exempt
def claim_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """A small card other sites may frame: the only route that allows it. Every page showing it asks
    for it, so it is kept like the check's own page."""
    return keep_content(request, f"embed:{slug}", lambda: render_claim_embed(request, slug))


def render_claim_embed(request: HttpRequest, slug: str) -> HttpResponse:
    claim = get_object_or_404(with_rating_scale(Claim.objects.public().with_list_detail()), slug=slug)
    response = render(request, "public/embed.html", {"claim": claim, "rating_scale": claim.rating_scale,
                                                     "canonical_url": seo.absolute(claim.get_absolute_url())})
    # Its own script only (it tells the embedding page the card's height); nothing else.
    response["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors *")
    return surrogate_keys(response, f"claim-{claim.pk}", f"speaker-{claim.speaker_id}")


@require_GET
@public_page
def speaker_list(request: HttpRequest) -> HttpResponse:
    # A claim counts once for each speaker who said it (through any accepted appearance): the
    # tallies hold it, so the page reads a few hundred rows whatever the number of claims.
    checks = RawSQL("SELECT sum(n) FROM claims_tally WHERE kind = 's' AND key = claims_speaker.id::text", [])
    speakers = (Speaker.objects.filter(pk__in=counted(Tally.Kind.SPEAKER)).annotate(checks=checks)
                .order_by("name"))
    page = Paginator(speakers, 100).get_page(request.GET.get("page"))
    return render(request, "public/speaker_list.html", {"page": page})


def scorecard(speaker: Speaker) -> list[dict]:
    counts = dict(Tally.objects.filter(kind=Tally.Kind.SPEAKER, key=str(speaker.pk), n__gt=0)
                  .values_list("rating_id", "n"))
    rows = [{"rating": r, "count": counts.get(r.pk, 0)} for r in Rating.objects.all() if counts.get(r.pk) or
            not r.retired]
    top = max([row["count"] for row in rows] + [1])
    for index, row in enumerate(rows):
        row["width"] = round(row["count"] / top * 300)
        row["y"] = index * 28
        row["text_y"] = index * 28 + 16
    return rows


@require_GET
@public_page
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(Speaker, slug=slug)
    page = _listing(request, Claim.objects.filter(said_by(speaker)),
                    facet=(Tally.Kind.SPEAKER, str(speaker.pk)))
    if _is_empty(page):
        raise Http404("No public fact-checks of this speaker.")  # names from desk work stay private
    rows = scorecard(speaker)
    response = render(request, "public/speaker_detail.html", {
        "speaker": speaker, "page": page, "scorecard": rows,
        "total": sum(row["count"] for row in rows), "chart_height": len(rows) * 28,
    })
    return surrogate_keys(response, f"speaker-{speaker.pk}", LISTINGS_KEY)


@require_GET
@public_page
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    page = _listing(request, topic.claims.all(), facet=(Tally.Kind.TOPIC, str(topic.pk)))
    if _is_empty(page):
        raise Http404("No public fact-checks on this topic.")
    response = render(request, "public/topic_detail.html", {"topic": topic, "page": page})
    return surrogate_keys(response, f"topic-{topic.pk}", LISTINGS_KEY)


_START, _STOP = "\x02", "\x03"  # sentinels that no text can contain after cleaning


def safe_headline(text: str) -> str:
    """Escape the whole headline, then turn the sentinels into <mark>: never trust ts_headline's HTML."""
    escaped = html.escape(text.replace("\x00", ""))
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


@require_GET
@public_page
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:QUERY_LIMIT]
    filters = _filters(request)
    # The reader's language: the one chosen, else the words' when that is clear, else the newsroom's.
    language = language_for(text, filters["language"])
    query = search_query(text, QUERY_LIMIT, language)
    results, about = None, None
    if query is not None:
        matches = filtered(Claim.objects.public(), filters).filter(search_vector=query)
        # Ranking reads every row it ranks: only the first RANK_POOL matches the index finds are
        # ranked, so a word in a twelfth of a million claims costs what a rare one does.
        # Snippets for the page shown only, in the same read: ts_headline reads and parses each quote again.
        shown = Claim.objects.with_card_detail().annotate(headline=SearchHeadline(
            "quote", query, config=ConfigOf("language"), start_sel=_START, stop_sel=_STOP, max_words=40,
            min_words=15, highlight_all=True))
        results = ranked_page(matches, query, language, shown, PER_PAGE, request.GET.get("page"))
        if results.estimated is not None:
            about = f"{max(results.estimated, RANK_POOL):,}"
        for claim in results:
            claim.safe_headline = safe_headline(claim.headline or claim.quote)
    return page_or_fragment(request, "public/search.html", "search-results", {
        "q": text, "results": results, "about": about, "filters": filters, "query": _query_string(request),
        "limit": QUERY_LIMIT, **_filter_choices(request),
    })


@require_GET
@public_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "public/methodology.html", {"ratings": Rating.objects.filter(retired=False),
                                                       "approvals_needed": settings.REVIEW_APPROVALS_REQUIRED})


@require_GET
@public_page
def corrections(request: HttpRequest) -> HttpResponse:
    items = (Correction.objects.filter(claim__status__in=PUBLIC_STATUSES, claim__imported=False)
             .select_related("claim__speaker").order_by("-created_at", "-id"))
    return render(request, "public/corrections.html", {"page": Paginator(items, 50).get_page(request.GET.get("page"))})


def _same_origin(request: HttpRequest) -> bool:
    """The suggestion form carries no CSRF cookie (public pages set none): check the Origin instead."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True
    match = re.match(r"^https?://([^/]+)", origin)
    return bool(match) and match.group(1) == request.get_host()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    """Readers suggest a claim to check. Never cached; a honeypot and a per-address limit keep spam out."""
    if request.method == "POST":
        if request.content_type.startswith("multipart/"):
            return _suggest_refused(request, "The suggestion form takes text only.", 415)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.SUGGEST_MAX_BYTES:
            return _suggest_refused(request, "That suggestion is too long to send.", 413)
    form = SuggestForm(request.POST or None)
    status, sent, limited = 200, False, False
    if request.method == "POST":
        if not _same_origin(request):
            raise Http404("Unknown form.")
        key = f"suggest:{client_address(request) or 'unknown'}:{dt.datetime.now(dt.UTC):%Y%m%d%H}"
        cache.add(key, 0, timeout=3600)
        if cache.get(key, 0) >= settings.SUGGESTIONS_PER_HOUR:
            limited, status = True, 429
        elif not form.is_valid():
            status = 422  # not counted
        elif cache.incr(key) > settings.SUGGESTIONS_PER_HOUR:
            limited, status = True, 429  # counted in one atomic step: simultaneous posts cannot all pass
        else:
            if not form.cleaned_data.get("website"):  # the honeypot: people leave it empty
                services.tip_create(text=form.cleaned_data["text"], url=form.cleaned_data["url"],
                                    email=form.cleaned_data["email"])
            sent, form = True, SuggestForm()
    response = render(request, "public/suggest.html", {"form": form, "sent": sent, "limited": limited},
                      status=status)
    response["Cache-Control"] = "no-store"
    return response


def _suggest_refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    response = render(request, "public/suggest.html", {"form": SuggestForm(), "refused": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /desk/", "Disallow: /admin/", "Disallow: /accounts/",
             f"Sitemap: {seo.absolute('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")

