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
    status: str = Field(description="published, or retracted: a retracted check keeps its page, shows its "
                                    "retraction, and has no ClaimReview.")
    retraction: CorrectionOut | None = Field(description="Why and when it was retracted; empty unless retracted.")
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


# --- The desk's part (personal tokens): claims in every state the desk sees, and what a pipeline sends.

class DeskAppearanceOut(Schema):
    id: int
    speaker: SpeakerOut
    date_said: dt.date | None
    quote: str
    language: str
    source: SourceOut | None
    accepted: bool = Field(description="False while an editor has still to accept it (on a published check).")
    primary: bool = Field(description="The claim's own first appearance.")


class DeskClaimOut(Schema):
    id: int
    slug: str
    status: str = Field(description="logged, researching, in_review, published, retracted, dismissed or merged")
    quote: str
    claim_checked: str
    speaker: SpeakerOut
    date_said: dt.date | None
    language: str = Field(description="BCP 47")
    topics: list[TopicOut]
    source: SourceOut | None
    assignee: str | None = Field(description="Who is checking it, by name; empty when nobody is.")
    version: int = Field(description="Bumped by every change to the claim.")
    archive: bool = Field(description="An archive record of a past fact-check, read-only.")
    merged_into: int | None = Field(description="For a merged claim, the id of the claim it now lives in.")
    created_at: dt.datetime
    updated_at: dt.datetime
    desk_url: str = Field(description="The claim's workspace in the desk.")
    api_url: str


class DeskClaimDetailOut(DeskClaimOut):
    appearances: list[DeskAppearanceOut]


class ReviewQueuePage(Schema):
    items: list[DeskClaimOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; empty on the last page.")
    next: str | None


class ClaimIn(Schema):
    quote: str = Field(min_length=1, max_length=5000, description="The exact words, as said.")
    claim_checked: str = Field("", max_length=500, description="A short, neutral restatement.")
    speaker: str = Field(min_length=1, max_length=200, description="A speaker's name, as the desk knows them.")
    source_url: str = Field("", max_length=2000, description="Where it was said (http or https).")
    date_said: dt.date | None = Field(None, description="YYYY-MM-DD; not in the future.")
    language: str | None = Field(None, max_length=35, description="BCP 47; guessed from the words when absent.")
    topics: list[str] = Field([], max_length=50, description="Topics' slugs.")
    different_reason: str | None = Field(
        None, max_length=5000, description="Log it although it matches claims already logged (a 409 named them): "
        "why this is a different claim. The claim's history keeps it.")


class AppearanceIn(Schema):
    quote: str = Field(min_length=1, max_length=5000, description="The exact words this time.")
    speaker: str = Field(min_length=1, max_length=200, description="A speaker's name, as the desk knows them.")
    source_url: str = Field("", max_length=2000, description="Where it was said (http or https).")
    date_said: dt.date | None = Field(None, description="YYYY-MM-DD; not in the future.")
    language: str | None = Field(None, max_length=35, description="BCP 47; guessed from the words when absent.")


class AppearanceCreatedOut(DeskAppearanceOut):
    claim_id: int
    claim_api_url: str


class DuplicateMatchOut(Schema):
    id: int
    slug: str
    status: str
    quote: str
    score: float = Field(description="How alike the quotes are, 0 to 1.")
    lexical: float = Field(description="How alike their words are (BM25, 0 to 1).")
    semantic: float | None = Field(description="How close their meaning is (cosine of the embeddings); null "
                                               "where meaning is not compared (other languages).")
    shared_words: list[str] = Field(description="The words both share.")
    api_url: str
    appearances_url: str = Field(description="POST the appearance here instead.")
