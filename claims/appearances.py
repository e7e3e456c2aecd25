"""First appearances for claims written in bulk (archive imports, generated claims).

A claim made through ``services.claim_create`` gets its first appearance there; rows inserted in
bulk get theirs here, in one statement: the claim's quote, speaker (with the speaker's current
role and affiliation), source, date, language and embedding (the same words mean the same).
"""

from __future__ import annotations

from django.db import connection

_INSERT = """
INSERT INTO claims_appearance (claim_id, speaker_id, speaker_role, speaker_affiliation, source_id, date_said,
                               quote, "primary", accepted, added_by_id, created_at, language, embedding)
SELECT c.id, c.speaker_id, s.role, s.affiliation, c.source_id, c.date_said, c.quote, true, true, c.created_by_id,
       c.created_at, c.language, c.embedding
FROM claims_claim c JOIN claims_speaker s ON s.id = c.speaker_id
WHERE c.id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM claims_appearance a WHERE a.claim_id = c.id AND a."primary")
"""


def add_first_appearances(claim_ids) -> int:
    ids = [int(pk) for pk in claim_ids]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [ids])
        return cursor.rowcount
