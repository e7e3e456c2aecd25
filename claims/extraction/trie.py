"""Word lists compiled as prefix trees, so a regex over thousands of positions stays cheap.

Python's ``re`` tries the alternatives of ``one|two|three|…`` one after another at every
position; ``(?:one|t(?:wo|hree))`` shares the prefixes and rejects most positions after a
single character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str], *, either_case: bool = False) -> str:
    """A non-capturing regex matching exactly the given words (longest first where they overlap)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node(root, either_case, top=True)


def _node(node: dict, either_case: bool, top: bool = False) -> str:
    ends = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        head = re.escape(ch)
        if top and either_case and ch.isalpha():
            head = f"[{ch.upper()}{ch.lower()}]"
        branches.append(head + _node(node[ch], either_case))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        # Greedy: the longer word wins, the shorter one matches when the rest does not follow.
        body = "(?:" + body + ")?"
    return body
