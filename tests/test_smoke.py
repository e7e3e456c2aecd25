import pytest

from tests import factories
from tests.html import button, field_by_label, parse

pytestmark = pytest.mark.django_db


def test_it_shows_the_sign_in_form(client):
    soup = parse(client.get("/accounts/login/"))
    assert field_by_label(soup, "Username")["name"] == "username"
    assert field_by_label(soup, "Password")["type"] == "password"
    assert button(soup, "Sign in") is not None


def test_it_lists_published_claims_on_home(client):
    published = factories.ClaimFactory(published=True)
    draft = factories.ClaimFactory()
    soup = parse(client.get("/"))
    links = [a["href"] for a in soup.select("article.claim-card h2 a")]
    assert links == [f"/claims/{published.slug}/"]
    assert client.get(f"/claims/{draft.slug}/").status_code == 404
