"""Personal API tokens in the desk: the list, "Create token" (the secret shown once) and "Revoke token"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from claims import permissions
from claims.forms import DeskForm
from claims.idempotency import submit_once
from claims.models import ApiToken, ApiTokenScope
from claims.services import tokens as service
from claims.views.common import see_other
from claims.views.confirm import confirm_first
from claims.views.decorators import desk_required


class TokenForm(DeskForm):
    name = forms.CharField(label="Name", max_length=100,
                           help_text="What uses it, e.g. “Monitoring pipeline”.")
    scopes = forms.MultipleChoiceField(label="Scopes", choices=ApiTokenScope.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": "Choose at least one scope."})


def _page(request: HttpRequest, form: TokenForm, *, status: int = 200, secret: str = "",
          created: ApiToken | None = None) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    response = render(request, "desk/tokens.html", {"form": form, "tokens": tokens, "secret": secret,
                                                    "created": created}, status=status)
    # The page may hold a secret once; and a list of one's tokens is nobody else's.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@desk_required
def token_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "token_manage")
    if request.method == "GET":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    made: dict = {}

    def create():
        made["token"], made["secret"] = service.token_create(actor=request.user, name=form.cleaned_data["name"],
                                                     scopes=form.cleaned_data["scopes"])
        return made["token"].pk, reverse("desk:tokens")

    done = submit_once(request, create)
    if not done.first:  # the same form sent again: its secret was shown to the first request only
        return see_other("desk:tokens")
    return _page(request, TokenForm(), status=201, secret=made["secret"], created=made["token"])


def _own_token_name(request: HttpRequest, token_id: int) -> str | None:
    return ApiToken.objects.filter(pk=token_id, user=request.user, revoked_at=None).values_list(
        "name", flat=True).first()


def _revoke_action(request: HttpRequest, token_id: int) -> str | None:
    # Someone else's token (or one already revoked) asks nothing: the view answers it.
    return "Revoke token" if _own_token_name(request, token_id) else None


def _revoke_question(request: HttpRequest, token_id: int) -> str:
    return f"Revoke the token “{_own_token_name(request, token_id)}”? Anything using it is refused from now on."


@require_POST
@desk_required
@confirm_first(_revoke_action, _revoke_question, permission="token_manage")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = service.token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, f"Revoked the token “{token.name}”.")
    return see_other("desk:tokens")
