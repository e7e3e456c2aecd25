"""Claim extraction for article intake: plain Python, no Django, no downloads.

- ``extract_claims(text)``: quoted and reported claims with speakers, roles, numbers and a
  check-worthiness score, in order of position (offsets into ``text`` as given).
- ``html_to_text(html)``: the article text of an HTML page.
- ``find_numbers(text)``: quantities with units.
- ``rank(query, candidates)``: re-rank texts by similarity to a query, robust to paraphrase.
"""

from claims.extraction.engine import Candidate, extract_claims
from claims.extraction.html import html_to_text
from claims.extraction.numbers import find_numbers
from claims.extraction.ranking import rank

__all__ = ["Candidate", "extract_claims", "find_numbers", "html_to_text", "rank"]
