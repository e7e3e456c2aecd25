"""The fact-check page leads with the claim, the rating and the conclusion, above the fold on a
laptop and on a phone; the embed card fits its frame on another site; axe-core finds nothing
serious in either colour scheme."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from claims.models import Evidence
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# 300 characters: the longest quote the page promises to keep above the fold.
QUOTE = ("Over fifty thousand illegal immigrants have crossed the Channel in small boats in Labour's short time in "
         "power, more than in any comparable period before, and the Home Office's own figures show that barely "
         "any of the people arriving this way are being returned to the countries they came from at all.")
CONCLUSION = ("Crossings did pass 50,000, but the count starts before the election and returns rose over the "
              "same period.")


@pytest.fixture
def check(settings, live_server, people):
    assert len(QUOTE) == 300
    settings.SITE_URL = live_server.url
    cache.clear()
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example", role="Shadow Home Secretary")
    claim = factories.ClaimFactory(quote=QUOTE, speaker=speaker, published=True, with_verdict=False,
                                   claim_checked="More than 50,000 people crossed the Channel since July 2024.",
                                   source=factories.SourceFactory(title="Channel crossings", outlet="Example News"))
    factories.VerdictFactory(claim=claim, rating=factories.rating("mostly-false"), conclusion=CONCLUSION,
                             author=people["journalist"], published_at=claim.published_at,
                             analysis="The Home Office table gives **50,271** arrivals.")
    factories.ReviewVoteFactory(claim=claim, editor=people["editor"], round=1)
    factories.EvidenceFactory(claim=claim, title="Small boat arrivals", stance=Evidence.Stance.SUPPORTS,
                              passage="50,271 people arrived by small boat.")
    factories.EvidenceFactory(claim=claim, title="Returns agreements", stance=Evidence.Stance.CONTRADICTS)
    return claim


def above_the_fold(page: Page, locator, viewport: dict) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (
        f"{locator} ends at {box['y'] + box['height']:.0f}px, below the fold at {viewport['height']}px")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_it_leads_with_the_claim_the_rating_and_the_conclusion_above_the_fold(open_as, live_server, check,
                                                                              viewport):
    page = open_as(viewport=viewport)
    page.goto(f"{live_server.url}/claims/{check.slug}/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Chris Example: “{QUOTE}”")
    graphic = page.get_by_role("img", name="Rating: Mostly false")
    expect(graphic).to_contain_text("Mostly false")
    conclusion = page.get_by_test_id("conclusion")
    expect(conclusion).to_have_text(CONCLUSION)
    byline = page.get_by_test_id("byline")
    expect(byline).to_contain_text("Checked by Amira Khan; reviewed by Tom Hughes.")
    for locator in (heading, graphic, conclusion, byline):
        above_the_fold(page, locator, viewport)
    # The order a reader meets them in (the conclusion may sit beside the graphic), then the
    # evidence, then share and embed at the end.
    box = {name: locator.bounding_box() for name, locator in (
        ("heading", heading), ("graphic", graphic), ("conclusion", conclusion), ("byline", byline),
        ("evidence", page.get_by_role("heading", name="Evidence")),
        ("share", page.get_by_role("heading", name="Share and embed")))}
    top = {name: b["y"] for name, b in box.items()}
    bottom = {name: b["y"] + b["height"] for name, b in box.items()}
    assert bottom["heading"] <= min(top["graphic"], top["conclusion"])
    assert max(bottom["graphic"], bottom["conclusion"]) <= top["byline"]
    assert bottom["byline"] <= top["evidence"] < top["share"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.fixture
def other_site():
    """Another site, on an origin of its own (another port, so that Chromium lets it frame the live
    server on the same machine): ``other_site(html)`` serves the page and gives its address."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get("article", "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html: str) -> str:
        pages["article"] = html
        return f"http://127.0.0.1:{server.server_address[1]}/article"

    yield serve
    server.shutdown()
    server.server_close()


def host_page(snippet: str) -> str:
    """Another site's article with our embed snippet pasted in, as the fact-check page gives it."""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A news site</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f"<body><main><h1>An article</h1>{snippet}</main></body></html>")


def embed_snippet(page: Page, live_server, check) -> str:
    page.goto(f"{live_server.url}/claims/{check.slug}/")
    code = page.get_by_label("Embed this fact-check").input_value()
    assert f'src="{live_server.url}/embed/claims/{check.slug}/"' in code
    assert 'width="100%" height="320"' in code
    assert f'src="{live_server.url}/static/js/embed.js"' in code
    return code


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_it_fits_the_embed_card_inside_its_frame_on_another_site(open_as, live_server, check, other_site,
                                                                 viewport):
    page = open_as(viewport=viewport)
    code = embed_snippet(page, live_server, check)
    page.goto(other_site(host_page(code)))
    iframe = page.locator("iframe[data-factcheck-embed]")
    expect(iframe).to_have_attribute("height", re.compile(r"^(?!320$)\d+$"))  # resized by the card's message
    frame = page.frame_locator("iframe[data-factcheck-embed]")
    expect(frame.get_by_role("img", name="Rating: Mostly false")).to_be_visible()
    expect(frame.get_by_role("link", name="Read the full fact-check")).to_be_visible()
    inner = iframe.element_handle().content_frame()
    height = int(iframe.get_attribute("height"))
    assert inner.evaluate("document.documentElement.scrollHeight") <= height
    box = iframe.bounding_box()
    assert box["width"] <= 480
    card = inner.locator("[data-testid=embed-card]").bounding_box()
    assert card["height"] <= height and card["width"] <= box["width"]
    # The quote is clamped, not cut off mid-frame: the card says who, what, the rating and the link.
    expect(frame.get_by_test_id("quote")).to_contain_text("Over fifty thousand")


def test_it_ignores_height_messages_from_anywhere_but_the_card(open_as, live_server, check, other_site):
    page = open_as(viewport=LAPTOP)
    code = embed_snippet(page, live_server, check)
    page.goto(other_site(host_page(code)))
    iframe = page.locator("iframe[data-factcheck-embed]")
    expect(iframe).to_have_attribute("height", re.compile(r"^(?!320$)\d+$"))
    fitted = iframe.get_attribute("height")
    # The host page itself (another origin than SITE_URL) posting the same message changes nothing.
    page.evaluate("""() => window.postMessage({type: "factcheck-embed-height", height: 900}, "*")""")
    page.wait_for_timeout(200)
    assert iframe.get_attribute("height") == fitted


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_serious_accessibility_violations_in_either_scheme(open_as, live_server, check, axe, scheme):
    factories.ClaimFactory(published=True, quote="Crime has halved.", with_verdict=False)  # a card with no rating
    retracted = factories.ClaimFactory(retracted=True, quote="Waiting lists are the shortest ever.")
    unproven = factories.ClaimFactory(published=True, quote="Nobody has ever complained.", with_verdict=False)
    factories.VerdictFactory(claim=unproven, rating=factories.rating("unproven"), published_at=unproven.published_at)
    for viewport in (LAPTOP, PHONE):
        page = open_as(viewport=viewport)
        for path, ready in (
            (f"/claims/{check.slug}/", "Rating: Mostly false"),
            ("/", "Rating: Retracted"),
            (f"/claims/{unproven.slug}/", "Rating: Unproven"),
            (f"/claims/{retracted.slug}/", "Rating: Retracted"),
            (f"/embed/claims/{check.slug}/", "Rating: Mostly false"),
            ("/methodology/", "Rating: Unproven"),
        ):
            page.goto(f"{live_server.url}{path}")
            expect(page.get_by_role("img", name=ready).first).to_be_visible()
            assert axe(page, scheme) == [], f"{path} at {viewport['width']}px"
