"""A journalist signs in as a person would, and the desk they land on passes axe-core."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from claims.setup import JOURNALISTS
from tests import factories
from tests.browser.helpers import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long passphrase for the browser"


@pytest.fixture
def journalist_account(settings):
    # Transactional tests flush tables; the post_migrate hook brings the desk groups back.
    group = Group.objects.get(name=JOURNALISTS)
    user = factories.UserFactory(username="amira", first_name="Amira", last_name="Khan", groups=[group])
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    factories.ClaimFactory(quote="Our town built 900 new homes last year, a record.")
    return user


def _sign_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill("amira")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_it_signs_a_journalist_in_to_the_desk(page: Page, live_server, journalist_account):
    csp_errors = []
    page.on("console", lambda message: csp_errors.append(message.text)
            if "Content Security Policy" in message.text else None)

    _sign_in(page, live_server.url)

    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.get_by_role("heading", name="Desk", exact=True, level=1)).to_be_visible()
    expect(page.get_by_text("Signed in as Amira Khan")).to_be_visible()
    page.get_by_role("link", name="Claims", exact=True).click()
    table = page.get_by_test_id("claims-table")
    expect(table).to_be_visible()
    expect(table.get_by_role("link", name=re.compile("900 new homes"))).to_be_visible()
    assert csp_errors == []


def test_it_refuses_a_wrong_password_in_the_browser(page: Page, live_server, journalist_account):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("amira")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_it_has_no_serious_accessibility_violations_on_sign_in_and_desk(
    page: Page, live_server, journalist_account
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious_violations(page) == []

    _sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="Desk", exact=True, level=1)).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Claims", exact=True).click()
    expect(page.get_by_test_id("claims-table")).to_be_visible()
    assert serious_violations(page) == []
