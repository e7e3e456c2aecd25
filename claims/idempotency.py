"""Desk create forms submitted once: each form carries a token (``{% form_token %}``); the first
request with it creates, any other with the same token (sent at the same moment, or later) waits
for the first, creates nothing and is led to what the first made.

The token row is written in the same transaction as the object. PostgreSQL's unique index makes a
second insert of the same token wait until the first transaction ends: after a commit it finds
the row, after a rollback (a refusal, a duplicate claim) it goes ahead as the first.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.http import HttpRequest

TOKEN = re.compile(r"[0-9a-f]{32}")

_TAKE_TOKEN_SQL = """
WITH old AS (DELETE FROM claims_formtoken WHERE id IN (
        SELECT id FROM claims_formtoken WHERE created_at < now() - interval '1 day' LIMIT 20))
INSERT INTO claims_formtoken (user_id, key, url, created_at) VALUES (%s, %s, '', now())
ON CONFLICT (user_id, key) DO NOTHING RETURNING id
"""  # noqa: S105 - SQL, not a secret


class Refused(Exception):
    """Raised inside ``create`` to answer without creating (the form is invalid): the token is
    released with the transaction, so the corrected form can be sent again with it."""

    def __init__(self, response):
        super().__init__("refused")
        self.response = response


def new_token() -> str:
    return uuid.uuid4().hex


@dataclass
class FormSubmission:
    first: bool
    object_id: int | None
    url: str


def submit_once(request: HttpRequest, create: Callable[[], tuple[int | None, str]]) -> FormSubmission:
    """Run ``create`` (returning the new object's id and the address to go to next) once per token.

    A request without a valid token (a form from elsewhere, a script) simply creates. Validate the
    form inside ``create`` (raising ``Refused``) when its validity depends on what the first
    submission saves, such as a unique name: a resent form then waits for the first and is led to
    what it made, instead of being told the name is taken."""
    token = request.POST.get("form_token", "")
    if not TOKEN.fullmatch(token) or not request.user.is_authenticated:
        object_id, url = create()
        return FormSubmission(True, object_id, url)
    from claims.models import FormToken

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_TAKE_TOKEN_SQL, [request.user.pk, token])
            claimed = cursor.fetchone()
        if claimed is None:
            done = FormToken.objects.filter(user=request.user, key=token).values("object_id", "url").first() or {}
            return FormSubmission(False, done.get("object_id"), done.get("url", ""))
        object_id, url = create()
        FormToken.objects.filter(pk=claimed[0]).update(object_id=object_id, url=url[:2000])
        return FormSubmission(True, object_id, url)
