"""The claim workspace: every panel is a fragment of one page, saved without a reload."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from claims import permissions, services
from claims.errors import Conflict, Invalid
from claims.forms import (
    AnnotationForm,
    AppearanceForm,
    AssignForm,
    ClaimForm,
    CorrectionForm,
    EvidenceForm,
    ReplyAttemptForm,
    ReplyForm,
    VerdictForm,
    utf16_to_codepoints,
)
from claims.idempotency import submit_once
from claims.markdown import render_markdown
from claims.models import (
    Annotation,
    Appearance,
    Check,
    Claim,
    ConsistencyNote,
    Event,
    Evidence,
    ReviewVote,
    Submission,
    Verdict,
    display_name,
)
from claims.textnorm import drop_controls
from claims.views.common import page_or_fragment, posted_text, see_other, wants_fragment
from claims.views.confirm import confirm_first, confirmation_page
from claims.views.decorators import desk_required

TEMPLATE = "desk/claim_workspace.html"


def quote_segments(quote: str, notes) -> list[tuple[str, list[int]]]:
    """Split the quote into runs of text, each with the notes whose span covers it."""
    cuts = {0, len(quote)}
    spans = [(n.pk, n.start, n.end) for n in notes if n.start is not None and not n.detached]
    for _, start, end in spans:
        cuts.update((start, end))
    points = sorted(c for c in cuts if 0 <= c <= len(quote))
    return [(quote[a:b], [pk for pk, s, e in spans if s <= a and b <= e]) for a, b in itertools.pairwise(points)]


def quote_words(quote: str, notes) -> list[dict]:
    """The quote as words the keyboard can reach one by one: each word with its code point offsets
    (what the note form takes), its text split into runs with the notes whose span covers them, and
    the spaces after it (inside the word, so the word list holds nothing but words)."""
    spans = [(n.pk, n.start, n.end) for n in notes if n.start is not None and not n.detached]
    found = [m.span() for m in re.finditer(r"\S+", quote)]
    words = []
    for index, (start, end) in enumerate(found):
        # The text a word shows runs to the next word; the first one also takes any leading space.
        a = 0 if index == 0 else start
        b = found[index + 1][0] if index + 1 < len(found) else len(quote)
        cuts = sorted({a, b} | {c for _, s, e in spans for c in (s, e) if a < c < b})
        parts = [(quote[x:y], [pk for pk, s, e in spans if s <= x and y <= e]) for x, y in itertools.pairwise(cuts)]
        words.append({"start": start, "end": end, "parts": parts})
    return words


def workspace_context(request: HttpRequest, claim: Claim, **overrides) -> dict:
    user = request.user
    verdict = Verdict.objects.filter(claim=claim).select_related("rating").first()
    appearances = list(Appearance.objects.filter(claim=claim).select_related("speaker", "source", "added_by"))
    notes = list(Annotation.objects.filter(claim=claim, parent__isnull=True).select_related("author")
                 .prefetch_related("replies__author"))
    for note in notes:
        note.span_text = claim.quote[note.start:note.end] if note.start is not None and not note.detached else ""
    can = {action: permissions.can(user, action, claim)
           for action in ("claim_edit", "evidence_edit", "verdict_edit", "annotate", "reply_log", "archive_retry")}
    evidence = (Evidence.objects.filter(claim=claim).select_related("archive").defer("archive__text")
                .order_by("position", "id"))

    @functools.cache
    def candidates():
        from claims.consistency import ruling_candidates

        return ruling_candidates(claim)

    def past_rulings():
        return candidates()[:5]

    @functools.cache
    def conflicts():
        from claims.consistency import conflicting_rulings

        if claim.status not in ("researching", "in_review"):
            return []
        return conflicting_rulings(claim, verdict, candidates())

    @functools.cache
    def comparisons():
        from claims.figures import comparisons_for

        return comparisons_for(claim, evidence)

    def unverified_support():
        # Supporting evidence whose quoted passage is not in its archived copy: a warning at submit and review.
        return [item for item in evidence
                if item.stance == Evidence.Stance.SUPPORTS and item.passage_check == Check.NOT_FOUND]

    context = {
        "claim": claim,
        "verdict": verdict,
        "evidence": evidence,
        "unverified_support": unverified_support,
        # Evaluated only when a template renders the panel that needs them.
        "past_rulings": past_rulings,
        "comparisons": comparisons,
        "conflicts": conflicts,
        "review": review_context(claim) if claim.status == "in_review" else None,
        "appearances": appearances,
        "can_accept_appearance": permissions.can(user, "appearance_accept", claim),
        "can_add_appearance": permissions.can(user, "appearance_add", claim),
        "appearance_form": AppearanceForm(prefix="appearance"),
        "notes": notes,
        "segments": quote_segments(claim.quote, notes),
        "words": quote_words(claim.quote, notes),
        "replies": claim.reply_attempts.select_related("logged_by"),
        "events": Event.objects.filter(claim=claim).select_related("actor")[:200],
        "votes": list(ReviewVote.objects.filter(claim=claim).select_related("editor")),
        "can": can,
        "actions": permissions.actions_for(user, claim),
        "approvals": services.approvals_in_round(claim),
        "approvals_needed": settings.REVIEW_APPROVALS_REQUIRED,
        "claim_form": ClaimForm(initial=ClaimForm.initial_for(claim)),
        "verdict_form": VerdictForm(initial={
            "rating": verdict.rating_id if verdict else None, "conclusion": verdict.conclusion if verdict else "",
            "analysis": verdict.analysis if verdict else "", "version": verdict.version if verdict else None,
        }),
        "note_form": AnnotationForm(),
        "reply_attempt_form": ReplyAttemptForm(),
        "assign_form": AssignForm(),
        "correction_form": CorrectionForm(prefix="correction", initial={
            "quote": claim.quote, "claim_checked": claim.claim_checked,
            "conclusion": verdict.conclusion if verdict else "", "analysis": verdict.analysis if verdict else "",
        }) if claim.status == "published" else None,
        "adding_evidence": request.GET.get("add") == "evidence",
        "gate_errors": {},
        "statements": {},
    }
    if "evidence_form" not in overrides and context["adding_evidence"]:
        context["evidence_form"] = EvidenceForm()
    context.update(overrides)
    return context


def review_context(claim: Claim) -> dict:
    """What the reviewing editor sees: the notes on past rulings, and from round 2 on what changed."""
    from claims.textdiff import diff_html

    notes = list(ConsistencyNote.objects.filter(claim=claim, round=claim.review_round, action="submit")
                 .select_related("past_claim", "author"))
    submissions = list(Submission.objects.filter(claim=claim).order_by("-round", "-id")[:2])
    context = {"notes": {n.past_claim_id: n for n in notes}, "changes": None}
    if len(submissions) == 2 and submissions[0].round > submissions[1].round:
        now, then = submissions[0].snapshot, submissions[1].snapshot
        before = {e["id"]: e for e in then.get("evidence", [])}
        after = {e["id"]: e for e in now.get("evidence", [])}
        context["changes"] = {
            "round": submissions[1].round,
            "rating": (then.get("rating"), now.get("rating")),
            "conclusion": diff_html(then.get("conclusion"), now.get("conclusion")),
            "conclusion_changed": then.get("conclusion") != now.get("conclusion"),
            "analysis": diff_html(then.get("analysis"), now.get("analysis")),
            "analysis_changed": then.get("analysis") != now.get("analysis"),
            "added": [e for pk, e in after.items() if pk not in before],
            "removed": [e for pk, e in before.items() if pk not in after],
            "edited": [(before[pk], e) for pk, e in after.items() if pk in before and before[pk] != e],
        }
    return context


def _claim(claim_id: int) -> Claim:
    claim = get_object_or_404(Claim.objects.select_related("speaker", "source", "assignee"), pk=claim_id)
    return claim


def _respond(request, claim, fragment: str, *, status: int = 200, event: str | None = None,
             anchor: str = "", **overrides) -> HttpResponse:
    """htmx: the fragment; plain POST: back to the workspace on success, the whole page otherwise."""
    if request.method == "POST" and status == 200 and not wants_fragment(request):
        return see_other(claim.get_desk_url() + (f"#{anchor}" if anchor else ""))
    if wants_fragment(request):
        # The swapped region's heading takes the focus (an invalid field first: desk.js).
        overrides.setdefault("focus", fragment)
    return page_or_fragment(request, TEMPLATE, fragment, workspace_context(request, claim, **overrides),
                            status=status, event=event)


@require_GET
@desk_required
def claim_workspace(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "claim_view", claim)
    fragment = request.GET.get("fragment", "")
    if wants_fragment(request) and fragment in ("history", "workflow", "evidence-panel", "verdict-panel",
                                                "numbers-panel", "past-rulings", "quote"):
        return page_or_fragment(request, TEMPLATE, fragment, workspace_context(request, claim))
    return page_or_fragment(request, TEMPLATE, "workspace", workspace_context(request, claim))


@require_GET
@desk_required
def claim_preview(request: HttpRequest, claim_id: int) -> HttpResponse:
    """"Preview public page": the reader's view of a claim in any state, for the desk only."""
    from claims.views.public import claim_page_context, with_approvals

    claim = get_object_or_404(with_approvals(Claim.objects.with_public_detail()), pk=claim_id)

    return render(request, "public/claim_detail.html", {**claim_page_context(claim), "preview": True})


@require_POST
@desk_required
def claim_edit(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "claim_edit", claim)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _respond(request, claim, "claim-form", status=422, claim_form=form)
    try:
        claim = services.claim_update(claim_id=claim.pk, actor=request.user,
                                      version=form.cleaned_data.get("version"), data=form.service_data())
    except Conflict as conflict:
        return _respond(request, _claim(claim_id), "claim-form", status=409, claim_form=form, conflict=conflict)
    claim = _claim(claim_id)
    return _respond(request, claim, "claim-form", event="claim-changed", anchor="claim-form",
                    saved="Claim saved.")


@require_http_methods(["GET", "POST"])
@desk_required
def evidence_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "evidence_edit", claim)
    if request.method == "GET":  # "Add evidence" opens the inline form
        return _respond(request, claim, "evidence-panel", evidence_form=EvidenceForm(), adding_evidence=True)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _respond(request, claim, "evidence-panel", status=422, evidence_form=form, adding_evidence=True)
    submit_once(request, lambda: (services.evidence_add(claim_id=claim.pk, actor=request.user,
                                                        data=form.service_data()).pk, claim.get_desk_url()))
    return _respond(request, claim, "evidence-panel", event="evidence-added", anchor="evidence-panel",
                    focus_evidence=True)


def _evidence(evidence_id: int) -> Evidence:
    return get_object_or_404(Evidence.objects.select_related("claim"), pk=evidence_id)


@require_http_methods(["GET", "POST"])
@desk_required
def evidence_edit(request: HttpRequest, evidence_id: int) -> HttpResponse:
    item = _evidence(evidence_id)
    claim = _claim(item.claim_id)
    permissions.require(request.user, "evidence_edit", claim)
    if request.method == "GET":
        form = EvidenceForm(instance=item, initial={"version": item.version})
        return _respond(request, claim, "evidence-panel", editing=item.pk, edit_form=form)
    form = EvidenceForm(request.POST, instance=Evidence.objects.get(pk=item.pk))
    if not form.is_valid():
        return _respond(request, claim, "evidence-panel", status=422, editing=item.pk, edit_form=form)
    try:
        services.evidence_update(evidence_id=item.pk, actor=request.user, version=form.cleaned_data.get("version"),
                                 data=form.service_data())
    except Conflict as conflict:
        return _respond(request, claim, "evidence-panel", status=409, editing=item.pk, edit_form=form,
                        conflict=conflict)
    return _respond(request, claim, "evidence-panel", event="evidence-changed", anchor="evidence-panel")


def _removal_asks(request: HttpRequest, evidence_id: int) -> str:
    # Someone who may not remove it is refused before being asked.
    permissions.require(request.user, "evidence_edit", _evidence(evidence_id).claim)
    return "Remove evidence"


def _removal_question(request: HttpRequest, evidence_id: int) -> str:
    return f"Remove this evidence: {_evidence(evidence_id).title}?"


@require_POST
@desk_required
@confirm_first(_removal_asks, _removal_question)
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    item = _evidence(evidence_id)
    claim = services.evidence_remove(evidence_id=item.pk, actor=request.user)
    return _respond(request, _claim(claim.pk), "evidence-panel", event="evidence-removed", anchor="evidence-panel")


@require_POST
@desk_required
def evidence_move(request: HttpRequest, evidence_id: int) -> HttpResponse:
    item = _evidence(evidence_id)
    claim = services.evidence_move(evidence_id=item.pk, actor=request.user,
                                   direction=request.POST.get("direction", ""))
    return _respond(request, _claim(claim.pk), "evidence-panel", event="evidence-moved", anchor="evidence-panel",
                    moved=item.pk)


@require_POST
@desk_required
def note_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "annotate", claim)
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        return _respond(request, claim, "notes-panel", status=422, note_form=form)
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    if start is not None and form.cleaned_data.get("utf16"):
        start, end = utf16_to_codepoints(claim.quote, start), utf16_to_codepoints(claim.quote, end)
        if start is None or end is None:
            form.add_error("end", "The selection lies outside the quote.")
            return _respond(request, claim, "notes-panel", status=422, note_form=form)
    submit_once(request, lambda: (services.annotation_add(claim_id=claim.pk, actor=request.user,
                                                          body=form.cleaned_data["body"], start=start, end=end).pk,
                                  claim.get_desk_url()))
    return _respond(request, claim, "notes-panel", event="note-added", anchor="notes-panel")


@require_POST
@desk_required
def note_reply(request: HttpRequest, note_id: int) -> HttpResponse:
    note = get_object_or_404(Annotation, pk=note_id)
    claim = _claim(note.claim_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _respond(request, claim, "notes-panel", status=422, reply_form=form, replying=note.pk)
    services.annotation_add(claim_id=claim.pk, actor=request.user, body=form.cleaned_data["body"], parent_id=note.pk)
    return _respond(request, claim, "notes-panel", event="note-added", anchor=f"note-{note.pk}")


@require_POST
@desk_required
def note_resolve(request: HttpRequest, note_id: int) -> HttpResponse:
    note = get_object_or_404(Annotation, pk=note_id)
    services.annotation_resolve(annotation_id=note.pk, actor=request.user)
    return _respond(request, _claim(note.claim_id), "notes-panel", event="note-resolved", anchor="notes-panel")


@require_POST
@desk_required
def verdict_save(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "verdict_edit", claim)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _respond(request, claim, "verdict-panel", status=422, verdict_form=form)
    if "preview" in request.POST:  # the "Preview" button without JavaScript: the page, with the preview
        return page_or_fragment(request, TEMPLATE, "verdict-panel", workspace_context(
            request, claim, verdict_form=form, preview=render_markdown(form.cleaned_data["analysis"]),
            previewing=True))
    try:
        services.verdict_save(claim_id=claim.pk, actor=request.user, version=form.cleaned_data.get("version"),
                              data=form.service_data())
    except Conflict as conflict:
        return _respond(request, claim, "verdict-panel", status=409, verdict_form=form, conflict=conflict)
    return _respond(request, claim, "verdict-panel", event="verdict-saved", anchor="verdict-panel",
                    verdict_saved=True)


@require_POST
@desk_required
def verdict_preview(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "claim_view", claim)
    analysis = request.POST.get("analysis", "")[:50000]
    return page_or_fragment(request, TEMPLATE, "verdict-preview",
                            workspace_context(request, claim, preview=render_markdown(analysis), previewing=True))


@require_POST
@desk_required
def reply_log(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "reply_log", claim)
    form = ReplyAttemptForm(request.POST)
    if not form.is_valid():
        return _respond(request, claim, "replies-panel", status=422, reply_attempt_form=form)
    services.reply_log(claim_id=claim.pk, actor=request.user, data=form.cleaned_data)
    return _respond(request, claim, "replies-panel", event="reply-logged", anchor="replies-panel")


def posted_statements(post) -> dict[int, dict]:
    """The consistency statements of a Submit or Approve form: one per past ruling it names."""
    statements = {}
    for key in post:
        if key.startswith("relation_") and key[9:].isdigit():
            pk = int(key[9:])
            statements[pk] = {"relation": post.get(key, "").strip(),
                              "reason": drop_controls(post.get(f"reason_{pk}", "")[:5000]).strip()}
    return statements


def _message(action: str, claim: Claim) -> str:
    """What the status line says after each workflow action."""
    if (action == "approve" and claim.status == "published") or action in ("correct", "retract"):
        done = {"approve": "Published.", "correct": "Corrected.", "retract": "Retracted."}[action]
        return format_html('{} <a href="{}">View the fact-check</a>', done, claim.get_absolute_url())
    if action == "approve":
        approvals = services.approvals_in_round(claim)
        needed = settings.REVIEW_APPROVALS_REQUIRED
        return f"Approved ({approvals} of {needed} approval{'s' if needed != 1 else ''})."
    if action in ("assign", "assign-self"):
        return f"Assigned to {display_name(claim.assignee)}."
    return {
        "submit": "Submitted for review. Editors have been told.", "request-changes": "Changes requested.",
        "dismiss": "Dismissed.", "reopen": "Reopened.",
    }[action]


def _merge_target(value: str) -> int | None:
    """"Merge into claim" takes the claim's number or its desk address."""
    match = re.search(r"(\d+)/?\s*$", value or "")
    return int(match.group(1)) if match else None


# Each workflow button: (request, claim, user, comment) → a response of its own (a form to show
# again, a redirect), or None when the workspace should say what happened.
ACTIONS: dict[str, Callable[..., HttpResponse | None]] = {}


def workflow_action(name: str):
    def register(handler):
        ACTIONS[name] = handler
        return handler

    return register


@workflow_action("assign-self")
def _assign_self(request, claim, user, comment) -> None:
    services.claim_assign(claim_id=claim.pk, actor=user)


@workflow_action("assign")
def _assign(request, claim, user, comment) -> HttpResponse | None:
    form = AssignForm(request.POST)
    permissions.require(user, "assign", claim)
    if not form.is_valid():
        return _respond(request, claim, "workspace", status=422, assign_form=form)
    services.claim_assign(claim_id=claim.pk, actor=user, assignee=form.cleaned_data["assignee"])
    return None


@workflow_action("submit")
def _submit(request, claim, user, comment) -> None:
    services.claim_submit(claim_id=claim.pk, actor=user, comment=comment, consistency=posted_statements(request.POST))


@workflow_action("approve")
def _approve(request, claim, user, comment) -> None:
    services.review_approve(claim_id=claim.pk, actor=user, comment=comment, consistency=posted_statements(request.POST),
                            show_publicly=request.POST.get("show_publicly") == "on")


@workflow_action("request-changes")
def _request_changes(request, claim, user, comment) -> None:
    services.review_request_changes(claim_id=claim.pk, actor=user, comment=comment)


@workflow_action("dismiss")
def _dismiss(request, claim, user, comment) -> None:
    services.claim_dismiss(claim_id=claim.pk, actor=user, reason=comment)


@workflow_action("reopen")
def _reopen(request, claim, user, comment) -> None:
    services.claim_reopen(claim_id=claim.pk, actor=user, comment=comment)


@workflow_action("retract")
def _retract(request, claim, user, comment) -> None:
    services.claim_retract(claim_id=claim.pk, actor=user, note=comment)


@workflow_action("correct")
def _correct(request, claim, user, comment) -> HttpResponse | None:
    permissions.require(user, "correct", claim)
    form = CorrectionForm(request.POST, prefix="correction")
    if not form.is_valid():
        return _respond(request, claim, "workspace", status=422, correction_form=form)
    services.verdict_correct(claim_id=claim.pk, actor=user, kind=form.cleaned_data["kind"],
                             note=form.cleaned_data["note"], data=form.claim_and_verdict_data(claim),
                             evidence=form.evidence_data())
    return None


@workflow_action("merge")
def _merge(request, claim, user, comment) -> HttpResponse:
    permissions.require(user, "merge", claim)
    value = posted_text(request, "into", 2000).strip()
    into = _merge_target(value)
    if into is None or not Claim.objects.filter(pk=into).exists():
        return _respond(request, claim, "workspace", status=422, merge_value=value,
                        merge_error="Give the number of an existing claim, such as 42.")
    try:
        survivor = services.claim_merge(claim_id=claim.pk, into_id=into, actor=user)
    except Invalid as invalid:
        return _respond(request, claim, "workspace", status=422, merge_value=value,
                        merge_error=" ".join(invalid.errors.get("into", [invalid.message])))
    messages.success(request, format_html("Merged claim {} into this one.", claim.pk))
    if wants_fragment(request):
        return HttpResponseClientRedirect(survivor.get_desk_url())
    return see_other(survivor.get_desk_url())


# Workflow actions that cannot be taken back from the desk: they ask first.
CONFIRMED_ACTIONS = {
    "dismiss": ("Dismiss", "Dismiss this claim? It leaves the desk's open work."),
    "merge": ("Merge", "Merge this claim into the one you named? This cannot be undone."),
    "retract": ("Retract", "Retract this fact-check? Readers will see it marked retracted, with your note."),
}


@require_POST
@desk_required
def claim_transition(request: HttpRequest, claim_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    claim = _claim(claim_id)
    if action in CONFIRMED_ACTIONS and request.POST.get("confirmed") == "no":
        # Without JavaScript, a destructive action asks on a page of its own (after the refusal, if any).
        permissions.require(request.user, action, claim)
        name, question = CONFIRMED_ACTIONS[action]
        return confirmation_page(request, name, question)
    try:
        answer = ACTIONS[action](request, claim, request.user, posted_text(request, "comment", 5000).strip())
    except Invalid as invalid:
        if action not in ("submit", "approve") or not invalid.errors or "__all__" in invalid.errors:
            raise
        # The consistency gate: the page again, the errors next to each past ruling's fields.
        return _respond(request, _claim(claim.pk), "workspace", status=422, gate_errors=invalid.errors,
                        gate_message=invalid.message, statements=posted_statements(request.POST))
    if answer is not None:
        return answer
    claim = _claim(claim.pk)
    message = _message(action, claim)
    if not wants_fragment(request):
        messages.success(request, message)
        return see_other(claim.get_desk_url())
    # A transition changes what every panel may do: reload the workspace's content in place.
    return page_or_fragment(request, TEMPLATE, "workspace",
                            workspace_context(request, claim, flash=message, focus="workspace"), event="claim-changed")


@require_POST
@desk_required
def appearance_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(claim_id)
    permissions.require(request.user, "appearance_add", claim)
    form = AppearanceForm(request.POST, prefix="appearance")
    if not form.is_valid():
        return _respond(request, claim, "appearances-panel", status=422, appearance_form=form)
    data = form.cleaned_data
    appearance = services.appearance_add(claim_id=claim.pk, actor=request.user, quote=data["quote"],
                                         speaker=data["speaker"], source_url=data["source_url"],
                                         date_said=data["date_said"], language=data["language"] or None)
    saved = "Appearance added." if appearance.accepted else \
        "Appearance added: it waits for an editor before the public page shows it."
    if not wants_fragment(request):
        messages.success(request, saved)
    return _respond(request, _claim(claim.pk), "appearances-panel", event="claim-changed",
                    anchor="appearances-panel", appearance_saved=saved)


@require_POST
@desk_required
def appearance_accept(request: HttpRequest, appearance_id: int) -> HttpResponse:
    appearance = get_object_or_404(Appearance, pk=appearance_id)
    services.appearance_accept(appearance_id=appearance.pk, actor=request.user)
    return _respond(request, _claim(appearance.claim_id), "appearances-panel", event="claim-changed",
                    anchor="appearances-panel", appearance_saved="Appearance accepted: the public page shows it.")
