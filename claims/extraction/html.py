"""The article text of an HTML page, with the standard library's parser only.

Scripts, styles, navigation, headers, footers, asides, forms, figures and their captions are
dropped, and so are blocks whose class or id says they are furniture ("related", "share",
"newsletter", "advert" …). When the page marks its story with ``<article>`` (or ``<main>``),
only the largest such element is kept, so teasers for other stories fall away. Block elements
become paragraphs, one per line; white space inside a paragraph is collapsed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from claims.extraction.lexicon import word_set

_SKIP = word_set(
    "script style noscript template nav header footer aside figure figcaption form button select option "
    "textarea svg canvas iframe object embed audio video picture source map dialog menu head title")
_BLOCK = word_set(
    "p div section article main li ul ol dl dt dd blockquote pre h1 h2 h3 h4 h5 h6 table tr td th tbody "
    "thead tfoot caption address hr br body html center details summary")
_VOID = word_set("area base br col embed hr img input link meta param source track wbr")
_FURNITURE_HINT = re.compile(
    r"(?:^|[\s_-])(?:related|share|sharing|social|newsletter|signup|sign-up|subscribe|advert|advertisement|ad|ads|"
    r"promo|promoted|sponsor|sponsored|caption|credit|byline|breadcrumbs?|comments?|cookie|consent|read-?more|"
    r"more-on|recommended|outbrain|taboola|most-read|most-popular|trending|tags|topics|author-bio|paywall|"
    r"twitter-tweet|instagram-media|tiktok-embed|embed|video|player|gallery|toolbar|hidden|visually-hidden|"
    r"sr-only|skip-link|footer|header|nav|sidebar|aside|popup|modal|links|tag|tag-list|author|timestamp|date|"
    r"meta|podcast|live-updates|correction-notice)(?:$|[\s_-])",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"})


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, int | None]] = []  # (tag, skipping, container id)
        self.skip_depth = 0
        self.blocks: list[tuple[int | None, bool, list[str]]] = []  # (container id, in <main>, words)
        self.current: list[str] = []
        self.container: int | None = None
        self.in_main = 0
        self.containers: dict[int, int] = {}  # container id → characters of text
        self.next_id = 0

    def _flush(self) -> None:
        if self.current:
            line = _SPACE.sub(" ", "".join(self.current)).strip()
            if line:
                self.blocks.append((self.container, self.in_main > 0, [line]))
                if self.container is not None:
                    self.containers[self.container] = self.containers.get(self.container, 0) + len(line)
            self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _BLOCK:
            self._flush()
        if tag in _VOID:
            return
        attr = {k.lower(): (v or "") for k, v in attrs}
        skipping = self.skip_depth > 0 or tag in _SKIP or self._is_furniture(tag, attr)
        if skipping:
            self.skip_depth += 1
        container = self.container
        if tag == "article" and self.container is None and not skipping:
            self.next_id += 1
            self.container = self.next_id
        if tag == "main" and not skipping:
            self.in_main += 1
        self.stack.append((tag, skipping, container))

    @staticmethod
    def _is_furniture(tag: str, attr: dict[str, str]) -> bool:
        if "hidden" in attr or attr.get("aria-hidden") == "true":
            return True
        if attr.get("role", "").lower() in _SKIP_ROLES:
            return True
        if tag in {"html", "body", "main", "article"}:
            return False
        hint = " ".join((attr.get("class", ""), attr.get("id", ""), attr.get("data-component", "")))
        return bool(hint.strip()) and bool(_FURNITURE_HINT.search(hint))

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _VOID:
            if tag == "br":
                self._flush()
            return
        if not any(t == tag for t, _, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            open_tag, skipping, container = self.stack.pop()
            if skipping:
                self.skip_depth -= 1
            if open_tag in _BLOCK:
                self._flush()
            if open_tag == "main" and not skipping:
                self.in_main -= 1
            self.container = container
            if open_tag == tag:
                break

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip_depth == 0:
            self.current.append(data)


def html_to_text(html: str) -> str:
    """Paragraphs of the page's main text, separated by newlines."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    parser._flush()
    blocks = parser.blocks
    if parser.containers:
        main_article = max(parser.containers, key=lambda k: (parser.containers[k], -k))
        blocks = [b for b in blocks if b[0] == main_article]
    elif any(in_main for _, in_main, _ in blocks):
        blocks = [b for b in blocks if b[1]]
    return "\n".join(line for _, _, lines in blocks for line in lines)
