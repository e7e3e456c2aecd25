"""Numbers against the record (DESIGN §6): a claimed figure next to the official one.

The difference is computed by the desk from the claim's own words and the evidence row's figure;
nobody types it. Units and periods that do not match are flagged rather than compared.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from claims.figures import claimed_figure, compare, comparisons_for, normal_unit
from claims.models import Evidence
from tests import factories
from tests.html import parse

CHANNEL_QUOTE = "Over 50,000 illegal immigrants have crossed the Channel since the election."


# --- compare() --------------------------------------------------------------------------------------


def test_it_says_how_much_higher_a_claimed_figure_is():
    result = compare(50000, "people", "", 45000, "people", "")
    assert result.comparable
    assert result.difference == Decimal(5000)
    assert result.percent.quantize(Decimal("0.01")) == Decimal("11.11")
    assert result.summary == "11% higher than the official figure."


def test_it_says_how_much_lower_a_claimed_figure_is():
    result = compare("1,900".replace(",", ""), "people", "", 2600, "people", "")
    assert result.difference == Decimal(-700)
    assert result.summary == "27% lower than the official figure."


def test_it_compares_percentages_and_decimals():
    result = compare("7.5", "%", "", "6", "per cent", "")
    assert result.comparable
    assert result.difference == Decimal("1.5")
    assert result.summary == "25% higher than the official figure."


def test_it_calls_an_equal_figure_the_same():
    assert compare(1900, "people", "2024", 1900, "people", "2024").summary == "The same as the official figure."
    # A rounding difference under half a per cent is the same figure, said differently.
    assert compare(50100, "people", "", 50000, "people", "").summary == "The same as the official figure."


def test_it_gives_no_percentage_against_an_official_zero():
    result = compare(120, "people", "", 0, "people", "")
    assert result.comparable
    assert result.percent is None
    assert result.difference == Decimal(120)
    assert result.summary == "The official figure is zero: no percentage difference."


def test_it_flags_different_units_instead_of_comparing():
    result = compare(50000, "people", "", 12, "%", "")
    assert not result.comparable
    assert result.summary.startswith("Not compared: the units differ")
    assert "people" in result.summary and "%" in result.summary
    assert "higher" not in result.summary and "lower" not in result.summary


def test_it_flags_different_periods_instead_of_comparing():
    result = compare(1900, "people", "year to March 2025", 160, "people", "March 2025")
    assert not result.comparable
    assert result.summary.startswith("Not compared: the periods differ")
    assert "year to March 2025" in result.summary


def test_it_reads_periods_written_differently_as_the_same():
    result = compare(1900, "people", "Year to March, 2025", 2600, "people", "year to march 2025")
    assert result.comparable
    assert result.summary == "27% lower than the official figure."


@pytest.mark.parametrize(("claimed", "official"), [
    ("migrants", "people"),
    ("illegal immigrants", "arrivals"),
    ("asylum seekers", "individuals"),
    ("per cent", "%"),
    ("pounds", "GBP"),
    ("small boats", "boats"),
    ("homes", "home"),
])
def test_it_compares_unit_synonyms(claimed, official):
    assert normal_unit(claimed) == normal_unit(official)
    result = compare(110, claimed, "", 100, official, "")
    assert result.comparable, result.reason
    assert result.summary == "10% higher than the official figure."


def test_it_compares_when_either_side_has_no_unit():
    assert compare(110, "", "", 100, "people", "").comparable
    assert compare(110, "people", "", 100, "", "").comparable


# --- the claimed figure and comparisons_for() ------------------------------------------------------


def test_it_reads_the_claimed_figure_from_the_claims_words():
    figure = claimed_figure("In 2024, over 50,000 illegal immigrants crossed the Channel.")
    assert figure is not None
    assert figure["value"] == 50000  # the year is a period, not the quantity
    assert normal_unit(figure["unit"]) == "people"
    assert claimed_figure("Nobody knows how many came.") is None


@pytest.mark.django_db
def test_it_compares_every_evidence_row_that_carries_a_figure():
    claim = factories.ClaimFactory(researching=True, quote=CHANNEL_QUOTE, claim_checked="")
    official = factories.EvidenceFactory(claim=claim, title="Small boat arrivals table", figure_value=45000,
                                         figure_unit="people", figure_period="")
    share = factories.EvidenceFactory(claim=claim, title="Share of arrivals", figure_value=12, figure_unit="%")
    factories.EvidenceFactory(claim=claim, title="Background report")  # no figure: not compared

    rows = comparisons_for(claim, Evidence.objects.filter(claim=claim).order_by("position"))

    assert [row for row, _ in rows] == [official, share]
    first, second = (c for _, c in rows)
    assert first.claimed == 50000 and first.official == 45000
    assert first.summary == "11% higher than the official figure."
    assert not second.comparable
    assert second.summary.startswith("Not compared: the units differ")


@pytest.mark.django_db
def test_it_prefers_the_claim_as_checked_to_the_quote():
    claim = factories.ClaimFactory(researching=True, quote="Loads of them, tens of thousands, came over.",
                                   claim_checked="48,000 people crossed the Channel in small boats in 2024.")
    factories.EvidenceFactory(claim=claim, figure_value=40000, figure_unit="people")
    [(_, comparison)] = comparisons_for(claim, claim.evidence.all())
    assert comparison.claimed == 48000
    assert comparison.summary == "20% higher than the official figure."


@pytest.mark.django_db
def test_it_compares_nothing_without_figures():
    claim = factories.ClaimFactory(researching=True, quote=CHANNEL_QUOTE)
    factories.EvidenceFactory(claim=claim)
    assert comparisons_for(claim, claim.evidence.all()) == []
    wordy = factories.ClaimFactory(researching=True, quote="They have lost control of our borders.",
                                   claim_checked="")
    factories.EvidenceFactory(claim=wordy, figure_value=45000, figure_unit="people")
    assert comparisons_for(wordy, wordy.evidence.all()) == []


# --- where people see it -----------------------------------------------------------------------------


def comparison_rows(container) -> list[list[str]]:
    table = container.find(attrs={"data-testid": "comparisons"})
    assert table is not None, container.get_text(" ", strip=True)
    if table.find("tbody") is not None:  # the public page's table
        return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in table.find("tbody")
                .find_all("tr")]
    # The workspace: one stacked item per row (a narrow table broke inside words).
    parts = ("comparison-source", "comparison-claimed", "comparison-official", "comparison-difference")
    return [[row.find(attrs={"data-testid": part}).get_text(" ", strip=True) for part in parts]
            for row in table.find_all(attrs={"data-testid": "comparison"})]


@pytest.mark.django_db
def test_it_shows_the_comparison_in_the_workspace(journalist_client):
    claim = factories.ClaimFactory(researching=True, quote=CHANNEL_QUOTE, claim_checked="")
    factories.EvidenceFactory(claim=claim, title="Small boat arrivals table", figure_value=45000,
                              figure_unit="people", figure_period="")

    response = journalist_client.get(f"/desk/claims/{claim.pk}/")

    assert response.status_code == 200
    panel = parse(response).find(id="numbers-panel")
    assert panel is not None
    assert panel.find(["h2", "h3"]).get_text(strip=True) == "Numbers against the record"
    [row] = comparison_rows(panel)
    source, claimed, official, difference = row
    assert source == "Small boat arrivals table"
    assert claimed.startswith("50,000")
    assert official.startswith("45,000")
    assert "5,000" in difference
    assert "11% higher than the official figure." in difference


@pytest.mark.django_db
def test_it_refreshes_the_numbers_panel_as_a_fragment(journalist_client):
    claim = factories.ClaimFactory(researching=True, quote=CHANNEL_QUOTE, claim_checked="")
    factories.EvidenceFactory(claim=claim, figure_value=60000, figure_unit="migrants", figure_period="")

    response = journalist_client.get(f"/desk/claims/{claim.pk}/?fragment=numbers-panel", HTTP_HX_REQUEST="true")

    soup = parse(response)
    assert soup.find("html") is None
    root = soup.find(True)
    assert root["id"] == "numbers-panel"
    [row] = comparison_rows(root)
    assert "17% lower than the official figure." in row[3]


@pytest.mark.django_db
def test_it_explains_the_panel_when_no_row_has_a_figure(journalist_client):
    claim = factories.ClaimFactory(researching=True, quote=CHANNEL_QUOTE)
    factories.EvidenceFactory(claim=claim)
    panel = parse(journalist_client.get(f"/desk/claims/{claim.pk}/")).find(id="numbers-panel")
    assert panel.find(attrs={"data-testid": "comparisons"}) is None
    assert "Give an evidence row a figure" in panel.get_text(" ", strip=True)


@pytest.mark.django_db
def test_it_shows_the_comparison_on_the_public_page():
    claim = factories.ClaimFactory(published=True, quote=CHANNEL_QUOTE, claim_checked="")
    factories.EvidenceFactory(claim=claim, title="Small boat arrivals table", figure_value=45000,
                              figure_unit="people", figure_period="")
    factories.EvidenceFactory(claim=claim, title="Share of arrivals", figure_value=12, figure_unit="%")

    response = Client().get(f"/claims/{claim.slug}/")

    assert response.status_code == 200
    rows = comparison_rows(parse(response))
    assert [row[0] for row in rows] == ["Small boat arrivals table", "Share of arrivals"]
    assert rows[0][1].startswith("50,000") and rows[0][2].startswith("45,000")
    assert rows[0][3] == "11% higher than the official figure."
    assert rows[1][3].startswith("Not compared: the units differ")


@pytest.mark.django_db
def test_it_shows_no_comparison_table_on_a_public_page_without_figures():
    claim = factories.ClaimFactory(published=True, quote=CHANNEL_QUOTE)
    factories.EvidenceFactory(claim=claim)
    soup = parse(Client().get(f"/claims/{claim.slug}/"))
    assert soup.find(attrs={"data-testid": "comparisons"}) is None
