"""factory_boy factories for every model, with traits for each workflow state."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Writer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@newsroom.example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Speaker

    name = factory.Sequence(lambda n: f"Pat Speaker {n}")
    slug = factory.Sequence(lambda n: f"pat-speaker-{n}")
    role = "Member of Parliament"
    affiliation = "Independent"

    class Params:
        organisation = factory.Trait(kind=models.Speaker.Kind.ORGANISATION, name=factory.Sequence(
            lambda n: f"Department {n}"), slug=factory.Sequence(lambda n: f"department-{n}"))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    title = factory.Sequence(lambda n: f"Story number {n}")
    outlet = "Example News"
    published_on = dt.date(2025, 8, 17)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


def rating(slug: str = "false") -> models.Rating:
    return models.Rating.objects.get(slug=slug)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Claim
        skip_postgeneration_save = True

    quote = factory.Sequence(lambda n: f"Our town built {n * 100 + 250} new homes last year, a record.")
    claim_checked = factory.Sequence(lambda n: f"The town built {n * 100 + 250} homes last year.")
    speaker = factory.SubFactory(SpeakerFactory)
    source = factory.SubFactory(SourceFactory)
    date_said = dt.date(2025, 8, 15)
    slug = factory.Sequence(lambda n: f"claim-{n}")
    status = models.Status.LOGGED

    class Params:
        researching = factory.Trait(status=models.Status.RESEARCHING,
                                    assignee=factory.SubFactory(UserFactory))
        in_review = factory.Trait(status=models.Status.IN_REVIEW)
        published = factory.Trait(status=models.Status.PUBLISHED,
                                  published_at=factory.LazyFunction(timezone.now))
        retracted = factory.Trait(status=models.Status.RETRACTED,
                                  published_at=factory.LazyFunction(timezone.now))
        dismissed = factory.Trait(status=models.Status.DISMISSED)

    @factory.post_generation
    def with_verdict(self, create, extracted, **kwargs):
        """Claims in review or later get a verdict unless told otherwise."""
        wanted = extracted if extracted is not None else self.status in ("in_review", "published", "retracted")
        if create and wanted:
            VerdictFactory(claim=self, published_at=self.published_at)

    @factory.post_generation
    def first_appearance(self, create, extracted, **kwargs):
        """Every claim has at least one appearance: its own quote, speaker, source and date."""
        if create:
            from claims.appearances import add_first_appearances

            add_first_appearances([self.pk])

    @factory.post_generation
    def search(self, create, extracted, **kwargs):
        if create:
            from claims.services import refresh_search_vectors

            refresh_search_vectors([self.pk])


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Evidence

    claim = factory.SubFactory(ClaimFactory)
    url = factory.Sequence(lambda n: f"https://stats.example.org/table-{n}")
    title = factory.Sequence(lambda n: f"Official table {n}")
    publisher = "Office for Statistics"
    passage = "Completions in the year: 1,900, down from 2,600."
    stance = models.Evidence.Stance.CONTRADICTS
    position = factory.Sequence(lambda n: n + 1)

    class Params:
        numeric = factory.Trait(figure_value=1900, figure_unit="homes", figure_period="2024")


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(lambda: rating("mostly-false"))
    conclusion = "The official figures show fewer homes than claimed."
    analysis = "The council's own table gives **1,900** completions."
    author = factory.SubFactory(UserFactory)


class ReviewVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewVote

    claim = factory.SubFactory(ClaimFactory, in_review=True)
    round = factory.LazyAttribute(lambda v: v.claim.review_round)
    editor = factory.SubFactory(UserFactory)
    decision = models.ReviewVote.Decision.APPROVE
    comment = "Checked."


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Annotation

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory)
    body = "Which year does this refer to?"
    start = 0
    end = 8


class ReplyAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReplyAttempt

    claim = factory.SubFactory(ClaimFactory)
    contacted_on = dt.date(2025, 8, 18)
    channel = "Email"
    contact = "Press office"
    response = "We stand by the figure."
    show_publicly = True


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Correction

    claim = factory.SubFactory(ClaimFactory, published=True)
    kind = models.Correction.Kind.CORRECTION
    note = "An earlier version gave the wrong year for the figures."
    previous = factory.LazyFunction(lambda: {"rating": "False"})
    created_by = factory.SubFactory(UserFactory)


class TipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tip

    text = "The mayor said crime fell by half."
    url = "https://social.example.org/post/1"
