"""What a text means, as a vector: the semantic half of "already checked?".

One small interface, so another model can be configured later: ``embed_array(texts)`` returns one
unit-length vector of ``DIM`` floats per text (cosine similarity is then a dot product). The
model is wordllama's 256-dimension ``l2_supercat`` weights, shipped inside the wheel: loaded once
per process, on first use, from the installed package folder, never from the network (version
0.4.0 would otherwise look for its tokenizer in the wrong folder and try to download it).

The embeddings are English: ``applies_to(language)`` says whether a claim in that language gets
one (the others are matched by their words only).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np

from claims.textnorm import normalise

DIM = 256


@cache  # one load a process (two threads asking at once may both load it: harmless, and rare)
def _model():
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(dim=DIM, cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def applies_to(language: str | None) -> bool:
    """Whether texts in this language (a BCP 47 tag) are embedded: English only (no tag: English)."""
    return not language or language.split("-")[0].lower() == "en"


def embed_array(texts: list[str]) -> np.ndarray:
    """(len(texts), DIM) float32, each row of unit length (an empty text gives a row of zeros)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    # Case carries little meaning and the model reads "OVER" and "over" apart: texts are folded first.
    vectors = np.asarray(_model().embed([normalise(t).lower() for t in texts], norm=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def claim_text(quote: str, claim_checked: str | None) -> str:
    """What a claim's embedding is computed from: its quote and the claim as checked (once, when
    the quote already says it word for word, as an archive record's does)."""
    quote, checked = (quote or "").strip(), (claim_checked or "").strip()
    if not checked or checked in quote:
        return quote
    if quote in checked:
        return checked
    return f"{quote} {checked}"


# --- storage: the ``embedding`` columns of claims and appearances ----------------------------------

def literals(texts: list[str], languages: list[str | None]) -> list[str | None]:
    """The embeddings of the texts in an embedded language as array literals (None for the others),
    formatted by numpy in one pass (a bulk import formats hundreds of thousands of numbers)."""
    wanted = [i for i, language in enumerate(languages) if applies_to(language)]
    out: list[str | None] = [None] * len(texts)
    if not wanted:
        return out
    buffer = io.StringIO()
    np.savetxt(buffer, embed_array([texts[i] for i in wanted]), fmt="%.6f", delimiter=",")
    for i, row in zip(wanted, buffer.getvalue().splitlines(), strict=True):
        out[i] = "{" + row + "}"
    return out


_SET = """
UPDATE {table} AS t SET embedding = d.embedding::real[]
FROM unnest(%s::bigint[], %s::text[]) AS d(id, embedding) WHERE t.id = d.id
"""  # the table is one of two names below, never input


def _write(table: str, ids: list[int], texts: list[str], languages: list[str | None]) -> int:
    from django.db import connection

    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_SET.format(table=table), [ids, literals(texts, languages)])
    return len(ids)


def store_claims(claim_ids, *, missing_only: bool = False) -> int:
    """Compute and store the embeddings of these claims (English ones; the others' are cleared)."""
    from claims.models import Claim

    rows = Claim.objects.filter(pk__in=list(claim_ids))
    if missing_only:
        rows = rows.filter(embedding__isnull=True)
    rows = list(rows.values_list("pk", "quote", "claim_checked", "language"))
    return _write("claims_claim", [r[0] for r in rows], [claim_text(r[1], r[2]) for r in rows],
                  [r[3] for r in rows])


def store_appearances(appearance_ids=None, *, claim_ids=None, missing_only: bool = False) -> int:
    """Compute and store the embeddings of these appearances (or of every appearance of these claims)."""
    from claims.models import Appearance

    rows = Appearance.objects.all()
    if appearance_ids is not None:
        rows = rows.filter(pk__in=list(appearance_ids))
    if claim_ids is not None:
        rows = rows.filter(claim_id__in=list(claim_ids))
    if missing_only:
        rows = rows.filter(embedding__isnull=True)
    rows = list(rows.values_list("pk", "quote", "language"))
    return _write("claims_appearance", [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


_COPY_FIRST = """
UPDATE claims_appearance AS a SET embedding = c.embedding
FROM claims_claim c
WHERE a.claim_id = c.id AND a."primary" AND c.id = ANY(%s) AND a.embedding IS NULL
      AND a.quote = c.quote AND strpos(c.quote, c.claim_checked) > 0
"""


def store_first_appearances(claim_ids) -> int:
    """The embeddings of these claims' appearances that still lack one: the claim's own copied where
    the words are the same (an archive record's first appearance), the rest computed."""
    from django.db import connection

    ids = [int(pk) for pk in claim_ids]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_COPY_FIRST, [ids])
        copied = cursor.rowcount
    return copied + store_appearances(claim_ids=ids, missing_only=True)
