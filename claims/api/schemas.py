"""The shapes of the public API's answers: the OpenAPI document is generated from these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class RatingOut(Schema):
    slug: str
    label: str
    value: int | None = Field(description="Its place on the scale; empty for ratings off the scale (Unproven).")
    colour: str = Field(description="The rating's colour, #rrggbb.")


class RatingDetailOut(RatingOut):
    definition: str
    retired: bool = Field(description="No longer given to new checks; older checks keep it.")


class TopicOut(Schema):
    slug: str
    name: str


class TopicDetailOut(TopicOut):
    fact_checks: int = Field(description="Published fact-checks on this topic.")


class SpeakerOut(Schema):
    slug: str
    name: str
    kind: str = Field(description="person or organisation")
    role: str
    affiliation: str


class SourceOut(Schema):
    url: str
    title: str
    outlet: str
    date: dt.date | None


class AppearanceOut(Schema):
    speaker: SpeakerOut
    date_said: dt.date | None
    quote: str
    source: SourceOut | None


class EvidenceOut(Schema):
    url: str
    title: str
    publisher: str
    date: dt.date | None
    passage: str
    stance: str = Field(description="supports, contradicts or context")


class CorrectionOut(Schema):
    kind: str = Field(description="correction, update, clarification or retraction")
    note: str
    date: dt.datetime


class FactCheckOut(Schema):
    slug: str
    url: str = Field(description="The public fact-check page.")
    api_url: str
    quote: str = Field(description="The exact words said.")
    claim_checked: str = Field(description="The claim as checked: a short, neutral restatement.")
    speaker: SpeakerOut
    date_said: dt.date | None
    published_at: dt.datetime
    updated_at: dt.datetime | None = Field(description="The last correction or visible change since publication.")
    rating: RatingOut | None
    conclusion: str
    topics: list[TopicOut]
    source: SourceOut | None
    claim_review: dict[str, Any] | None = Field(
        description="The schema.org ClaimReview object, as in the fact-check page's JSON-LD.")


class FactCheckDetailOut(FactCheckOut):
    analysis: str = Field(description="The full analysis, in Markdown.")
    analysis_html: str = Field(description="The analysis rendered to sanitised HTML.")
    appearances: list[AppearanceOut]
    evidence: list[EvidenceOut]
    corrections: list[CorrectionOut]


class FactCheckPage(Schema):
    items: list[FactCheckOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; empty on the last page.")
    next: str | None = Field(description="The next page's address; empty on the last page.")


class SearchResultOut(FactCheckOut):
    rank: float = Field(description="How well it matches the query (higher is better).")


class SearchPage(Schema):
    items: list[SearchResultOut]
    next_cursor: str | None
    next: str | None


class ScorecardRow(Schema):
    rating: RatingOut
    count: int


class SpeakerDetailOut(SpeakerOut):
    description: str
    url: str = Field(description="The public speaker page.")
    fact_checks: int = Field(description="Published fact-checks of what they said.")
    scorecard: list[ScorecardRow] = Field(description="Their published fact-checks counted by rating.")


class SpeakerPage(Schema):
    items: list[SpeakerDetailOut]
    next_cursor: str | None
    next: str | None


# --- The Google Fact Check Tools API's claims:search shape (field names as Google spells them).

class PublisherOut(Schema):
    name: str
    site: str


class ClaimReviewOut(Schema):
    publisher: PublisherOut
    url: str
    title: str
    reviewDate: str | None = None
    textualRating: str | None = None
    languageCode: str


class GoogleClaimOut(Schema):
    text: str
    claimant: str | None = None
    claimDate: str | None = None
    claimReview: list[ClaimReviewOut]


class GoogleSearchOut(Schema):
    claims: list[GoogleClaimOut]
    nextPageToken: str | None = None
