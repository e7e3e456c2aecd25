"""The public site as readers see it (DESIGN §5, §7): fact-check pages with their ClaimReview,
speakers, topics, search, home, methodology, corrections, suggestions, feeds and sitemaps."""

from __future__ import annotations

import datetime as dt
import json
import math
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import feeds, public_cache, services
from claims.models import Appearance, Claim, Correction, Evidence, Rating, Speaker, Tip
from tests import factories
from tests.html import all_by_testid, button, field_by_label, parse, post_form, texts

pytestmark = pytest.mark.django_db

SITE_URL = "https://checks.example.org"
PUBLISHER = "Example Checks"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL
    settings.PUBLISHER_NAME = PUBLISHER
    settings.PUBLISHER_URL = SITE_URL
    settings.REVIEW_APPROVALS_REQUIRED = 1


# --- helpers ---------------------------------------------------------------------------------------


def by_testid(soup, name: str):
    return soup.find(attrs={"data-testid": name})


def link(soup, name: str):
    return soup.find(lambda tag: tag.name == "a" and tag.get_text(" ", strip=True) == name)


def meta(soup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def ld_scripts(soup) -> list:
    return soup.find_all("script", attrs={"type": "application/ld+json"})


def claim_review(client, claim) -> dict:
    response = client.get(f"/claims/{claim.slug}/")
    assert response.status_code == 200
    scripts = ld_scripts(parse(response))
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def card_links(soup) -> list[str]:
    return [card.find(["h2", "h3"]).find("a")["href"] for card in all_by_testid(soup, "claim-card")]


def published(quote: str, *, when: dt.datetime | None = None, rating: str = "mostly-false", speaker=None,
              topics=(), conclusion: str = "The official figures say otherwise.", **kwargs) -> Claim:
    """A published check with a verdict, its rating, speaker and topics as given."""
    extra = {"speaker": speaker} if speaker is not None else {}
    claim = factories.ClaimFactory(quote=quote, published=True, with_verdict=False, **extra, **kwargs)
    if when is not None:
        claim.published_at = when
        Claim.objects.filter(pk=claim.pk).update(published_at=when)
    factories.VerdictFactory(claim=claim, rating=factories.rating(rating), conclusion=conclusion,
                             published_at=claim.published_at)
    if topics:
        claim.topics.add(*topics)
    services.refresh_search_vectors([claim.pk])
    return claim


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


# --- the fact-check page ---------------------------------------------------------------------------


@pytest.fixture
def check(journalist, editor, editor2):
    """A published check with everything a fact-check page can show."""
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example", role="Shadow Home Secretary")
    source = factories.SourceFactory(url="https://news.example.org/channel-crossings", title="Channel crossings",
                                     outlet="Example News")
    topic = factories.TopicFactory(name="Immigration", slug="immigration")
    claim = factories.ClaimFactory(
        quote="Over 50,000 illegal immigrants have crossed the Channel in Labour's short time in power.",
        claim_checked="More than 50,000 people crossed the Channel in small boats since July 2024.",
        speaker=speaker, source=source, date_said=dt.date(2025, 8, 17), published=True, with_verdict=False)
    claim.topics.add(topic)
    factories.VerdictFactory(
        claim=claim, rating=factories.rating("mostly-true"), author=journalist,
        conclusion="Crossings passed 50,000, but the count includes people who arrived before the election.",
        analysis="The Home Office table gives **50,271** arrivals.\n\n<script>alert('analysis')</script>",
        published_at=claim.published_at)
    factories.EvidenceFactory(claim=claim, title="Small boat arrivals, Home Office", position=1,
                              stance=Evidence.Stance.SUPPORTS, passage="50,271 people arrived by small boat.")
    factories.EvidenceFactory(claim=claim, title="Arrivals before July 2024", position=2,
                              stance=Evidence.Stance.CONTEXT, passage="Some arrivals predate the election.")
    factories.ReplyAttemptFactory(claim=claim, contact="Chris Example's office", channel="Email",
                                  response="We stand by the figure.", show_publicly=True)
    factories.ReplyAttemptFactory(claim=claim, contact="A private adviser", channel="Phone",
                                  response="Off the record remark.", show_publicly=False)
    factories.CorrectionFactory(claim=claim, kind=Correction.Kind.UPDATE, created_by=editor,
                                note="We added the Home Office's July figures.")
    factories.ReviewVoteFactory(claim=claim, editor=editor, round=1)
    factories.ReviewVoteFactory(claim=claim, editor=editor2, round=1)
    factories.ReviewVoteFactory(claim=claim, editor=editor, round=0,
                                decision="request_changes", comment="Add the July table.")
    return claim


def test_it_shows_the_quote_speaker_source_and_date(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    assert by_testid(soup, "quote").get_text(strip=True) == f"“{check.quote}”"
    speaker_link = link(soup, "Chris Example")
    assert speaker_link["href"] == "/speakers/chris-example/"
    source_link = link(soup, "Channel crossings (Example News)")
    assert source_link["href"] == "https://news.example.org/channel-crossings"
    said = source_link.find_parent("p")
    assert said.find("time")["datetime"] == "2025-08-17"
    assert "17 August 2025" in said.get_text()


def test_it_shows_the_rating_with_its_definition_conclusion_and_sanitised_analysis(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    badge = by_testid(soup, "rating")
    assert badge.get_text(strip=True) == "Mostly true"
    assert badge["data-rating"] == "mostly-true"
    assert by_testid(soup, "rating-definition").get_text(strip=True) == Rating.objects.get(
        slug="mostly-true").definition
    assert by_testid(soup, "conclusion").get_text(strip=True) == check.verdict.conclusion
    analysis = by_testid(soup, "analysis")
    assert analysis.find("strong").get_text() == "50,271"
    assert analysis.find("script") is None
    assert [s for s in soup.find_all("script") if not s.get("src") and s.get("type") != "application/ld+json"] == []


def test_it_lists_the_evidence_with_stances_and_passages(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    items = by_testid(soup, "evidence").find_all("li")
    assert [item.find("a").get_text() for item in items] == ["Small boat arrivals, Home Office",
                                                           "Arrivals before July 2024"]
    assert [item.find(class_="stance").get_text() for item in items] == ["Supports", "Context"]
    assert [item.find("blockquote").get_text(strip=True) for item in items] == [
        "50,271 people arrived by small boat.", "Some arrivals predate the election."]
    assert items[0].find("a")["href"].startswith("https://stats.example.org/")


def test_it_shows_only_the_replies_marked_for_the_public(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    replies = texts(all_by_testid(soup, "reply"))
    assert len(replies) == 1
    assert "Chris Example's office" in replies[0]
    assert "We stand by the figure." in replies[0]
    assert "Off the record" not in soup.get_text()
    assert "A private adviser" not in soup.get_text()


def test_it_has_no_right_of_reply_section_when_nothing_is_public(client):
    claim = factories.ClaimFactory(published=True)
    factories.ReplyAttemptFactory(claim=claim, show_publicly=False)
    soup = parse(client.get(f"/claims/{claim.slug}/"))
    assert all_by_testid(soup, "reply") == []
    assert soup.find("h2", string="Right of reply") is None


def test_it_shows_the_corrections_log(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    log = texts(by_testid(soup, "corrections-log").find_all("li"))
    assert len(log) == 1
    assert log[0].startswith("Update")
    assert "We added the Home Office's July figures." in log[0]


def test_it_names_the_author_and_reviewing_editors_by_display_name(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    byline = soup.find(lambda tag: tag.name == "p" and tag.get_text(strip=True).startswith("Checked by"))
    assert byline.get_text(" ", strip=True) == "Checked by Amira Khan; reviewed by Tom Hughes, Grace Okafor."
    page_text = soup.get_text(" ")
    for username in ("journalist", "editor2"):
        assert username not in page_text


def test_it_shows_the_published_and_updated_dates(client, check):
    published_at = timezone.now() - dt.timedelta(days=10)
    Claim.objects.filter(pk=check.pk).update(published_at=published_at)
    soup = parse(client.get(f"/claims/{check.slug}/"))
    dates = soup.find(lambda tag: tag.name == "p" and tag.get_text(strip=True).startswith("Published"))
    times = dates.find_all("time")
    # Whole seconds: HTML allows at most three digits of a second.
    assert dt.datetime.fromisoformat(times[0]["datetime"]) == published_at.replace(microsecond=0)
    assert "updated" in dates.get_text()
    assert dt.datetime.fromisoformat(times[1]["datetime"]).date() == timezone.localdate()


def test_it_shows_no_updated_date_on_a_check_just_published(client, journalist, editor):
    """Publishing is not an update: the page says "updated" only after a later change."""
    claim = factories.ClaimFactory(in_review=True)
    factories.EvidenceFactory(claim=claim)
    services.review_approve(claim_id=claim.pk, actor=editor)
    soup = parse(client.get(f"/claims/{claim.slug}/"))
    dates = soup.find(lambda tag: tag.name == "p" and tag.get_text(strip=True).startswith("Published"))
    assert dates is not None
    assert "updated" not in dates.get_text(), dates.get_text(" ", strip=True)


def test_it_offers_share_links_and_an_embed_snippet(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    url = f"{SITE_URL}/claims/{check.slug}/"
    share = {name: link(soup, name)["href"] for name in ("Share on Bluesky", "Share on Facebook", "Share on X",
                                                         "Email")}
    assert parse_qs(urlsplit(share["Share on Bluesky"]).query)["text"] == [url]
    assert parse_qs(urlsplit(share["Share on Facebook"]).query)["u"] == [url]
    assert parse_qs(urlsplit(share["Share on X"]).query)["url"] == [url]
    assert share["Email"].startswith("mailto:")
    assert parse_qs(urlsplit(share["Email"]).query)["body"] == [url]
    embed = field_by_label(soup, "Embed this fact-check")
    assert embed.name == "textarea" and embed.has_attr("readonly")
    iframe = parse(embed.get_text()).find("iframe")
    assert iframe["src"] == f"{SITE_URL}/embed/claims/{check.slug}/"
    assert iframe["title"] == "Fact-check: Chris Example"


def test_it_shows_the_embeddable_card(client, check):
    response = client.get(f"/embed/claims/{check.slug}/")
    assert response.status_code == 200
    soup = parse(response)
    assert by_testid(soup, "rating").get_text(strip=True) == "Mostly true"
    assert link(soup, "Read the full fact-check")["href"] == f"{SITE_URL}/claims/{check.slug}/"


def test_it_puts_one_claim_review_in_json_ld(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    scripts = ld_scripts(soup)
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert data["url"] == f"{SITE_URL}/claims/{check.slug}/"
    assert data["claimReviewed"] == check.claim_checked
    assert data["reviewRating"] == {"@type": "Rating", "alternateName": "Mostly true", "ratingValue": 4,
                                    "bestRating": 5, "worstRating": 1}
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Chris Example", "jobTitle": "Shadow Home Secretary"}
    assert item["datePublished"] == "2025-08-17"
    assert [a["url"] for a in item["appearance"]] == ["https://news.example.org/channel-crossings"]
    assert item["firstAppearance"]["url"] == "https://news.example.org/channel-crossings"
    assert item["firstAppearance"]["@type"] == "CreativeWork"
    assert data["author"]["@type"] == "Organization"
    assert data["author"]["name"] == PUBLISHER
    published_at = check.verdict.published_at
    assert data["datePublished"] in {timezone.localtime(published_at).date().isoformat(),
                                     published_at.date().isoformat()}
    assert data["reviewBody"] == check.verdict.conclusion


def test_it_gives_no_rating_value_for_a_rating_off_the_scale(client):
    claim = published("Nobody can know how many people will come next year.", rating="unproven")
    review = claim_review(client, claim)
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}


def test_it_names_an_organisation_as_the_author_of_its_claim(client):
    speaker = factories.SpeakerFactory(organisation=True, name="Home Office", slug="home-office")
    claim = published("Returns rose by a quarter this year.", speaker=speaker)
    review = claim_review(client, claim)
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Home Office"}


def test_it_uses_the_quote_when_no_claim_as_checked_is_given(client):
    claim = published("Barely any small boat arrivals are Iraqi.", claim_checked="")
    assert claim_review(client, claim)["claimReviewed"] == "Barely any small boat arrivals are Iraqi."


HOSTILE = "</script><script>alert(1)</script> & <b>"


def test_it_keeps_hostile_text_inside_the_json_ld(client):
    claim = published(f"We said {HOSTILE} on air.", claim_checked=f"Checked {HOSTILE}",
                      conclusion=f"Concluded {HOSTILE}")
    soup = parse(client.get(f"/claims/{claim.slug}/"))
    scripts = ld_scripts(soup)
    assert len(scripts) == 1
    raw = scripts[0].string
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        assert char not in raw
        assert escaped in raw
    data = json.loads(raw)
    assert data["claimReviewed"] == f"Checked {HOSTILE}"
    assert data["reviewBody"] == f"Concluded {HOSTILE}"
    # Nothing broke out of the block: no other inline script, no injected <b>.
    assert [s for s in soup.find_all("script") if not s.get("src")] == scripts
    assert by_testid(soup, "quote").find("b") is None
    assert by_testid(soup, "quote").get_text(strip=True) == f"“We said {HOSTILE} on air.”"


def test_it_sets_open_graph_and_twitter_tags(client, check):
    soup = parse(client.get(f"/claims/{check.slug}/"))
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:url") == f"{SITE_URL}/claims/{check.slug}/"
    assert meta(soup, "og:title").startswith("Mostly true: Chris Example — “Over 50,000")
    assert meta(soup, "og:description") == check.verdict.conclusion
    assert meta(soup, "twitter:card") == "summary"
    assert soup.find("link", rel="canonical")["href"] == f"{SITE_URL}/claims/{check.slug}/"


def test_it_keeps_a_retracted_check_with_its_note_and_no_claim_review(client, editor):
    claim = published("Crime fell by half in a year.")
    services.claim_retract(claim_id=claim.pk, actor=editor, note="Our figures came from the wrong year.")
    response = client.get(f"/claims/{claim.slug}/")
    assert response.status_code == 200
    soup = parse(response)
    retraction = by_testid(soup, "retraction")
    assert retraction is not None
    assert retraction.find("h2").get_text() == "This fact-check has been retracted"
    assert "Our figures came from the wrong year." in retraction.get_text()
    # Prominent: the note comes before the quote.
    assert soup.find_all(attrs={"data-testid": ["retraction", "quote"]})[0] is retraction
    assert ld_scripts(soup) == []
    assert not (meta(soup, "og:title") or "").startswith("Mostly false")


@pytest.mark.parametrize("state", ["logged", "researching", "in_review", "dismissed"])
def test_it_hides_claims_that_are_not_public(client, state):
    claim = factories.ClaimFactory(**{state: True} if state != "logged" else {})
    assert claim.status == state
    for url in (f"/claims/{claim.slug}/", f"/embed/claims/{claim.slug}/"):
        assert client.get(url).status_code == 404
    soup = parse(client.get(f"/speakers/{claim.speaker.slug}/"))
    assert f"/claims/{claim.slug}/" not in card_links(soup)


def test_it_hides_imported_archive_claims(client):
    claim = factories.ClaimFactory(published=True, imported=True,
                                   original_url="https://archive.example.org/check/1")
    assert client.get(f"/claims/{claim.slug}/").status_code == 404
    assert client.get(f"/embed/claims/{claim.slug}/").status_code == 404
    assert f"/claims/{claim.slug}/" not in card_links(parse(client.get("/")))


@pytest.mark.parametrize("state", ["logged", "researching", "in_review", "dismissed", "published", "retracted"])
@pytest.mark.parametrize("persona", ["journalist", "editor"])
def test_it_previews_any_state_for_the_desk(client, request, persona, state):
    client.force_login(request.getfixturevalue(persona))
    claim = factories.ClaimFactory(**{state: True} if state != "logged" else {})
    response = client.get(f"/desk/claims/{claim.pk}/preview/")
    assert response.status_code == 200
    assert by_testid(parse(response), "quote").get_text(strip=True) == f"“{claim.quote}”"


def test_it_sends_anonymous_readers_from_the_preview_to_sign_in(client):
    claim = factories.ClaimFactory(in_review=True)
    response = client.get(f"/desk/claims/{claim.pk}/preview/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- speakers and topics -------------------------------------------------------------------------


def test_it_draws_the_speaker_scorecard_and_lists_their_checks(client):
    speaker = factories.SpeakerFactory(name="Jo Mayor", slug="jo-mayor")
    falses = [published(f"False statement number {n}.", rating="false", speaker=speaker) for n in range(2)]
    true = published("A true statement.", rating="true", speaker=speaker)
    hidden = factories.ClaimFactory(speaker=speaker, in_review=True)
    other = published("Someone else said this.")

    soup = parse(client.get("/speakers/jo-mayor/"))
    assert soup.find("h1").get_text() == "Jo Mayor"
    scorecard = by_testid(soup, "scorecard")
    svg = scorecard.find("svg")
    assert svg["role"] == "img"
    labelled_by = svg["aria-labelledby"].split()
    assert [svg.find(id=name).name for name in labelled_by] == ["title", "desc"]
    assert svg.find("title").get_text() == "Jo Mayor: published fact-checks by rating"
    desc = svg.find("desc").get_text()
    assert "False: 2." in desc and "True: 1." in desc and "Mostly true: 0." in desc
    table = scorecard.find("table")
    rows = {row.find("th").get_text(): int(row.find("td").get_text()) for row in table.find("tbody").find_all("tr")}
    assert rows["False"] == 2 and rows["True"] == 1 and rows["Half true"] == 0
    assert sum(rows.values()) == 3
    assert "3 in all" in table.find("caption").get_text()

    links = card_links(soup)
    assert sorted(links) == sorted(f"/claims/{c.slug}/" for c in [*falses, true])
    assert f"/claims/{hidden.slug}/" not in links and f"/claims/{other.slug}/" not in links


def test_it_lists_a_topics_checks(client):
    topic = factories.TopicFactory(name="Housing", slug="housing")
    mine = published("Rents fell last year.", topics=[topic])
    other = published("Bus fares doubled.")
    unpublished = factories.ClaimFactory(researching=True)
    unpublished.topics.add(topic)
    soup = parse(client.get("/topics/housing/"))
    assert soup.find("h1").get_text() == "Housing"
    assert card_links(soup) == [f"/claims/{mine.slug}/"]
    assert f"/claims/{other.slug}/" not in card_links(soup)


def test_it_lists_speakers_with_published_checks(client):
    checked = factories.SpeakerFactory(name="Ann Checked", slug="ann-checked")
    published("First claim.", speaker=checked)
    published("Second claim.", speaker=checked)
    unchecked = factories.SpeakerFactory(name="Bob Unchecked", slug="bob-unchecked")
    factories.ClaimFactory(speaker=unchecked, in_review=True)
    archived = factories.SpeakerFactory(name="Cy Archive", slug="cy-archive")
    factories.ClaimFactory(speaker=archived, published=True, imported=True,
                           original_url="https://archive.example.org/check/2")
    listing = by_testid(parse(client.get("/speakers/")), "speakers")
    names = [a.get_text() for a in listing.find_all("a")]
    assert names == ["Ann Checked"]
    assert "(2 fact-checks)" in listing.find("li").get_text()
    assert listing.find("a")["href"] == "/speakers/ann-checked/"


# --- search -------------------------------------------------------------------------------------


def search(client, **params):
    return client.get("/search/", params)


def results(response) -> list[str]:
    assert response.status_code == 200
    return card_links(parse(response).find(id="search-results"))


def test_it_ranks_the_exact_quote_above_a_conclusion_that_repeats_it(client):
    exact = published("Crime fell by half in our city last year.", when=_ago(30))
    in_conclusion = published("Our police budget is the largest ever.", when=_ago(1),
                              conclusion="The mayor also said crime fell by half in our city last year; it did not.")
    scattered = published("Last year the city saw crime fall in half the wards.", when=_ago(3))
    found = results(search(client, q="Crime fell by half in our city last year"))
    assert found == [f"/claims/{exact.slug}/", f"/claims/{in_conclusion.slug}/"]
    assert f"/claims/{scattered.slug}/" not in found  # "fall" is not "fell": every word must match


def test_it_ranks_the_exact_quote_above_a_longer_quote_that_contains_it(client):
    """Readers paste the words they heard: the check of exactly those words comes first, even when a
    newer, longer quote contains the same words and repeats one of them."""
    exact = published("Crime fell by half in our city last year.", when=_ago(30))
    longer = published("Crime fell by half in our city last year, and by a third the year before.", when=_ago(2))
    found = results(search(client, q="Crime fell by half in our city last year"))
    assert found == [f"/claims/{exact.slug}/", f"/claims/{longer.slug}/"]


def test_it_highlights_matches_and_escapes_the_quote(client):
    claim = published("Turnips are cheaper <img src=x onerror=alert(1)> than ever, said the minister.")
    response = search(client, q="turnips")
    soup = parse(response)
    area = soup.find(id="search-results")
    assert card_links(area) == [f"/claims/{claim.slug}/"]
    snippet = area.find(class_="snippet")
    assert [tag.name for tag in snippet.find_all(True)] == ["mark"]
    assert snippet.find("mark").get_text().lower() == "turnips"
    assert "<img src=x onerror=alert(1)>" in snippet.get_text()
    assert area.find("img") is None
    assert soup.find("img", attrs={"onerror": True}) is None


def test_it_filters_search_results(client):
    alice = factories.SpeakerFactory(name="Alice Filter", slug="alice-filter")
    bob = factories.SpeakerFactory(name="Bob Filter", slug="bob-filter")
    energy = factories.TopicFactory(name="Energy", slug="energy")
    farming = factories.TopicFactory(name="Farming", slug="farming")
    old = published("Wind turbines power every home in the county.", rating="false", speaker=alice,
                    topics=[energy], when=timezone.make_aware(dt.datetime(2025, 1, 10, 12)))
    new = published("Wind turbines are harming every farm.", rating="true", speaker=bob,
                    topics=[farming], when=timezone.make_aware(dt.datetime(2025, 3, 10, 12)))
    old_url, new_url = f"/claims/{old.slug}/", f"/claims/{new.slug}/"

    assert sorted(results(search(client, q="turbines"))) == sorted([old_url, new_url])
    assert results(search(client, q="turbines", rating="false")) == [old_url]
    assert results(search(client, q="turbines", speaker="bob-filter")) == [new_url]
    assert results(search(client, q="turbines", topic="energy")) == [old_url]
    assert results(search(client, q="turbines", **{"from": "2025-02-01"})) == [new_url]
    assert results(search(client, q="turbines", to="2025-02-01")) == [old_url]
    assert results(search(client, q="turbines", **{"from": "2025-01-01", "to": "2025-12-31"},
                          rating="true", speaker="bob-filter", topic="farming")) == [new_url]
    assert results(search(client, q="turbines", rating="half-true")) == []
    # Junk in a filter is ignored or matches nothing; never an error.
    assert sorted(results(search(client, q="turbines", **{"from": "yesterday"}))) == sorted([old_url, new_url])


def test_it_answers_an_htmx_search_with_the_results_fragment(client):
    claim = published("Solar panels cover half the roofs.")
    response = client.get("/search/", {"q": "solar"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    soup = parse(response)
    assert soup.find("html") is None and soup.find("body") is None
    roots = [el for el in soup.contents if getattr(el, "name", None)]
    assert len(roots) == 1 and roots[0]["id"] == "search-results"
    assert card_links(roots[0]) == [f"/claims/{claim.slug}/"]
    assert "HX-Request" in response["Vary"]


def test_it_limits_the_search_box_to_500_characters(client):
    soup = parse(search(client))
    box = field_by_label(soup, "Search")
    assert box["type"] == "search"
    assert box["maxlength"] == "500"
    assert box.find_parent("form")["action"] == "/search/"
    assert button(soup, "Search") is not None


@pytest.mark.parametrize("text", [
    "", '"unbalanced', "a & | ! <-> :*", "-", "Министр сказал правду", "قال الوزير إن الأرقام صحيحة",
    "部长说移民人数下降了", "🚤🚤 small boats 🚤", "tab\there\x01\x02\x03\x1b\x1f\x7fend", "x" * 2000,
    "homes " * 333, "!!!", "'", "\\", "(", "a:* | !b",
], ids=["empty", "unbalanced", "operators", "minus", "cyrillic", "arabic", "chinese", "emoji", "control",
        "2000-chars", "many-words", "bangs", "apostrophe", "backslash", "paren", "prefix"])
def test_it_answers_any_search_text(client, text):
    published("Our town built 900 new homes last year.")
    response = search(client, q=text)
    assert response.status_code == 200
    assert parse(response).find(id="search-results") is not None


def test_it_shows_the_search_text_back_escaped(client):
    response = search(client, q='<img src=x onerror=alert(1)> "quoted')
    soup = parse(response)
    assert soup.find("img", attrs={"onerror": True}) is None
    assert field_by_label(soup, "Search")["value"] == '<img src=x onerror=alert(1)> "quoted'


# --- home, methodology, corrections ------------------------------------------------------------


def test_it_paginates_the_latest_checks_newest_first(client):
    claims = [published(f"Numbered claim {n} about bridges.", when=_ago(n)) for n in range(25)]
    factories.ClaimFactory(in_review=True)
    first = parse(client.get("/"))
    assert card_links(first) == [f"/claims/{c.slug}/" for c in claims[:20]]
    pages = first.find("nav", attrs={"aria-label": "Pages"})
    assert "Page 1 of 2" in pages.get_text()
    next_link = pages.find("a", rel="next")
    second = parse(client.get("/" + next_link["href"]))
    assert card_links(second) == [f"/claims/{c.slug}/" for c in claims[20:]]


def test_it_filters_the_home_page(client):
    dee = factories.SpeakerFactory(name="Dee Home", slug="dee-home")
    health = factories.TopicFactory(name="Health", slug="health")
    a = published("Waiting lists are the shortest ever.", rating="false", speaker=dee, topics=[health],
                  when=timezone.make_aware(dt.datetime(2025, 2, 1, 12)))
    b = published("Nurses got a 10% rise.", rating="true", when=timezone.make_aware(dt.datetime(2025, 5, 1, 12)))
    a_url, b_url = f"/claims/{a.slug}/", f"/claims/{b.slug}/"
    assert card_links(parse(client.get("/"))) == [b_url, a_url]
    assert card_links(parse(client.get("/", {"rating": "false"}))) == [a_url]
    assert card_links(parse(client.get("/", {"speaker": "dee-home"}))) == [a_url]
    assert card_links(parse(client.get("/", {"topic": "health"}))) == [a_url]
    assert card_links(parse(client.get("/", {"from": "2025-03-01"}))) == [b_url]
    assert card_links(parse(client.get("/", {"rating": "true", "speaker": "dee-home"}))) == []

    soup = parse(client.get("/"))
    speaker_options = [o["value"] for o in field_by_label(soup, "Speaker").find_all("option") if o["value"]]
    assert "dee-home" in speaker_options
    assert [o["value"] for o in field_by_label(soup, "Topic").find_all("option") if o["value"]] == ["health"]
    rating_options = [o.get_text() for o in field_by_label(soup, "Rating").find_all("option") if o["value"]]
    assert rating_options == ["True", "Mostly true", "Half true", "Mostly false", "False", "Unproven"]


def test_it_answers_an_htmx_filter_on_home_with_the_listing_fragment(client):
    claim = published("Trains run on time.")
    response = client.get("/", {"rating": "mostly-false"}, headers={"HX-Request": "true"})
    soup = parse(response)
    assert soup.find("html") is None
    roots = [el for el in soup.contents if getattr(el, "name", None)]
    assert len(roots) == 1 and roots[0]["id"] == "claim-listing"
    assert card_links(roots[0]) == [f"/claims/{claim.slug}/"]


def test_it_offers_only_speakers_and_topics_with_public_checks_as_filters(client):
    """An archive record (imported) gets no public page, so its speaker is not a filter choice either."""
    published("A public claim.")
    archived = factories.SpeakerFactory(name="Archie Imported", slug="archie-imported")
    old_topic = factories.TopicFactory(name="Archive only", slug="archive-only")
    record = factories.ClaimFactory(speaker=archived, published=True, imported=True,
                                    original_url="https://archive.example.org/check/9")
    record.topics.add(old_topic)
    soup = parse(client.get("/"))
    assert "archie-imported" not in [o["value"] for o in field_by_label(soup, "Speaker").find_all("option")]
    assert "archive-only" not in [o["value"] for o in field_by_label(soup, "Topic").find_all("option")]


def test_it_offers_a_search_box_on_home(client):
    """DESIGN §5: "Home: latest fact-checks, search, filters by rating, speaker, topic"."""
    soup = parse(client.get("/"))
    box = soup.find("input", attrs={"name": "q"})
    assert box is not None, "the home page has no search box"
    assert box.find_parent("form")["action"] == "/search/"


def test_it_explains_the_ratings_from_the_database(client, editor):
    rating = Rating.objects.get(slug="half-true")
    services.rating_save(actor=editor, rating_id=rating.pk,
                         data={"label": "Partly accurate", "definition": "Some of it is right, some is not."})
    retired = Rating.objects.get(slug="mostly-true")
    services.rating_retire(actor=editor, rating_id=retired.pk)
    soup = parse(client.get("/methodology/"))
    ratings = by_testid(soup, "ratings")
    labels = [dt_.get_text(strip=True) for dt_ in ratings.find_all("dt")]
    assert labels == ["True", "Partly accurate", "Mostly false", "False", "Unproven"]
    definitions = {dt_.get_text(strip=True): dt_.find_next_sibling("dd").get_text(strip=True)
                   for dt_ in ratings.find_all("dt")}
    assert definitions["Partly accurate"] == "Some of it is right, some is not."
    assert definitions["False"] == "The statement is not accurate."
    policy = soup.find("h2", id="corrections-policy")
    assert policy.get_text() == "Corrections policy"
    assert "retract" in policy.find_next_sibling("p").get_text()
    assert link(soup, "corrections page")["href"] == "/corrections/"


def test_it_lists_public_corrections_newest_first(client, editor):
    first = published("Claim corrected long ago.")
    second = published("Claim corrected recently.")
    retracted = factories.ClaimFactory(retracted=True)
    old = factories.CorrectionFactory(claim=first, note="The oldest note.", created_by=editor)
    new = factories.CorrectionFactory(claim=second, kind=Correction.Kind.CLARIFICATION, note="The newest note.",
                                      created_by=editor)
    middle = factories.CorrectionFactory(claim=retracted, kind=Correction.Kind.RETRACTION,
                                         note="Retracted: wrong figures.", created_by=editor)
    hidden_claim = factories.ClaimFactory(in_review=True)
    hidden = factories.CorrectionFactory(claim=hidden_claim, note="A note on an unpublished claim.",
                                         created_by=editor)
    imported = factories.ClaimFactory(published=True, imported=True, original_url="https://archive.example.org/x")
    imported_note = factories.CorrectionFactory(claim=imported, note="An archive note.", created_by=editor)
    for days, correction in ((30, old), (1, new), (10, middle), (0, hidden), (0, imported_note)):
        Correction.objects.filter(pk=correction.pk).update(created_at=_ago(days))

    soup = parse(client.get("/corrections/"))
    items = by_testid(soup, "corrections").find_all("li")
    notes = [item.find_all("p")[1].get_text() for item in items]
    assert notes == ["The newest note.", "Retracted: wrong figures.", "The oldest note."]
    assert [item.find("a")["href"] for item in items] == [
        f"/claims/{second.slug}/", f"/claims/{retracted.slug}/", f"/claims/{first.slug}/"]
    assert items[0].find("strong").get_text() == "Clarification"
    assert "unpublished" not in soup.get_text() and "archive note" not in soup.get_text()


# --- suggestions ----------------------------------------------------------------------------------


def suggest(client, **data):
    payload = {"text": "The minister said 90% of trains were on time.", "url": "https://social.example.org/p/1",
               "email": "reader@example.org", "website": ""}
    payload.update(data)
    return post_form(client, "/suggest/", payload)


def test_it_shows_the_suggestion_form(client):
    response = client.get("/suggest/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    soup = parse(response)
    assert field_by_label(soup, "Claim").name == "textarea"
    assert field_by_label(soup, "Where did you see it?")["name"] == "url"
    assert field_by_label(soup, "Email")["name"] == "email"
    assert button(soup, "Send suggestion")["type"] == "submit"
    assert soup.find(attrs={"name": "csrfmiddlewaretoken"}) is None


def test_it_stores_a_suggestion_and_thanks_the_reader(client):
    response = suggest(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    tip = Tip.objects.get()
    assert tip.status == Tip.TipStatus.NEW
    assert tip.text == "The minister said 90% of trains were on time."
    assert tip.url == "https://social.example.org/p/1"
    assert tip.email == "reader@example.org"
    soup = parse(response)
    assert "Thank you" in by_testid(soup, "thanks").get_text()
    assert field_by_label(soup, "Claim").get_text().strip() == ""  # a fresh form


@pytest.mark.parametrize(("field", "label", "data"), [
    ("text", "Claim", {"text": ""}),
    ("url", "Where did you see it?", {"url": "javascript:alert(1)"}),
    ("email", "Email", {"email": "not an address"}),
    ("text", "Claim", {"text": "x" * 2001}),
])
def test_it_refuses_an_invalid_suggestion(client, field, label, data):
    response = suggest(client, **data)
    assert response.status_code == 422
    assert not Tip.objects.exists()
    soup = parse(response)
    widget = field_by_label(soup, label)
    wrapper = widget.find_parent(class_="field")
    errors = wrapper.find_all(class_="field-error")
    assert errors and errors[0].get_text().strip()
    assert len(soup.find_all(class_="field-error")) == 1
    assert by_testid(soup, "thanks") is None


def _described_by(soup, field) -> list:
    return [soup.find(id=name) for name in field.get("aria-describedby", "").split()]


def test_it_ties_help_and_errors_to_their_fields_on_the_suggest_form(client):
    """Screen readers announce a field's help and its error: aria-describedby must name elements that exist."""
    soup = parse(client.get("/suggest/"))
    for label in ("Claim", "Where did you see it?", "Email"):
        field = field_by_label(soup, label)
        described = _described_by(soup, field)
        assert described and None not in described, f"{label}: aria-describedby={field.get('aria-describedby')}"
        assert "help" in described[0]["class"]

    soup = parse(suggest(client, text="", email="not an address"))
    for label in ("Claim", "Email"):
        field = field_by_label(soup, label)
        assert field["aria-invalid"] == "true"
        described = _described_by(soup, field)
        assert None not in described, f"{label}: aria-describedby={field.get('aria-describedby')}"
        errors = [el for el in described if "field-error" in el.get("class", [])]
        assert errors and errors[0].get_text().strip()


def test_it_thanks_a_bot_that_fills_the_honeypot_but_stores_nothing(client):
    response = suggest(client, website="https://spam.example.com")
    assert response.status_code == 200
    assert by_testid(parse(response), "thanks") is not None
    assert not Tip.objects.exists()


def test_it_limits_suggestions_from_one_address(client):
    for n in range(5):
        assert suggest(client, text=f"Suggestion number {n}").status_code == 200
    assert Tip.objects.count() == 5
    response = suggest(client, text="One too many")
    assert response.status_code == 429
    soup = parse(response)
    assert "try again a little later" in by_testid(soup, "limited").get_text()
    assert by_testid(soup, "thanks") is None
    assert Tip.objects.count() == 5
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert suggest(other, text="From elsewhere").status_code == 200
    assert Tip.objects.count() == 6


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example.com"},
    {"Referer": "https://evil.example.com/form.html"},
    {"Origin": "null"},
])
def test_it_refuses_a_cross_site_suggestion(client, headers):
    response = post_form(client, "/suggest/", {"text": "Forged suggestion."}, headers=headers)
    assert response.status_code in (403, 404)
    assert not Tip.objects.exists()


def test_it_accepts_a_suggestion_from_its_own_origin(client):
    response = post_form(client, "/suggest/", {"text": "Same-site suggestion."}, headers={"Origin": "http://testserver"})
    assert response.status_code == 200
    assert Tip.objects.get().text == "Same-site suggestion."


# --- machine-readable -----------------------------------------------------------------------------


def test_it_serves_the_latest_checks_as_an_atom_feed(client):
    claims = [published(f"Feed claim number {n}.", when=_ago(n)) for n in range(53)]
    retracted = factories.ClaimFactory(retracted=True, published_at=_ago(0) + dt.timedelta(minutes=1))
    hidden = factories.ClaimFactory(in_review=True)
    response = client.get("/feeds/latest/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == f"{PUBLISHER}: latest fact-checks"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    expected = [retracted, *claims[:49]]
    assert [urlsplit(href).path for href in links] == [f"/claims/{c.slug}/" for c in expected]
    assert all(hidden.slug not in href for href in links)
    assert entries[0].find(f"{ATOM}title").text.startswith("Retracted:")
    assert entries[1].find(f"{ATOM}title").text.startswith("Mostly false:")
    published_dates = [entry.find(f"{ATOM}published").text for entry in entries]
    assert published_dates == sorted(published_dates, reverse=True)


def _streamed_json(response) -> dict:
    assert response.streaming
    return json.loads(b"".join(response.streaming_content))


def test_it_serves_a_claim_review_data_feed(client, editor):
    live = [published(f"Data feed claim {n}.") for n in range(3)]
    gone = published("Retracted data feed claim.")
    services.claim_retract(claim_id=gone.pk, actor=editor, note="Wrong.")
    factories.ClaimFactory(in_review=True)
    factories.ClaimFactory(published=True, imported=True, original_url="https://archive.example.org/y")
    response = client.get("/claimreview.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = _streamed_json(response)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "DataFeed"
    elements = data["dataFeedElement"]
    assert all(element["@type"] == "ClaimReview" for element in elements)
    assert sorted(element["url"] for element in elements) == sorted(f"{SITE_URL}/claims/{c.slug}/" for c in live)
    # The same ClaimReview the page carries.
    page_review = claim_review(client, live[0])
    assert next(e for e in elements if e["url"] == page_review["url"]) == page_review


def test_it_serves_an_empty_data_feed(client):
    data = _streamed_json(client.get("/claimreview.json"))
    assert data["dataFeedElement"] == []


def _sitemap_urls(response) -> list[str]:
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


@pytest.fixture
def site_pages():
    """Public and non-public claims; returns the URLs the sitemap should list."""
    speaker = factories.SpeakerFactory(slug="sitemap-speaker")
    topic = factories.TopicFactory(name="Sitemap topic", slug="sitemap-topic")
    claims = [published(f"Sitemap claim {n}.", speaker=speaker, topics=[topic]) for n in range(3)]
    other = published("Sitemap claim by someone else.")
    retracted = factories.ClaimFactory(retracted=True)
    hidden_speaker = factories.SpeakerFactory(slug="hidden-speaker")
    hidden_topic = factories.TopicFactory(name="Hidden topic", slug="hidden-topic")
    for state in ("in_review", "researching", "dismissed"):
        factories.ClaimFactory(speaker=hidden_speaker, **{state: True}).topics.add(hidden_topic)
    factories.ClaimFactory(speaker=hidden_speaker, published=True, imported=True,
                           original_url="https://archive.example.org/z")
    public_claims = [*claims, other, retracted]
    urls = ["/", "/speakers/", "/methodology/", "/corrections/", "/search/"]
    urls += [f"/claims/{c.slug}/" for c in public_claims]
    urls += sorted({f"/speakers/{c.speaker.slug}/" for c in public_claims})
    urls += ["/topics/sitemap-topic/"]
    return sorted(f"{SITE_URL}{u}" for u in urls)


def test_it_lists_exactly_the_public_pages_in_the_sitemap(client, site_pages):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    urls = _sitemap_urls(response)
    assert len(urls) == len(set(urls))
    assert sorted(urls) == site_pages
    for claim in Claim.objects.exclude(status__in=["published", "retracted"]):
        assert f"{SITE_URL}/claims/{claim.slug}/" not in urls


def test_it_splits_a_large_sitemap_into_sections(client, site_pages, monkeypatch):
    cache.clear()
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 4)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    sections = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert sections == [f"{SITE_URL}/sitemap-{n}.xml" for n in range(1, math.ceil(len(site_pages) / 4) + 1)]
    listed = []
    for section in sections:
        urls = _sitemap_urls(client.get(urlsplit(section).path))
        assert 0 < len(urls) <= 4
        listed += urls
    assert len(listed) == len(set(listed))
    assert sorted(listed) == site_pages
    assert client.get(f"/sitemap-{len(sections) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_it_points_robots_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /desk/" in lines
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert "Disallow: /" not in lines


# --- framing, cookies -------------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_it_lets_other_sites_frame_the_embed_card(client):
    claim = published("A claim to embed.")
    for _ in range(2):  # the first answer, then the cached one
        response = client.get(f"/embed/claims/{claim.slug}/")
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        assert _csp(response)["frame-ancestors"] == ["*"]


def public_urls(claim: Claim) -> dict[str, str]:
    return {
        "home": "/", "claim": f"/claims/{claim.slug}/", "speaker": f"/speakers/{claim.speaker.slug}/",
        "speakers": "/speakers/", "topic": f"/topics/{claim.topics.first().slug}/", "search": "/search/?q=homes",
        "methodology": "/methodology/", "corrections": "/corrections/", "suggest": "/suggest/",
    }


PAGES = ["home", "claim", "speaker", "speakers", "topic", "search", "methodology", "corrections", "suggest"]


@pytest.fixture
def any_claim():
    return published("Our town built 900 new homes last year.", topics=[factories.TopicFactory()])


@pytest.mark.parametrize("view", PAGES)
def test_it_refuses_framing_of_every_other_page(client, any_claim, view):
    url = public_urls(any_claim)[view]
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        assert _csp(response)["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("view", PAGES)
def test_it_sets_no_cookie_and_no_csrf_token_for_readers(client, any_claim, view):
    response = client.get(public_urls(any_claim)[view])
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response
    soup = parse(response)
    assert soup.find(attrs={"name": "csrfmiddlewaretoken"}) is None
    assert soup.find(attrs={"data-hx-headers": True}) is None


# --- query counts -------------------------------------------------------------------------------


@pytest.fixture(params=["locmem", "database"])
def cache_backend(request, settings):
    """The page's own queries (in-memory cache, as with Redis) and the whole cost with the database cache."""
    if request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": "public-query-counts"}}
    cache.clear()
    yield request.param
    cache.clear()


def count_queries(client, url: str) -> int:
    cache.clear()  # so the view really runs
    public_cache.generation()  # a cache miss on a running site: the generation is always there
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def assert_fixed(counts: list[int], limit: int = 8) -> None:
    assert counts[0] == counts[1], f"queries grow with rows: {counts}"
    assert counts[0] <= limit, f"{counts[0]} queries on a cache miss"


def check_page_limit(cache_backend: str) -> int:
    """A check's page: its own queries (the appearances and the public consistency notes included);
    with the database cache, the cache's too: the page looked up and stored, the check's kept content
    looked up, its keys' versions read, given (a cleared cache has none) and read again, and stored."""
    return 10 if cache_backend == "locmem" else 15


def test_it_reads_a_fact_check_page_in_a_fixed_number_of_queries(client, cache_backend, editor, editor2):
    counts = []
    for n in (1, 100):
        claim = published(f"A claim with {n} pieces of evidence.", topics=[factories.TopicFactory()])
        factories.EvidenceFactory.create_batch(n, claim=claim)
        factories.ReplyAttemptFactory.create_batch(2, claim=claim)
        factories.CorrectionFactory.create_batch(2, claim=claim, created_by=editor)
        factories.ReviewVoteFactory(claim=claim, editor=editor)
        factories.ReviewVoteFactory(claim=claim, editor=editor2)
        cache.clear()
        assert len(by_testid(parse(client.get(f"/claims/{claim.slug}/")), "evidence").find_all("li")) == n
        counts.append(count_queries(client, f"/claims/{claim.slug}/"))
    assert_fixed(counts, limit=check_page_limit(cache_backend))


def test_it_reads_a_fact_check_page_with_1_or_50_appearances_in_the_same_queries(client, cache_backend, editor):
    counts = []
    for n in (1, 50):
        claim = published(f"A claim said {n} times over.", topics=[factories.TopicFactory()])
        factories.EvidenceFactory(claim=claim)
        for i in range(n - 1):
            source = factories.SourceFactory()
            Appearance.objects.create(claim=claim, speaker=factories.SpeakerFactory(), speaker_role="Minister",
                                      source=source, quote=claim.quote, date_said=dt.date(2025, 1, 1 + i % 28))
        cache.clear()
        soup = parse(client.get(f"/claims/{claim.slug}/"))
        also = by_testid(soup, "also-said")
        assert (len(also.find_all("li")) if also else 0) == n - 1
        review = json.loads(soup.find("script", type="application/ld+json").string)
        assert len(review["itemReviewed"]["appearance"]) == n
        counts.append(count_queries(client, f"/claims/{claim.slug}/"))
    assert_fixed(counts, limit=check_page_limit(cache_backend))


def _claims_for(n: int, speaker: Speaker, topic) -> None:
    ratings = ["true", "false", "mostly-false", "half-true", "unproven"]
    for i in range(n):
        published(f"Listed claim {i} about homes.", speaker=speaker, topics=[topic], rating=ratings[i % 5])


@pytest.mark.parametrize("view", ["home", "search", "speaker", "topic"])
def test_it_reads_listings_in_a_fixed_number_of_queries(client, cache_backend, view):
    counts = []
    for n in (1, 50):
        speaker = factories.SpeakerFactory()
        topic = factories.TopicFactory()
        _claims_for(n, speaker, topic)
        url = {"home": "/", "search": "/search/?q=homes", "speaker": f"/speakers/{speaker.slug}/",
               "topic": f"/topics/{topic.slug}/"}[view]
        cache.clear()
        shown = len(all_by_testid(parse(client.get(url)), "claim-card"))
        assert shown == min(Claim.objects.public().filter(speaker=speaker).count() if view == "speaker" else
                            Claim.objects.public().filter(topics=topic).count() if view == "topic" else
                            Claim.objects.public().count(), 20)
        counts.append(count_queries(client, url))
    # Home and search offer the filters: + the languages of the published checks; search reads the
    # page's snippets apart, for the checks shown only; a speaker's page first reads the checks they
    # said again elsewhere (so that their newest come from an index).
    assert_fixed(counts, limit={"home": 9, "search": 10, "speaker": 9}.get(view, 8))


def test_it_gives_the_feed_and_the_page_the_same_appearances_and_the_role_when_said(client, editor):
    check = published("A claim said twice over.")
    speaker = check.speaker
    services.appearance_add(claim_id=check.pk, actor=editor, quote=check.quote, speaker=factories.SpeakerFactory(),
                            source_url="https://news.example.org/said-again", date_said=dt.date(2025, 9, 1))
    Speaker.objects.filter(pk=speaker.pk).update(role="A new role since")
    cache.clear()
    page_review = claim_review(client, check)
    assert [a["url"] for a in page_review["itemReviewed"]["appearance"]] == [
        check.source.url, "https://news.example.org/said-again"]
    assert page_review["itemReviewed"]["firstAppearance"]["url"] == check.source.url
    assert page_review["itemReviewed"]["author"]["jobTitle"] == "Member of Parliament"
    feed = _streamed_json(client.get("/claimreview.json"))["dataFeedElement"]
    assert next(e for e in feed if e["url"] == page_review["url"]) == page_review


def test_the_filters_escape_names_and_mark_the_chosen_one(client, editor_client):
    hostile = factories.SpeakerFactory(name='<script>alert("x")</script> & Co', slug="hostile-co")
    published("A claim by a hostile name.", speaker=hostile)
    soup = parse(client.get("/?speaker=hostile-co"))
    [chosen] = soup.find("select", id="filter-speaker").find_all("option", selected=True)
    assert chosen["value"] == "hostile-co" and chosen.get_text() == '<script>alert("x")</script> & Co'
    assert not soup.find("select", id="filter-speaker").find("script")

    desk = parse(editor_client.get(f"/desk/claims/?speaker={hostile.pk}"))
    [chosen] = desk.find("select", id="id_speaker").find_all("option", selected=True)
    assert chosen["value"] == str(hostile.pk) and chosen.get_text() == hostile.name
    assert not desk.find("select", id="id_speaker").find("script")
    assert desk.find("select", id="id_topic").find_all("option", selected=True) == []
