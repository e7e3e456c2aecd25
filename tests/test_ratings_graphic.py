"""Ratings that carry the page: the contrast rules for rating colours, the rating form that
enforces them, the rating graphic on every page that shows a rating, the desk's swatches, and the
embed snippet and card."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import contrast, services
from claims.models import Rating
from tests import factories
from tests.html import field_by_label, parse, texts
from tests.test_public import _csp, published
from tests.test_workflow import snapshot

pytestmark = pytest.mark.django_db

SITE_URL = "https://checks.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL
    settings.REVIEW_APPROVALS_REQUIRED = 1
    cache.clear()
    yield
    cache.clear()


# --- contrast ---------------------------------------------------------------------------------------


def test_it_computes_wcag_luminance_and_contrast():
    assert contrast.relative_luminance("#000000") == 0
    assert contrast.relative_luminance("#FFFFFF") == pytest.approx(1)
    assert contrast.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast.contrast_ratio("#ffffff", "#000000") == contrast.contrast_ratio("#000000", "#ffffff")
    assert contrast.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA
    assert contrast.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # just over
    assert contrast.contrast_ratio("#1b7a3a", "#1b7a3a") == 1


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "123", "", None])
def test_it_refuses_what_is_not_a_six_digit_hex_colour(colour):
    with pytest.raises(ValueError):
        contrast.relative_luminance(colour)


@pytest.mark.parametrize(("colour", "text"), [
    ("#000000", "#ffffff"), ("#ffffff", "#000000"), ("#ffff00", "#000000"), ("#1b7a3a", "#ffffff"),
    ("#b3261e", "#ffffff"), ("#4f8a1f", "#000000"), ("#777777", "#000000"),
])
def test_it_chooses_the_text_colour_with_the_better_contrast(colour, text):
    assert contrast.text_colour_on(colour) == text
    other = contrast.WHITE if text == contrast.BLACK else contrast.BLACK
    assert contrast.contrast_ratio(colour, text) >= contrast.contrast_ratio(colour, other)


def test_every_colour_reaches_aa_with_black_or_white_text():
    """The reason the form refuses on the page background instead: the better of black and white
    never falls below about 4.58:1."""
    levels = range(0, 256, 15)
    worst = min(contrast.text_contrast(f"#{r:02x}{g:02x}{b:02x}") for r, g, b in itertools.product(levels, repeat=3))
    assert 4.5 < worst < 4.7
    assert all(contrast.text_reaches_aa(f"#{v:02x}{v:02x}{v:02x}") for v in range(256))


def test_it_says_whether_a_colour_stands_out_from_each_page():
    assert contrast.stands_out("#1b7a3a", "light") and contrast.stands_out("#1b7a3a", "dark")
    assert not contrast.stands_out("#ffd700", "light") and contrast.stands_out("#ffd700", "dark")
    assert contrast.stands_out("#b3261e", "light") and not contrast.stands_out("#b3261e", "dark")
    pages = contrast.against_pages("#ffffff")
    assert pages["light"] == 1 and pages["dark"] == pytest.approx(contrast.contrast_ratio("#ffffff", "#15171a"))


def test_it_writes_figures_rounded_down():
    assert contrast.figure(4.58) == "4.5:1"
    assert contrast.figure(2.999) == "2.9:1"
    assert contrast.figure(21) == "21:1"


def test_the_default_scale_stands_out_on_the_light_page():
    assert all(contrast.stands_out(r.colour, "light") for r in Rating.objects.all())


# --- the rating form -----------------------------------------------------------------------------


TOO_PALE = "#ffd700"  # gold: 1.4:1 on white


def test_it_refuses_a_new_rating_colour_too_pale_for_a_white_page(editor_client):
    before = snapshot()
    response = editor_client.post("/desk/ratings/", {"label": "Needs context", "value": "", "colour": TOO_PALE,
                                                     "definition": "Accurate, but misleading without context."})
    assert response.status_code == 422
    soup = parse(response)
    field = field_by_label(soup, "Colour")
    assert field.get("aria-invalid") == "true"
    error = soup.find(id=f"{field['id']}_error")
    assert error is not None and error.find_parent(class_="field") is field.find_parent(class_="field")
    assert error.get_text(strip=True) == ("This colour is too pale to see on a white page (1.4:1; it needs at least "
                                          "3:1): choose a darker one.")
    assert snapshot() == before


def test_it_refuses_recolouring_a_rating_too_pale(editor_client):
    target = Rating.objects.get(slug="half-true")
    before = snapshot()
    response = editor_client.post(f"/desk/ratings/{target.pk}/", {
        "label": target.label, "value": "3", "definition": target.definition, "colour": "#f0f0f0"})
    assert response.status_code == 422
    field = field_by_label(parse(response), "Colour")
    assert field.get("aria-invalid") == "true"
    assert "too pale to see on a white page" in parse(response).find(id=f"{field['id']}_error").get_text()
    assert snapshot() == before


def test_it_accepts_a_dark_colour_that_the_dark_scheme_outlines(editor_client):
    response = editor_client.post("/desk/ratings/", {"label": "Needs context", "value": "", "colour": "#6b1a14",
                                                     "definition": "Accurate, but misleading without context."})
    assert response.status_code == 303
    assert Rating.objects.get(label="Needs context").colour == "#6b1a14"


# --- the graphic -----------------------------------------------------------------------------------


def graphics(soup) -> list:
    return soup.find_all("svg", attrs={"role": "img", "data-testid": "rating"})


def scale_slugs() -> list[str]:
    return list(Rating.objects.filter(retired=False, value__isnull=False).order_by("position", "id")
                .values_list("slug", flat=True))


def assert_marks(svg, rating: Rating) -> None:
    """On the scale, with this rating marked, its label on its colour in the text colour that reads."""
    assert svg["aria-label"] == f"Rating: {rating.label}"
    assert svg.get_text(strip=True) == rating.label
    assert svg["data-rating"] == rating.slug
    pill = svg.find("rect", class_="rg-pill")
    assert pill["fill"] == rating.colour
    assert svg.find("text")["fill"] == contrast.text_colour_on(rating.colour)
    segments = svg.find_all("rect", class_="rg-seg")
    scale = list(Rating.objects.filter(slug__in=scale_slugs()).order_by("position", "id"))
    assert [s["fill"] for s in segments] == [r.colour for r in scale]
    current = [i for i, s in enumerate(segments) if "rg-current" in s["class"]]
    assert current == [scale.index(rating)]


def test_it_leads_the_fact_check_page_with_the_large_graphic(client):
    claim = published("Crossings have tripled.", rating="mostly-false")
    soup = parse(client.get(f"/claims/{claim.slug}/"))
    found = graphics(soup)
    assert len(found) == 1
    svg = found[0]
    assert "rating-graphic-large" in svg["class"]
    assert_marks(svg, Rating.objects.get(slug="mostly-false"))
    assert svg.find("polygon", class_="rg-marker") is not None
    assert soup.find("style") is None and all(not tag.has_attr("style") for tag in soup.find_all(True))
    lede = soup.find("header", class_="factcheck-lede")
    assert lede.find("h1").get_text() == f"{claim.speaker.name}: “Crossings have tripled.”"
    order = [tag for tag in lede.find_all(True) if tag.name == "h1" or tag is svg
             or tag.get("data-testid") in ("conclusion", "byline")]
    assert [t.name if t.name in ("h1", "svg") else t["data-testid"] for t in order] == [
        "h1", "svg", "conclusion", "byline"]


@pytest.mark.parametrize("view", ["home", "search", "speaker", "topic"])
def test_it_draws_the_small_graphic_on_every_card(client, view):
    topic = factories.TopicFactory()
    claim = published("Our town built 900 new homes last year.", rating="half-true", topics=[topic])
    url = {"home": "/", "search": "/search/?q=homes", "speaker": f"/speakers/{claim.speaker.slug}/",
           "topic": f"/topics/{topic.slug}/"}[view]
    card = parse(client.get(url)).find(attrs={"data-testid": "claim-card"})
    svg = graphics(card)[0]
    assert "rating-graphic-small" in svg["class"]
    assert_marks(svg, Rating.objects.get(slug="half-true"))


def test_it_draws_the_small_graphic_on_the_desk_dashboard(editor_client):
    published("Our town built 900 new homes last year.", rating="true")
    section = parse(editor_client.get("/desk/")).find(attrs={"data-testid": "recently-published"})
    svg = graphics(section)[0]
    assert_marks(svg, Rating.objects.get(slug="true"))


def test_it_shows_a_retracted_check_as_retracted_with_no_rating_marked(client, editor):
    claim = published("Crime fell by half in a year.", rating="false")
    services.claim_retract(claim_id=claim.pk, actor=editor, note="Our figures came from the wrong year.")
    for url in (f"/claims/{claim.slug}/", "/", f"/embed/claims/{claim.slug}/"):
        svg = graphics(parse(client.get(url)))[0]
        assert svg["aria-label"] == "Rating: Retracted", url
        assert svg.get_text(strip=True) == "Retracted"
        assert "is-retracted" in svg["class"]
        assert not svg.find("rect", class_="rg-pill").has_attr("fill")  # an outline, not the old rating's colour
        assert svg.find(class_="rg-current") is None and svg.find(class_="rg-marker") is None
        assert all("rg-seg-off" in s["class"] for s in svg.find_all("rect", class_="rg-seg"))


def test_it_shows_a_rating_off_the_scale_with_no_marker(client):
    claim = published("Nobody has ever complained.", rating="unproven")
    unproven = Rating.objects.get(slug="unproven")
    svg = graphics(parse(client.get(f"/claims/{claim.slug}/")))[0]
    assert svg["aria-label"] == "Rating: Unproven"
    assert "is-off-scale" in svg["class"]
    assert svg.find("rect", class_="rg-pill")["fill"] == unproven.colour
    segments = svg.find_all("rect", class_="rg-seg")
    assert len(segments) == len(scale_slugs())
    assert all("rg-seg-off" in s["class"] and not s.has_attr("fill") for s in segments)
    assert svg.find(class_="rg-current") is None and svg.find(class_="rg-marker") is None


def test_it_leaves_retired_ratings_off_the_scale(client):
    claim = published("Bread is cheaper than ever.", rating="half-true")
    Rating.objects.filter(slug="half-true").update(retired=True)
    svg = graphics(parse(client.get(f"/claims/{claim.slug}/")))[0]
    assert svg["aria-label"] == "Rating: Half true"
    assert "is-off-scale" in svg["class"]
    assert len(svg.find_all("rect", class_="rg-seg")) == 4


def test_it_outlines_a_colour_that_does_not_stand_out_in_the_dark_scheme(client):
    claim = published("Crime fell by half.", rating="false")  # #b3261e: 2.7:1 on the dark page
    svg = graphics(parse(client.get(f"/claims/{claim.slug}/")))[0]
    assert "outline-dark" in svg.find("rect", class_="rg-pill")["class"]
    assert "outline-light" not in svg.find("rect", class_="rg-pill")["class"]
    true = next(s for s in svg.find_all("rect", class_="rg-seg") if s["fill"] == "#1b7a3a")
    assert "outline-dark" not in true["class"]


def test_it_follows_the_scale_as_editors_reorder_it(client, editor):
    claim = published("Bread is cheaper than ever.", rating="false")
    false = Rating.objects.get(slug="false")
    services.rating_move(actor=editor, rating_id=false.pk, direction="up")
    svg = graphics(parse(client.get(f"/claims/{claim.slug}/")))[0]
    assert_marks(svg, false)
    fills = [s["fill"] for s in svg.find_all("rect", class_="rg-seg")]
    assert fills.index(false.colour) == 3


def rating_queries(ctx) -> list[str]:
    """Queries of the ratings table itself (not subqueries of another table's query)."""
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "claims_rating".')]


def test_it_reads_the_scale_with_the_fact_check_itself(client):
    claim = published("Bread is cheaper than ever.")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/claims/{claim.slug}/").status_code == 200
    assert rating_queries(ctx) == []


@pytest.mark.parametrize("n", [1, 20])
def test_it_reads_the_scale_once_for_a_page_of_cards(client, n):
    for i in range(n):
        published(f"Listed claim {i} about homes.", rating=["true", "false", "unproven"][i % 3])
    with CaptureQueriesContext(connection) as ctx:
        soup = parse(client.get("/"))
    assert len(graphics(soup)) == n
    # The filters' rating menu, and the scale for every card.
    assert len(rating_queries(ctx)) == 2
    assert len([sql for sql in rating_queries(ctx) if '"value" IS NOT NULL' in sql]) == 1


# --- the desk's rating scale -----------------------------------------------------------------------


def test_it_shows_each_colour_as_a_swatch_with_its_contrast_figures(editor_client):
    soup = parse(editor_client.get("/desk/ratings/"))
    rows = soup.find(attrs={"data-testid": "ratings-table"}).find_all(attrs={"data-testid": "rating-row"})
    assert len(rows) == Rating.objects.count()
    for row, rating in zip(rows, Rating.objects.order_by("position", "id"), strict=True):
        swatch = row.find(attrs={"data-testid": "swatch"})
        assert swatch["data-colour"] == rating.colour
        assert swatch.find("svg", attrs={"role": "img"})["aria-label"] == f"Rating: {rating.label}"
        figures = texts(swatch.find(attrs={"data-testid": "contrast-figures"}).find_all("li"))
        text = "black" if contrast.text_colour_on(rating.colour) == contrast.BLACK else "white"
        pages = contrast.against_pages(rating.colour)
        assert figures[0] == f"Label in {text}: {contrast.figure(contrast.text_contrast(rating.colour))}"
        assert figures[1].startswith(f"On the light page: {contrast.figure(pages['light'])}")
        assert figures[2].startswith(f"On the dark page: {contrast.figure(pages['dark'])}")
        assert ("outline" in figures[2]) == (pages["dark"] < 3)
    false = next(row for row in rows if row.find("td").get_text(strip=True) == "False")
    assert texts(false.find_all("li"))[2] == "On the dark page: 2.7:1 (drawn with an outline)"


def test_it_shows_the_current_colour_on_the_edit_page(editor_client):
    rating = Rating.objects.get(slug="true")
    soup = parse(editor_client.get(f"/desk/ratings/{rating.pk}/"))
    swatch = soup.find(attrs={"data-testid": "swatch"})
    assert swatch["data-colour"] == "#1b7a3a"
    assert texts(swatch.find_all("li"))[0] == "Label in white: 5.3:1"


# --- embedding -------------------------------------------------------------------------------------


def snippet(client, claim):
    soup = parse(client.get(f"/claims/{claim.slug}/"))
    return parse(field_by_label(soup, "Embed this fact-check").get_text())


def test_it_offers_a_snippet_that_fits_the_width_and_resizes_the_frame(client):
    claim = published("Crossings have tripled.")
    code = snippet(client, claim)
    iframe = code.find("iframe")
    assert iframe["src"] == f"{SITE_URL}/embed/claims/{claim.slug}/"
    assert (iframe["width"], iframe["height"]) == ("100%", "320")
    assert "max-width: 480px" in iframe["style"]
    assert iframe.has_attr("data-factcheck-embed")
    script = code.find("script")
    assert script["src"] == f"{SITE_URL}/static/js/embed.js"
    assert script["data-site"] == SITE_URL


def test_it_gives_the_card_its_own_script_and_nothing_else(client):
    claim = published("Crossings have tripled.", rating="mostly-false")
    response = client.get(f"/embed/claims/{claim.slug}/")
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["*"]
    soup = parse(response)
    scripts = soup.find_all("script")
    assert [s.get("src") for s in scripts] == ["/static/js/embed-card.js"]
    assert all(not s.string for s in scripts)
    card = soup.find(attrs={"data-testid": "embed-card"})
    assert card.find(class_="embed-speaker").get_text() == claim.speaker.name
    assert card.find(attrs={"data-testid": "quote"}).get_text() == "“Crossings have tripled.”"
    assert_marks(graphics(card)[0], Rating.objects.get(slug="mostly-false"))
    assert card.find(attrs={"data-testid": "conclusion"}).get_text() == claim.verdict.conclusion
    assert card.find("a", string="Read the full fact-check")["href"] == f"{SITE_URL}/claims/{claim.slug}/"


def test_it_serves_the_embed_scripts(client):
    from django.contrib.staticfiles import finders

    for name in ("js/embed.js", "js/embed-card.js"):
        assert finders.find(name), name
