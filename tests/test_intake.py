"""Article intake (DESIGN §4, §6): paste an article or give its URL, see the quoted claims with their
speakers, check-worthiness and highlighted numbers, tick the ones to log."""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import services
from claims.models import Claim, Event, Source, Speaker, Status
from tests import factories
from tests.html import button, field_by_label, parse, texts

pytestmark = pytest.mark.django_db

URL = "/desk/intake/"
HX = {"HTTP_HX_REQUEST": "true"}

CROSSINGS = "More than 48,000 people have crossed the Channel in small boats since the election."
RETURNS = "Returns are up 23% this year and we have removed 9,400 people with no right to be here."
PLEASANTRY = "It is lovely to be back in Kent, thank you all for coming."

ARTICLE = f"""Crossings row deepens as summer figures land

By our political staff

The row over small boat crossings deepened on Tuesday as the government and the opposition traded figures at \
rival events on the Kent coast.

Dana Whitfield said: "{CROSSINGS}"

The Home Office disputed her account within the hour. Rob Kettering said: "{RETURNS}"

Official figures published last week show 44,200 arrivals by small boat in the twelve months to June, up from \
31,800 a year earlier.

Earlier, at a community centre in Dover, Dana Whitfield said: "{PLEASANTRY}"
"""


# --- helpers ---------------------------------------------------------------------------------------


def candidates(soup) -> list:
    return soup.find_all(attrs={"data-testid": "candidate"})


def candidate_with(soup, words: str):
    found = [li for li in candidates(soup) if words in li.find("label").get_text(" ", strip=True)]
    assert len(found) == 1, f"{words!r} in {texts(candidates(soup))}"
    return found[0]


def score_of(item) -> int:
    text = item.find(attrs={"data-testid": "score"}).get_text(strip=True)
    return int(text.rsplit(" ", 1)[-1].rstrip("%"))


def error_next_to(soup, label: str) -> str:
    field = field_by_label(soup, label)
    assert field is not None
    wrapper = field.find_parent(class_="field")
    errors = wrapper.find_all(class_="field-error")
    return " ".join(e.get_text(" ", strip=True) for e in errors)


def log_form_data(soup, picks: list[str]) -> dict:
    """What the "Log selected claims" form sends with these boxes ticked."""
    form = button(soup, "Log selected claims").find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}
    data["text"] = form.find("textarea", attrs={"name": "text"}).get_text()
    data["pick"] = picks
    return data


def pick_value(item) -> str:
    return item.find("input", type="checkbox", attrs={"name": "pick"})["value"]


def counts() -> tuple[int, ...]:
    return (Claim.objects.count(), Speaker.objects.count(), Source.objects.count(), Event.objects.count())


@pytest.fixture
def dana(db):
    return factories.SpeakerFactory(name="Dana Whitfield", role="Shadow Home Secretary")


@pytest.fixture
def results(journalist_client, dana):
    response = journalist_client.post(URL, {"article_text": ARTICLE, "action": "find"})
    assert response.status_code == 200
    return parse(response)


# --- the page ----------------------------------------------------------------------------------------


def test_it_shows_the_intake_form(journalist_client):
    response = journalist_client.get(URL)
    assert response.status_code == 200
    soup = parse(response)
    assert field_by_label(soup, "Article text").name == "textarea"
    url = field_by_label(soup, "Article URL")
    assert url.name == "input" and url.get("type") in ("url", "text")
    assert button(soup, "Find claims") is not None
    assert button(soup, "Log selected claims") is None  # nothing found yet


def test_it_lists_the_quoted_claims_with_checkboxes(results):
    items = candidates(results)
    assert len(items) >= 2
    for item in items:
        box = item.find("input", type="checkbox", attrs={"name": "pick"})
        assert box is not None
        label = results.find("label", attrs={"for": box["id"]})
        assert label is not None and label.get_text(strip=True)
    crossings = candidate_with(results, "48,000 people have crossed the Channel")
    returns = candidate_with(results, "removed 9,400 people")
    assert pick_value(crossings) != pick_value(returns)
    assert button(results, "Log selected claims") is not None
    count = results.find(id="results-heading").find(class_="count").get_text(strip=True)
    assert int(count) == len(items)


def test_it_matches_speakers_to_the_directory_or_marks_them_new(results, dana):
    crossings = candidate_with(results, "48,000 people have crossed the Channel")
    match = crossings.find(attrs={"data-testid": "speaker-match"})
    assert match is not None, crossings.get_text(" ", strip=True)
    assert match.find("a").get_text(strip=True) == "Dana Whitfield"
    assert match.find("a")["href"] == f"/desk/speakers/{dana.pk}/"
    assert crossings.find(attrs={"data-testid": "speaker-new"}) is None

    returns = candidate_with(results, "removed 9,400 people")
    assert "Rob Kettering" in returns.get_text(" ", strip=True)
    assert returns.find(attrs={"data-testid": "speaker-new"}) is not None
    assert returns.find(attrs={"data-testid": "speaker-match"}) is None


def test_it_highlights_the_numbers_in_each_quote(results):
    crossings = candidate_with(results, "48,000 people have crossed the Channel")
    assert "48,000" in texts(crossings.find_all("mark", class_="number"))
    returns = candidate_with(results, "removed 9,400 people")
    marked = texts(returns.find_all("mark", class_="number"))
    assert "23%" in marked and "9,400" in marked
    # The quote reads the same with its highlights as without them.
    assert returns.find("label").get_text().strip().strip("“”") == RETURNS


def test_it_scores_claims_above_pleasantries(results):
    scores = {}
    for item in candidates(results):
        scores[item.find("label").get_text(" ", strip=True)] = score_of(item)
        assert 0 <= score_of(item) <= 100
    crossings = score_of(candidate_with(results, "48,000 people have crossed the Channel"))
    returns = score_of(candidate_with(results, "removed 9,400 people"))
    pleasantry = [score for quote, score in scores.items() if "lovely to be back" in quote]
    if pleasantry:  # listed, but less worth checking than any claim with a number
        assert pleasantry[0] < min(crossings, returns)
    crossings_item = candidate_with(results, "48,000 people have crossed the Channel")
    why = [p.get_text(" ", strip=True) for p in crossings_item.find_all("p", class_="meta")]
    assert any(line.startswith("Why:") for line in why), why


def test_it_flags_a_quote_that_is_already_logged(journalist_client, dana):
    existing = factories.ClaimFactory(researching=True, quote=RETURNS)

    soup = parse(journalist_client.post(URL, {"article_text": ARTICLE, "action": "find"}))

    returns = candidate_with(soup, "removed 9,400 people")
    flag = returns.find(attrs={"data-testid": "already-logged"})
    assert flag is not None
    assert flag.find("a")["href"] == f"/desk/claims/{existing.pk}/"
    # Still pickable: logging it stops at "Already logged?" (add it as an appearance, or say why it differs).
    assert not returns.find("input", attrs={"name": "pick"}).has_attr("disabled")
    crossings = candidate_with(soup, "48,000 people have crossed the Channel")
    assert crossings.find(attrs={"data-testid": "already-logged"}) is None
    assert not crossings.find("input", attrs={"name": "pick"}).has_attr("disabled")


def test_it_flags_a_logged_quote_typed_with_a_straight_apostrophe(journalist_client):
    # Logged by hand with a straight apostrophe; the newspaper printed a typographic one.
    existing = factories.ClaimFactory(quote="We've removed 9,400 people with no right to be here.")
    article = 'Rob Kettering said: "We’ve removed 9,400 people with no right to be here."\n'

    soup = parse(journalist_client.post(URL, {"article_text": article, "action": "find"}))

    item = candidate_with(soup, "removed 9,400 people")
    flag = item.find(attrs={"data-testid": "already-logged"})
    assert flag is not None, item.get_text(" ", strip=True)
    assert flag.find("a")["href"] == f"/desk/claims/{existing.pk}/"


def test_it_answers_htmx_with_the_results_fragment(journalist_client, dana):
    response = journalist_client.post(URL, {"article_text": ARTICLE, "action": "find"}, **HX)
    assert response.status_code == 200
    soup = parse(response)
    assert soup.find("html") is None
    assert soup.find(True)["id"] == "intake-results"
    assert len(candidates(soup)) >= 2


# --- logging the ticked claims ----------------------------------------------------------------------


def test_it_logs_the_ticked_claims_with_their_speakers_and_source(journalist_client, journalist, results, dana):
    picks = [pick_value(candidate_with(results, "48,000 people have crossed the Channel")),
             pick_value(candidate_with(results, "removed 9,400 people"))]
    claims_before, speakers_before, sources_before, _ = counts()

    response = journalist_client.post(URL, log_form_data(results, picks))

    assert response.status_code == 303
    assert response["Location"] == "/desk/claims/?status=logged"
    assert Claim.objects.count() == claims_before + 2
    assert Source.objects.count() == sources_before + 1
    assert Speaker.objects.count() == speakers_before + 1  # Rob Kettering is new; Dana Whitfield was known
    crossings = Claim.objects.get(quote__contains="48,000 people have crossed")
    returns = Claim.objects.get(quote__contains="removed 9,400 people")
    assert crossings.quote.strip("“”\"") == CROSSINGS
    assert returns.quote.strip("“”\"") == RETURNS
    assert crossings.speaker == dana
    assert returns.speaker.name == "Rob Kettering"
    source = Source.objects.get()
    assert source.full_text == ARTICLE
    for claim in (crossings, returns):
        assert claim.status == Status.LOGGED
        assert claim.source == source
        assert claim.created_by == journalist
        assert claim.checkworthiness is not None and 0 <= claim.checkworthiness <= 1
        assert Event.objects.filter(claim=claim, action="claim_created", actor=journalist).count() == 1
    assert not Claim.objects.filter(quote__contains="lovely to be back").exists()

    listing = parse(journalist_client.get(response["Location"]))
    rows = texts(listing.find_all(attrs={"data-testid": "claim-row"}))
    assert any("48,000 people have crossed" in row for row in rows)
    assert any("removed 9,400 people" in row for row in rows)


def test_it_logs_with_an_htmx_redirect(journalist_client, results):
    pick = pick_value(candidate_with(results, "48,000 people have crossed the Channel"))
    response = journalist_client.post(URL, log_form_data(results, [pick]), **HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/desk/claims/?status=logged"
    assert Claim.objects.filter(quote__contains="48,000 people have crossed").count() == 1


def test_it_logs_all_or_nothing(journalist_client, results, monkeypatch):
    picks = [pick_value(candidate_with(results, "48,000 people have crossed the Channel")),
             pick_value(candidate_with(results, "removed 9,400 people"))]
    real = services.claim_create
    calls = []

    def fail_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "claim_create", fail_second)
    before = counts()

    with pytest.raises(RuntimeError, match="went away"):
        journalist_client.post(URL, log_form_data(results, picks))

    assert len(calls) == 2
    assert counts() == before
    assert not Speaker.objects.filter(name="Rob Kettering").exists()


def test_it_asks_for_a_tick_before_logging(journalist_client, results):
    before = counts()
    response = journalist_client.post(URL, log_form_data(results, []))
    assert response.status_code == 422
    soup = parse(response)
    assert soup.find(id="pick-error").get_text(strip=True) == "Tick at least one claim to log."
    assert len(candidates(soup)) >= 2  # the list is still there to tick
    assert counts() == before


# --- refusals ----------------------------------------------------------------------------------------


def test_it_asks_for_the_article_when_the_form_is_empty(journalist_client):
    before = counts()
    response = journalist_client.post(URL, {"article_text": "", "article_url": "", "action": "find"})
    assert response.status_code == 422
    soup = parse(response)
    assert "Paste the article's text or give its URL." in error_next_to(soup, "Article text")
    assert candidates(soup) == []
    assert counts() == before


class _Counting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        body = f'<html><body><p>Jo Bloggs said: "{CROSSINGS}"</p></body></html>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A real page on the loopback address: reachable, so only the policy can stop the fetch."""
    handler = type("Handler", (_Counting,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, handler.hits
    finally:
        server.shutdown()
        server.server_close()
        with contextlib.suppress(RuntimeError):
            thread.join(5)


def test_it_refuses_to_fetch_a_private_address(journalist_client, local_server):
    server, hits = local_server
    before = counts()
    for url in ("http://127.0.0.1/", f"http://127.0.0.1:{server.server_port}/article"):
        response = journalist_client.post(URL, {"article_text": "", "article_url": url, "action": "find"})
        assert response.status_code == 422
        soup = parse(response)
        assert "private network" in error_next_to(soup, "Article URL")
        assert field_by_label(soup, "Article URL")["value"] == url
        assert candidates(soup) == []
    assert hits == []
    assert counts() == before


def test_it_refuses_a_javascript_url(journalist_client):
    response = journalist_client.post(URL, {"article_text": "", "article_url": "javascript:alert(1)",
                                            "action": "find"})
    assert response.status_code == 422
    soup = parse(response)
    assert error_next_to(soup, "Article URL")
    assert candidates(soup) == []


def test_it_refuses_outsiders(outsider_client):
    before = counts()
    assert outsider_client.get(URL).status_code == 403
    assert outsider_client.post(URL, {"article_text": ARTICLE, "action": "find"}).status_code == 403
    assert outsider_client.post(URL, {"action": "log", "text": ARTICLE, "pick": ["0"]}).status_code == 403
    assert counts() == before


def test_it_sends_anonymous_readers_to_sign_in(client):
    before = counts()
    for response in (client.get(URL), client.post(URL, {"action": "log", "text": ARTICLE, "pick": ["0"]})):
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/desk/intake/"
    assert counts() == before


# --- query counts ----------------------------------------------------------------------------------


NAMES = ["Aisha Barrow", "Ben Colfax", "Carys Dunmore", "Declan Eastham", "Esme Farrant", "Felix Gorringe",
         "Gwen Holbeck", "Hari Ingleby", "Imogen Jessop", "Jonah Kirkby"]


def article_with(n: int) -> str:
    """An article quoting n councillors, each with a number."""
    paragraphs = ["Councillors clash over the care budget", "By our local government staff"]
    for i, name in enumerate(NAMES[:n]):
        paragraphs.append(f'{name} said: "The council has cut {1200 + 100 * i:,} places from the '
                          f'adult care budget since {2015 + i % 5}, a fall of {10 + i}%."')
    return "\n\n".join(paragraphs) + "\n"


def intake_queries(client, n: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(URL, {"article_text": article_with(n), "action": "find"})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(candidates(parse(response)))


def test_it_runs_as_many_queries_for_ten_quotes_as_for_two(journalist_client):
    for name in NAMES[::2]:  # half of them are in the directory already
        factories.SpeakerFactory(name=name)
    factories.ClaimFactory(quote="The council has cut 1,200 places from the adult care budget since 2015, "
                                 "a fall of 10%.")
    two, found_two = intake_queries(journalist_client, 2)
    ten, found_ten = intake_queries(journalist_client, 10)
    assert (found_two, found_ten) == (2, 10)
    assert ten == two, (two, ten)


def workspace_queries(client, claim, fragment: str | None) -> int:
    url = f"/desk/claims/{claim.pk}/" + (f"?fragment={fragment}" if fragment else "")
    headers = HX if fragment else {}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    if fragment:
        assert parse(response).find(True)["id"] == fragment
    return len(ctx.captured_queries)


@pytest.mark.parametrize("fragment", ["numbers-panel", "past-rulings", None])
def test_it_runs_as_many_workspace_queries_for_50_evidence_rows_as_for_one(journalist_client, fragment):
    quote = "Over 50,000 illegal immigrants have crossed the Channel since the election."
    factories.ClaimFactory(published=True, quote="Over 45,000 people crossed the Channel in small boats last year.")
    claims = []
    for rows in (1, 50):
        claim = factories.ClaimFactory(researching=True, quote=quote)
        for n in range(rows):
            factories.EvidenceFactory(claim=claim, figure_value=40000 + n, figure_unit="people")
        claims.append(claim)
    from claims.matching import refresh_term_stats

    refresh_term_stats()
    one, fifty = (workspace_queries(journalist_client, claim, fragment) for claim in claims)
    assert fifty == one, (fragment, one, fifty)
