"""Has this been checked before? (DESIGN §4 "past rulings", "already checked"; §7 speed.)

A labelled set written for these tests: checked claims (published with a verdict, or imported
archive records) among distractors on the same topics, queried the way journalists and social
media posts restate them. Recall@5 over the positive pairs must stay at 0.8 or better; near misses
(same topic, different number or different subject) must not come first.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.matching import find_similar, query_lexemes, rarest_first, refresh_term_stats
from claims.models import Claim, SearchTerm
from claims.services import refresh_search_vectors
from tests import factories

pytestmark = pytest.mark.django_db

# --- the labelled set ------------------------------------------------------------------------------
# key: (speaker, quote). Every fourth one is stored as an imported archive record, the rest are
# published through the desk's own workflow with a verdict.
CHECKED = {
    "channel-50k": ("Dana Whitfield", "Over 50,000 illegal migrants have crossed the Channel in small boats "
                    "since Labour took office."),
    "net-migration": ("Hugo Ashdown", "Net migration hit 745,000 in 2022, the highest figure ever recorded."),
    "waiting-list": ("Priya Marsh", "NHS waiting lists have grown to 7.6 million patients."),
    "police-20k": ("Gareth Lyle", "We have recruited 20,000 extra police officers across England and Wales."),
    "inflation-2": ("Helen Oduya", "Inflation has fallen to 2 per cent, back on target."),
    "unemployment-1974": ("Gareth Lyle", "Unemployment is at its lowest level since 1974."),
    "child-poverty": ("Ruth Penhallow", "Child poverty has risen by 350,000 since 2010."),
    "energy-300": ("Helen Oduya", "Energy bills will be cut by £300 a year under our plan."),
    "raac-schools": ("Ruth Penhallow", "One in four schools has crumbling concrete in its classrooms."),
    "homes-1.5m": ("Hugo Ashdown", "The government has built 1.5 million homes since 2019."),
    "knife-london": ("Dana Whitfield", "Knife crime has gone up by 77% in London since Sadiq Khan became mayor."),
    "teacher-pay": ("Priya Marsh", "Teachers' pay has fallen 13% in real terms since 2010."),
    "year-waits": ("Priya Marsh", "Over 100,000 people have been waiting more than a year for hospital treatment."),
    "food-banks": ("Ruth Penhallow", "Food bank use has doubled in the past five years."),
    "g7-growth": ("Helen Oduya", "Britain has the fastest growing economy in the G7."),
    "minimum-wage": ("Helen Oduya", "The minimum wage is going up to £12.21 an hour."),
    "neighbourhood-crime": ("Gareth Lyle", "Neighbourhood crime has fallen by 50% since 2010."),
    "heart-ambulance": ("Priya Marsh", "Ambulance response times for heart attacks average 47 minutes."),
    "benefits-5m": ("Hugo Ashdown", "Five million people are on out-of-work benefits."),
    "asylum-backlog": ("Dana Whitfield", "The asylum backlog has been cleared."),
    "rape-charges": ("Ruth Penhallow", "Only 1% of rapes reported to police lead to a charge."),
    "asylum-hotels": ("Dana Whitfield", "We are spending £1.2 billion a year on hotels for asylum seekers."),
    "gas-prices": ("Marcy Delgado", "Gas prices have doubled since the President took office."),
    "us-jobs": ("Tom Brecken", "The US economy added 250,000 jobs last month."),
    "border-40": ("Marcy Delgado", "Illegal border crossings are down 40% this year."),
    "violent-crime-us": ("Tom Brecken", "Violent crime rose 30% in American cities last year."),
    "tariffs-4000": ("Marcy Delgado", "The average family will pay $4,000 more a year because of tariffs."),
    "pub-smoking": ("Ruth Penhallow", "Seventy per cent of voters back a ban on smoking in pub gardens."),
    "debt-2.7tn": ("Hugo Ashdown", "The national debt has passed £2.7 trillion."),
    "gp-closed": ("Priya Marsh", "Half of all GP surgeries are closed to new patients."),
    "pubs-3000": ("Gareth Lyle", "More than 3,000 pubs closed last year."),
    "rail-fares": ("Helen Oduya", "Rail fares are rising by 4.6% in March."),
    "mortgage-6": ("Hugo Ashdown", "Mortgage rates have hit 6% for the first time since 2008."),
    "council-tax-5": ("Gareth Lyle", "Council tax bills are going up by 5% this April."),
    "sewage-400k": ("Ruth Penhallow", "Sewage was dumped into rivers 400,000 times last year."),
    "scotland-poverty": ("Ailsa Drummond", "A quarter of a million children in Scotland live in poverty."),
    "nurse-salary": ("Priya Marsh", "Nurses' starting salary has risen to £28,407."),
    "trees-30m": ("Ailsa Drummond", "We have planted 30 million trees this year."),
    "ev-sales": ("Helen Oduya", "Electric car sales rose by 20% in 2024."),
    "defence-2.5": ("Hugo Ashdown", "Defence spending will reach 2.5% of GDP by 2030."),
    "early-release-9k": ("Dana Whitfield", "Over 9,000 prisoners were released early to free up space."),
    "ae-12-hours": ("Priya Marsh", "A&E waits of more than 12 hours have tripled."),
    "family-homelessness": ("Ruth Penhallow", "Homelessness among families has risen by 50% since 2019."),
    "tuition-fees": ("Ailsa Drummond", "University tuition fees will rise to £9,535."),
    "two-child-cap": ("Ruth Penhallow", "The two-child benefit cap affects 1.6 million children."),
    "wind-30": ("Ailsa Drummond", "Wind power generated 30% of Britain's electricity last year."),
    "shoplifting-470k": ("Gareth Lyle", "Shoplifting offences have hit a record 470,000."),
    "young-rent": ("Ailsa Drummond", "Four in ten young people cannot afford to rent."),
    "us-defense": ("Tom Brecken", "The US spends $900 billion a year on defense."),
    "medicare-2033": ("Marcy Delgado", "Medicare will go bankrupt by 2033."),
    "iraqi-crossings": ("Dana Whitfield", "Crossings by Iraqis fell to 1,900 in the year to March 2025."),
    "insulation-1000": ("Helen Oduya", "Homeowners will save £1,000 a year on energy with our insulation scheme."),
    "youth-clubs": ("Ruth Penhallow", "Youth clubs have lost 70% of their funding since 2010."),
    "fuel-duty": ("Hugo Ashdown", "Fuel duty has been frozen for 14 years in a row."),
    "affordable-17": ("Ailsa Drummond", "Only 17% of new homes are affordable."),
}

# (key of the checked claim, query, how the query differs)
PAIRS = [
    ("channel-50k", "more than fifty thousand illegal migrants crossed the channel in small boats since labour "
                    "came to power", "numbers in words"),
    ("net-migration", "net migration reached 745000 in 2022 - the highest on record", "number format"),
    ("waiting-list", "7.6 million patients are now stuck on NHS waiting lists", "reordered"),
    ("police-20k", "across England and Wales an extra 20,000 police officers have been recruited", "reordered"),
    ("inflation-2", "inflation is down to 2% and back on target", "per cent as %"),
    ("unemployment-1974", "unemployment lowest since 1974?? thats what the minister keeps telling us", "social"),
    ("child-poverty", "since 2010 another 350k children have been pushed into poverty", "paraphrase, 350k"),
    ("energy-300", "Our plan will reduce household energy bills by £300 annually", "synonyms"),
    ("raac-schools", "a quarter of schools have classrooms with crumbling concrete", "one in four as a quarter"),
    ("homes-1.5m", "1,500,000 homes have been built since 2019 by the government", "number format"),
    ("knife-london", "London knife crime up seventy-seven per cent since Khan became mayor", "numbers in words"),
    ("teacher-pay", "in real terms teacher salaries are down 13 percent on 2010", "synonyms"),
    ("year-waits", "more than 100000 patients waiting over twelve months for hospital treatment", "synonyms"),
    ("food-banks", "use of food banks doubled over the last five years", "paraphrase"),
    ("g7-growth", "UK economy is growing faster than any other G7 country", "paraphrase"),
    ("minimum-wage", "minimum wage rising to £12.21 per hour from April", "paraphrase"),
    ("neighbourhood-crime", "neighbourhood crime has halved since 2010", "50% as halved"),
    ("heart-ambulance", "heart attack patients wait an average of 47 minutes for an ambulance", "reordered"),
    ("benefits-5m", "5 million people on out of work benefits", "number format"),
    ("asylum-backlog", "they say the backlog of asylum claims is cleared", "paraphrase"),
    ("rape-charges", "just one per cent of reported rapes end in a charge", "numbers in words"),
    ("asylum-hotels", "£1.2bn a year goes on asylum hotels", "number format, social"),
    ("gas-prices", "since the president took office, the price of gas has doubled", "reordered"),
    ("us-jobs", "250k jobs added to the American economy last month", "number format, synonyms"),
    ("border-40", "border crossings that are illegal dropped forty percent this year", "numbers in words"),
    ("violent-crime-us", "US cities saw a 30 per cent rise in violent crime last year", "reordered"),
    ("tariffs-4000", "tariffs will cost the typical family an extra $4000 a year", "paraphrase"),
    ("pub-smoking", "70% of voters support banning smoking in pub gardens", "numbers, synonyms"),
    ("debt-2.7tn", "UK national debt now over £2.7tn", "number format, social"),
    ("gp-closed", "50% of GP practices are not taking new patients", "paraphrase, half as 50%"),
    ("pubs-3000", "over three thousand pubs shut their doors last year", "numbers in words"),
    ("rail-fares", "train fares to go up 4.6 per cent in March", "synonyms"),
    ("mortgage-6", "for the first time since 2008 mortgage rates reached 6 percent", "reordered"),
    ("council-tax-5", "council tax rising five per cent in April", "numbers in words"),
    ("sewage-400k", "water firms dumped sewage in rivers four hundred thousand times in the last year",
     "numbers in words"),
    ("scotland-poverty", "a quarter of a million Scottish kids are growing up in poverty", "synonyms"),
    ("nurse-salary", "starting pay for nurses now £28407", "number format, synonyms"),
    ("trees-30m", "30,000,000 trees planted this year", "number format"),
    ("ev-sales", "sales of electric cars up 20 percent in 2024", "reordered"),
    ("defence-2.5", "by 2030 we will spend 2.5 per cent of GDP on defence", "reordered"),
    ("early-release-9k", "more than nine thousand inmates let out early to ease overcrowding", "synonyms"),
    ("ae-12-hours", "12-hour waits in A&E have gone up threefold", "paraphrase"),
    ("family-homelessness", "50 per cent more families are homeless than in 2019", "paraphrase"),
    ("tuition-fees", "tuition fees going up to £9535 a year", "number format"),
    ("two-child-cap", "1.6m children hit by the two child benefit cap", "number format, social"),
    ("wind-30", "last year 30 per cent of UK electricity came from wind power", "reordered"),
    ("shoplifting-470k", "record 470000 shoplifting offences", "number format, social"),
    ("young-rent", "40% of young people can't afford rent", "four in ten as 40%"),
    ("us-defense", "America's defence budget is $900bn annually", "spelling, number format"),
    ("medicare-2033", "medicare is going broke by 2033", "synonyms"),
    ("iraqi-crossings", "Iraqi small boat crossings down to 1900 in year to March 2025", "paraphrase"),
    ("insulation-1000", "insulation scheme saves homeowners a thousand pounds a year on energy", "numbers in words"),
    ("youth-clubs", "seventy percent of youth club funding cut since 2010", "numbers in words"),
    ("fuel-duty", "fourteen consecutive years of fuel duty freezes", "numbers in words, synonyms"),
    ("affordable-17", "just seventeen per cent of newly built homes are affordable", "numbers in words"),
]

# Same topics, other numbers or other subjects; some are the siblings the near misses below need.
DISTRACTORS = [
    "Over 30,000 people crossed the Channel in small boats last year.",
    "Net migration fell to 431,000 in the year to December 2024.",
    "NHS waiting lists have fallen for six months in a row.",
    "Police numbers have fallen by 20,000 since 2010.",
    "Inflation has fallen to 3 per cent.",
    "Inflation peaked at 11.1 per cent in October 2022.",
    "Unemployment is at its highest level since 1994.",
    "Youth unemployment has risen to 14 per cent.",
    "Child poverty in Wales is the highest in the UK.",
    "Energy bills rose by £1,000 in a single year.",
    "One in ten hospitals has crumbling concrete in its wards.",
    "The government has missed its target of 300,000 homes a year.",
    "Knife crime has gone up by 77% in Birmingham.",
    "Knife crime in London has fallen by 20% over the past year.",
    "Teachers will receive a 5.5% pay rise.",
    "Over 200,000 people have been waiting more than 18 weeks for mental health treatment.",
    "Food prices have risen 25% in two years.",
    "Germany has the slowest growing economy in the G7.",
    "The minimum wage for 18 to 20 year olds is rising to £10 an hour.",
    "Burglary has fallen by 40% since 2010.",
    "Ambulance response times for strokes average 40 minutes.",
    "Two million people are on sickness benefits.",
    "The asylum backlog has reached a record 175,000 people.",
    "Only 3% of burglaries lead to a charge.",
    "We are spending £8 million a day on hotels for migrants.",
    "Electricity prices have tripled since the President took office.",
    "The US economy lost 100,000 manufacturing jobs last year.",
    "Illegal border crossings hit a record 2.5 million last year.",
    "Violent crime rose 30% in rural areas last year.",
    "Property crime fell 10% in American cities last year.",
    "The average family will save $2,000 a year from the tax cuts.",
    "Sixty per cent of voters back a ban on disposable vapes.",
    "The national debt has passed $36 trillion.",
    "Half of all dentists are closed to new NHS patients.",
    "More than 500 libraries closed in the last decade.",
    "Bus fares are capped at £3 a journey.",
    "Mortgage rates have fallen below 4% for the first time in a year.",
    "Council tax bills are going up by 10% in Birmingham.",
    "Sewage spills fell by 5% last year.",
    "Nurses have been offered a 5% pay rise.",
    "We will plant 100 million trees by 2030.",
    "Electric car sales fell by 10% in Germany.",
    "Defence spending was cut to 2% of GDP under the last government.",
    "Over 5,000 prisoners were released early last autumn.",
    "A&E waits of more than four hours have doubled.",
    "Rough sleeping has risen by 27% since 2019.",
    "University tuition fees have been frozen since 2017.",
    "The benefit cap affects 120,000 households.",
    "Solar power generated 5% of Britain's electricity last year.",
    "Shoplifting offences fell by 5% in Scotland.",
    "Four in ten young people live with their parents.",
    "The US spends $4 trillion a year on healthcare.",
    "Social Security will go bankrupt by 2035.",
    "Crossings by Afghans rose to 5,000 in the year to March 2025.",
    "Homeowners will pay £500 more a year on their mortgage.",
    "Libraries have lost 30% of their funding since 2010.",
    "Fuel duty will rise by 5p a litre next year.",
    "Only 9% of new homes are built by councils.",
    "Over 50,000 nurses have joined the NHS since 2019.",
    "Gas prices are at their lowest level in three years.",
    "Rail passenger numbers are back to 90% of their pre-pandemic level.",
    "Teachers are leaving the profession at a rate of 40,000 a year.",
]

# (query, key of the checked claim that must not come first, the sibling that should)
NEAR_MISSES = [
    ("stroke patients wait an average of 40 minutes for an ambulance", "heart-ambulance",
     "Ambulance response times for strokes average 40 minutes."),
    ("more than 5,000 prisoners let out early last autumn", "early-release-9k",
     "Over 5,000 prisoners were released early last autumn."),
    ("fifty thousand more nurses in the NHS since 2019", "channel-50k",
     "Over 50,000 nurses have joined the NHS since 2019."),
    ("knife crime up 77% in Birmingham", "knife-london", "Knife crime has gone up by 77% in Birmingham."),
    ("inflation is down to 3 percent", "inflation-2", "Inflation has fallen to 3 per cent."),
    ("unemployment is at its highest since 1994", "unemployment-1974",
     "Unemployment is at its highest level since 1994."),
    ("sixty per cent of voters support a ban on disposable vapes", "pub-smoking",
     "Sixty per cent of voters back a ban on disposable vapes."),
    ("Afghan crossings rose to 5000 in the year to March 2025", "iraqi-crossings",
     "Crossings by Afghans rose to 5,000 in the year to March 2025."),
    ("Social Security is going broke by 2035", "medicare-2033", "Social Security will go bankrupt by 2035."),
    ("solar generated five per cent of UK electricity last year", "wind-30",
     "Solar power generated 5% of Britain's electricity last year."),
    ("council tax up 10% in Birmingham", "council-tax-5", "Council tax bills are going up by 10% in Birmingham."),
    ("the US economy lost 100k manufacturing jobs last year", "us-jobs",
     "The US economy lost 100,000 manufacturing jobs last year."),
    ("mortgage rates fell below 4 percent", "mortgage-6",
     "Mortgage rates have fallen below 4% for the first time in a year."),
    ("violent crime rose 30% in rural areas last year", "violent-crime-us",
     "Violent crime rose 30% in rural areas last year."),
    ("libraries lost 30% of their funding since 2010", "youth-clubs",
     "Libraries have lost 30% of their funding since 2010."),
    # The wording is closest to the checked claim; the figure is the sibling's, and the figure decides.
    ("inflation has fallen to 3 per cent, back on target", "inflation-2", "Inflation has fallen to 3 per cent."),
    ("over 5,000 prisoners were released early to free up space", "early-release-9k",
     "Over 5,000 prisoners were released early last autumn."),
    ("council tax bills are going up by 10% this April", "council-tax-5",
     "Council tax bills are going up by 10% in Birmingham."),
]

RATINGS = ["false", "mostly-false", "half-true", "mostly-true", "true"]


def _archive_csv(rows: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["claim", "speaker", "rating", "date", "url"])
    for n, (speaker, quote, url) in enumerate(rows):
        writer.writerow([quote, speaker, RATINGS[n % len(RATINGS)].replace("-", " "), "2024-05-01", url])
    return out.getvalue()


def build_labelled_set(tmp_path) -> dict[str, Claim]:
    """The checked claims by key, stored among the distractors, with fresh search statistics."""
    speakers: dict[str, object] = {}

    def speaker(name: str):
        if name not in speakers:
            speakers[name] = factories.SpeakerFactory(name=name, role="Politician")
        return speakers[name]

    def publish(n: int, name: str, quote: str) -> Claim:
        claim = factories.ClaimFactory(published=True, with_verdict=False, quote=quote, claim_checked="",
                                       speaker=speaker(name))
        factories.VerdictFactory(claim=claim, rating=factories.rating(RATINGS[n % len(RATINGS)]), conclusion="",
                                 published_at=claim.published_at)
        return claim

    stored: dict[str, Claim] = {}
    archived = []
    for n, (key, (name, quote)) in enumerate(CHECKED.items()):
        if n % 4 == 3:
            archived.append((key, name, quote))
        else:
            stored[key] = publish(n, name, quote)
    for n, quote in enumerate(DISTRACTORS):
        if n % 5 == 4:
            archived.append((f"distractor-{n}", "Archive Speaker", quote))
        else:
            publish(n, "Lee Distractor" if n % 2 else "Kim Distractor", quote)
    path = tmp_path / "archive.csv"
    path.write_text(_archive_csv([(name, quote, f"https://archive.example.org/{key}")
                                  for key, name, quote in archived]), encoding="utf-8")
    call_command("import_claims", str(path), "--quiet-progress", stdout=io.StringIO(), stderr=io.StringIO())
    for key, _, _ in archived:
        if key in CHECKED:
            stored[key] = Claim.objects.get(original_url=f"https://archive.example.org/{key}")
    refresh_search_vectors(Claim.objects.values_list("pk", flat=True))
    refresh_term_stats()
    assert len(stored) == len(CHECKED)
    assert Claim.objects.filter(imported=True).count() == len(archived)
    return stored


def test_it_has_a_labelled_set_big_enough_to_mean_something():
    assert len(PAIRS) >= 50
    assert {key for key, _, _ in PAIRS} <= set(CHECKED)
    assert len(DISTRACTORS) >= 60
    assert {key for _, key, _ in NEAR_MISSES} <= set(CHECKED)
    assert {sibling for _, _, sibling in NEAR_MISSES} <= set(DISTRACTORS)


def test_it_finds_restated_claims_with_recall_at_5_of_at_least_0_8(tmp_path):
    stored = build_labelled_set(tmp_path)

    misses, first = [], 0
    for key, query, how in PAIRS:
        found = [m.claim.pk for m in find_similar(query, limit=5)]
        assert len(found) <= 5
        if stored[key].pk in found:
            first += found[0] == stored[key].pk
        else:
            misses.append(f"{key} ({how}): {query!r}")
    recall = (len(PAIRS) - len(misses)) / len(PAIRS)
    print(f"\nrecall@5 = {recall:.3f} ({len(PAIRS) - len(misses)}/{len(PAIRS)}), "
          f"at rank 1: {first}/{len(PAIRS)}")
    for miss in misses:
        print("  missed:", miss)
    assert recall >= 0.8, f"recall@5 {recall:.3f}; missed:\n" + "\n".join(misses)


def test_it_does_not_put_a_near_miss_first(tmp_path):
    stored = build_labelled_set(tmp_path)

    wrong = []
    for query, key, sibling in NEAR_MISSES:
        found = find_similar(query, limit=5)
        if found and found[0].claim.pk == stored[key].pk:
            wrong.append(f"{query!r} matched {key!r} first (expected {sibling!r})")
    print(f"\nnear misses put first: {len(wrong)}/{len(NEAR_MISSES)}")
    for line in wrong:
        print("  ", line)
    assert not wrong, "\n".join(wrong)


def test_it_ranks_the_exact_claim_first_with_a_score(tmp_path):
    stored = build_labelled_set(tmp_path)
    quote = CHECKED["sewage-400k"][1]
    [best, *rest] = find_similar(quote, limit=5)
    assert best.claim == stored["sewage-400k"]
    assert best.score > 0
    assert all(best.score >= other.score for other in rest)
    assert [m.score for m in rest] == sorted((m.score for m in rest), reverse=True)


# --- the database side -----------------------------------------------------------------------------


def test_it_stems_and_drops_stop_words_in_query_lexemes():
    lexemes = query_lexemes("The crossings have risen to 50,000 in the Channel")
    assert "50000" in lexemes  # digit groups joined, as in the stored documents
    assert "cross" in lexemes and "channel" in lexemes
    assert "the" not in lexemes and "have" not in lexemes


def test_it_asks_for_the_rarest_words_first():
    factories.ClaimFactory(published=True, quote="Crossings rose in the Channel this summer.")
    factories.ClaimFactory(published=True, quote="Crossings fell at the border in winter.")
    factories.ClaimFactory(published=True, quote="Crossings by ferry rose at Dover.")
    refresh_term_stats()
    assert SearchTerm.objects.get(lexeme="cross").ndoc == 3
    ordered = rarest_first(["cross", "channel", "rose", "unknownword"])
    words = [lexeme for lexeme, _ in ordered]
    assert ordered[0] == ("channel", 1)
    assert ordered[-1] == ("cross", 3)
    assert "unknownword" not in words  # no claim uses it, so it cannot help


def test_it_returns_only_published_and_imported_claims_by_default():
    quote = "Over 12,500 affordable homes were completed in the county last year."
    published = factories.ClaimFactory(published=True, quote=quote)
    archived = factories.ClaimFactory(published=True, quote=quote, imported=True,
                                      original_url="https://archive.example.org/affordable-12500")
    hidden = [
        factories.ClaimFactory(quote=quote),
        factories.ClaimFactory(researching=True, quote=quote),
        factories.ClaimFactory(in_review=True, quote=quote),
        factories.ClaimFactory(dismissed=True, quote=quote),
        factories.ClaimFactory(retracted=True, quote=quote),
    ]
    refresh_term_stats()

    found = {m.claim.pk for m in find_similar(quote, limit=10)}
    assert found == {published.pk, archived.pk}

    everything = {m.claim.pk for m in find_similar(quote, limit=10, checked_only=False)}
    assert everything == {published.pk, archived.pk, *(c.pk for c in hidden)}

    assert published.pk not in {m.claim.pk for m in find_similar(quote, exclude_id=published.pk)}


def test_it_finds_nothing_for_words_no_claim_uses():
    factories.ClaimFactory(published=True)
    refresh_term_stats()
    assert find_similar("zzyzx quorble") == []
    assert find_similar("the and of") == []
    assert find_similar("") == []


def test_it_prints_matches_as_json_from_the_match_claim_command():
    claim = factories.ClaimFactory(published=True, quote="Rough sleeping has risen by 27% since 2019.",
                                   claim_checked="Rough sleeping rose 27% since 2019.")
    factories.ClaimFactory(quote="Rough sleeping has risen by 27% since 2019, in progress.")
    refresh_term_stats()
    out = io.StringIO()

    call_command("match_claim", "rough sleeping up 27 per cent since 2019", "--format", "json", stdout=out)

    data = json.loads(out.getvalue())
    assert isinstance(data, list) and len(data) == 1
    [row] = data
    assert set(row) == {"id", "slug", "claim", "rating", "score", "lexical", "semantic", "shared_words"}
    assert row["id"] == claim.pk
    assert row["slug"] == claim.slug
    assert row["claim"] == "Rough sleeping rose 27% since 2019."
    assert row["rating"] == "Mostly false"
    assert isinstance(row["score"], float) and row["score"] > 0
    # Why it was suggested: the words it shares with the text, and how close it is in meaning.
    assert 0 < row["lexical"] <= 1 and 0 < row["semantic"] <= 1
    assert {"rough", "sleeping", "2019"} <= {w.lower() for w in row["shared_words"]}


def test_it_prints_readable_matches_and_a_nothing_message():
    claim = factories.ClaimFactory(published=True, quote="Rough sleeping has risen by 27% since 2019.",
                                   claim_checked="")
    refresh_term_stats()
    out = io.StringIO()
    call_command("match_claim", "rough sleeping has risen since 2019", stdout=out)
    assert f"/claims/{claim.slug}/" in out.getvalue()
    assert "Mostly false" in out.getvalue()
    out = io.StringIO()
    call_command("match_claim", "zzyzx quorble", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    call_command("match_claim", "zzyzx quorble", stdout=out)
    assert "No similar checked claims." in out.getvalue()


def _queries_for(text: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as ctx:
        matches = find_similar(text, limit=5)
        [m.as_dict() for m in matches]  # reading the rating and slug must not query again
    return len(ctx.captured_queries), matches


@pytest.mark.parametrize("extra", [0, 49])
def test_it_runs_a_fixed_number_of_queries_however_many_claims_match(extra):
    quote = "More than 8,000 children are waiting for a special needs assessment in the borough."
    factories.ClaimFactory(published=True, quote=quote)
    for n in range(extra):
        factories.ClaimFactory(published=True, quote=f"{quote} Figure {n}.")
    refresh_term_stats()

    count, matches = _queries_for("8,000 children waiting for special needs assessments in the borough")

    assert len(matches) == (5 if extra else 1)
    # lexemes, statistics, at most five candidate queries by words, two by meaning (pgvector: claims
    # and appearances, once a connection the HNSW settings), the candidates with their ratings, the
    # words of their other appearances, and the embeddings of the best
    assert count <= 13, count


def test_it_runs_no_more_queries_with_50_matching_claims_than_with_one():
    quote = "More than 8,000 children are waiting for a special needs assessment in the borough."
    first = factories.ClaimFactory(published=True, quote=quote)
    refresh_term_stats()
    text = "8,000 children waiting for special needs assessments in the borough"
    one, _ = _queries_for(text)

    for n in range(49):
        factories.ClaimFactory(published=True, quote=f"{quote} Figure {n}.")
    refresh_term_stats()
    fifty, matches = _queries_for(text)

    assert Claim.objects.filter(status="published").count() == 50
    assert first.pk in {m.claim.pk for m in matches} or len(matches) == 5
    assert fifty <= one, (one, fifty)
