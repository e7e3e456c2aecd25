"""Who said it: names, roles, organisations and the references that point back to them.

``Entities`` reads every capitalised run of the article once ("Conservative shadow home
secretary Chris Philp", "Mr Jarvis", "the Home Office") and answers three questions later:
the full name behind a short reference ("Mr Jarvis" → "Dan Jarvis"), the person a pronoun
most likely means ("He said" after a sentence that names Chris Philp), and the person behind
a role ("the minister"). ``subject_before``/``subject_after`` turn the noun phrase next to a
reporting verb into a ``Speaker``.

US forms read the same way: "Rep." and "Lt. Gov." are honorifics that give the role
("Representative", "Lieutenant Governor"), initials stay in the name ("Lawrence B. Cummings"),
and party–state labels ("(D-N.Y.)", ", R-Texas,"), datelines ("WASHINGTON (AP) —") and a
transcript's speaker labels are masked, so they never become a name or an organisation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from claims.extraction.lexicon import (
    BETWEEN_SUBJECT_AND_VERB,
    COMMON_CAPS,
    DATA_NOUNS,
    DATELINE,
    DOTTED_HONORIFICS,
    FEMALE,
    FEMALE_NAMES,
    GROUPS,
    HONORIFICS,
    INSTITUTIONS,
    KEEP_HONORIFICS,
    MALE,
    MALE_NAMES,
    NP_STOP,
    ORG_WORDS,
    PARTIES,
    PARTY_STATE,
    PLACE_WORDS,
    PRONOUNS,
    ROLE_HEADS,
    ROLE_HONORIFICS,
    SPEAKER_LABEL,
    SPOKES,
    TITLE_HEADS,
    TITLE_WORDS,
    US_TITLES,
    labels_no_one,
    word_set,
)

# "Rep." and "Mrs." before a name, and initials ("B.", "G.K."), are one token with their full stops.
_DOTTED = ("(?:" + "|".join(sorted(DOTTED_HONORIFICS)) + r")\.(?=[ \u00a0]+[A-Z])|[JS]r\.(?=[\s,)])"
           r"|(?:[A-Z]\.){1,3}(?=[ \u00a0]*[A-Z][a-z.])")
# The look-aheads on a capital let ``re`` skip the abbreviations at every other position.
_TOKEN = re.compile(rf"(?=[A-Z])(?:{_DOTTED})|[^\W_](?:[\w'’\-.]*[^\W_])?|[^\w\s]")
_CAP = rf"(?=[A-ZÀ-ÖØ-ÞĀ-Ž])(?:{_DOTTED}|[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*)"
_RUN = re.compile(
    rf"{_CAP}(?:[ \u00a0]+(?:(?:of|for|de|van|von|der|den|bin|al|el|da|di|du|le|la|del|ibn)[ \u00a0]+)?{_CAP})*")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Z&]{1,7})\)")
_APPOSITIVE = re.compile(r",\s+([^,.;:()\"“”\[\]]{2,90}?)\s*(?=[,.;:)]|$)")
_DETERMINERS = word_set("the a an his her their its our this that")
_CONNECTORS = word_set("of for from at to by on")
_PARTICLES = word_set("de van von der den bin al el da di du le la del ibn ter")
_PASSIVE = word_set("is are was were be been being")
_SUFFIXES = word_set("jr sr ii iii iv")
_ISSUED = word_set("statement release memo letter email")  # documents that speak for the body just named
_MAX_LOOKBACK_SENTENCES = 3
_SUBJECT_WINDOW = 240  # characters before a verb that can hold its subject and an appositive


@dataclass(slots=True)
class Tok:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def word(self) -> bool:
        return self.text[:1].isalnum()


def tokenize(text: str, lo: int, hi: int) -> list[Tok]:
    return [Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, lo, hi)]


@lru_cache(maxsize=65536)
def _base(word: str) -> str:
    """"Iraq’s" → "iraq"; "Mr." → "mr"."""
    low = word.lower().rstrip(".")
    if low.endswith(("’s", "'s")):
        low = low[:-2]
    return low


def _possessive(word: str) -> bool:
    return word.endswith(("’s", "'s"))


@dataclass(slots=True)
class Speaker:
    name: str | None
    role: str | None
    kind: str  # "person", "org", "group", "data" or "unknown"


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    name: str
    kind: str  # "person" or "org"
    title: str | None = None  # a title written before the name inside the run ("Home Secretary")


@dataclass(slots=True)
class _Run:
    kind: str  # "person", "org", "title", "unknown"
    name: str
    title: str | None
    honorific: str | None
    start: int
    end: int
    single: bool  # one name word only ("Mr Jarvis", "Starmer")


def _party_trimmed(tokens: list[Tok], text: str) -> str | None:
    """Role words minus a leading party label ("Conservative shadow home secretary" → "shadow home secretary")."""
    while len(tokens) > 1 and _base(tokens[0].text) in PARTIES:
        tokens = tokens[1:]
    if not tokens:
        return None
    return text[tokens[0].start:tokens[-1].end]


class Entities:
    def __init__(self, text: str, ranges: list[tuple[int, int]]):
        self.text = text
        self.persons: list[Mention] = []
        self.orgs: list[Mention] = []
        self._surnames: dict[str, list[tuple[int, str]]] = {}
        self._firstnames: dict[str, list[tuple[int, str]]] = {}
        self._gender: dict[str, str] = {}
        self._roles: dict[str, str | None] = {}
        self._sentence_starts: list[int] = []
        self._sentences: list[tuple[int, int]] = []
        self._quote_starts: list[int] = []
        self._quotes: list[tuple[int, int]] = []
        self._mask = _masked_spans(text, ranges)
        self._mask_starts = [s for s, _ in self._mask]
        pending: list[_Run] = []
        bare: list[_Run] = []
        for lo, hi in ranges:
            for m in _RUN.finditer(text, lo, hi):
                word = m.group()
                if " " not in word and "\u00a0" not in word and _base(word) in COMMON_CAPS:
                    continue  # "The", "However": most single capitals start a sentence
                if self._mask and self.masked(m.start()):
                    continue  # "(D-N.Y.)", "WASHINGTON (AP) —", "BARRETT:"
                for run in self._parse_runs(tokenize(text, m.start(), m.end())):
                    if run.kind == "org":
                        self.orgs.append(Mention(run.start, run.end, run.name, "org"))
                    elif run.kind == "person":
                        if run.single:
                            pending.append(run)
                        else:
                            self._add_person(run, run.name)
                    elif run.kind == "unknown" and run.single:
                        bare.append(run)
        for run in pending:
            name = self._resolve_single(run.name, run.start, run.honorific)
            self._add_person(run, name)
        for run in bare:
            # "Delaney, 58, has opposed …": a surname alone, once the full name is known.
            if run.name.lower() in self._surnames:
                self._add_person(run, self._resolve_single(run.name, run.start, None))
        self.aliases: dict[str, str] = {}
        for org in self.orgs:
            m = _ACRONYM_AFTER.match(text, org.end)
            if m and m.group(1) != org.name:
                self.aliases.setdefault(m.group(1), org.name)  # "British Medical Association (BMA)"
        self._org_names = {o.name.lower() for o in self.orgs}
        self.persons.sort(key=lambda p: p.start)
        self._person_starts = [p.start for p in self.persons]
        self._mentions: dict[str, list[Mention]] = {}
        for mention in self.persons:
            self._mentions.setdefault(mention.name, []).append(mention)
        self._org_starts = [o.start for o in self.orgs]

    # --- building -------------------------------------------------------------------------

    def masked(self, pos: int) -> bool:
        i = bisect_right(self._mask_starts, pos) - 1
        return i >= 0 and pos < self._mask[i][1]

    def tokens(self, lo: int, hi: int) -> list[Tok]:
        """``tokenize`` without party–state labels, datelines and transcript labels."""
        toks = tokenize(self.text, lo, hi)
        if not self._mask:
            return toks
        i = bisect_left(self._mask_starts, hi)
        if i == 0 or self._mask[i - 1][1] <= lo:
            return toks
        return [t for t in toks if not self.masked(t.start)]

    def _add_person(self, run: _Run, name: str) -> None:
        self.persons.append(Mention(run.start, run.end, name, "person", run.title))
        if not run.single:
            parts = name.split()
            if len(parts) > 2 and _base(parts[-1]) in _SUFFIXES:
                parts = parts[:-1]  # "Frank Pallone Jr." is "Mr. Pallone"
            self._surnames.setdefault(parts[-1].lower(), []).append((run.start, name))
            self._firstnames.setdefault(parts[0].lower(), []).append((run.start, name))
            if len(parts) > 2:
                # "Mohammed Shia Al-Sudani" is also "Mr Al-Sudani"; "Sir Keir Starmer" also "Sir Keir".
                self._surnames.setdefault(parts[-2].lower() + " " + parts[-1].lower(), []).append((run.start, name))
        first = name.split()[0].lower()
        if run.honorific in MALE or (run.honorific is None and first in MALE_NAMES):
            self._gender.setdefault(name, "m")
        elif run.honorific in FEMALE or (run.honorific is None and first in FEMALE_NAMES):
            self._gender.setdefault(name, "f")

    def _parse_runs(self, toks: list[Tok]) -> list[_Run]:
        """One capitalised run → the names in it ("Iraq’s Faud Hussein" → possessor and person)."""
        runs = []
        while toks:
            cut = next((i for i, t in enumerate(toks) if _possessive(t.text)), None)
            if cut is None:
                part, toks = toks, []
            else:
                part, toks = toks[:cut + 1], toks[cut + 1:]
                if len(part) > 1 or _base(part[0].text) in ORG_WORDS | PARTIES:
                    last = part[-1]
                    stem = Tok(last.text[:-2], last.start, last.end - 2)
                    part = [*part[:-1], stem]
                else:
                    continue
            run = self.parse_run(part)
            if run is not None:
                runs.append(run)
        return runs

    def parse_run(self, toks: list[Tok]) -> _Run | None:
        owner = max((k for k, t in enumerate(toks[:-1]) if _possessive(t.text)), default=None)
        if owner is not None:
            toks = toks[owner + 1:]  # "Labour’s Gareth Pryce"
        joins = [k for k, t in enumerate(toks) if t.lower in {"and", "&"}]
        if joins and not any(_base(t.text) in ORG_WORDS for t in toks):
            toks = toks[joins[-1] + 1:]  # two people: the one next to the verb
        while toks and (_base(toks[0].text) in COMMON_CAPS or not toks[0].cap):
            toks = toks[1:]
        while toks and not toks[-1].cap:
            toks = toks[:-1]
        if not toks:
            return None
        honorific = None
        honorifics: list[Tok] = []
        title: list[Tok] = []
        i = 0
        while i < len(toks):
            low = _base(toks[i].text)
            if low in HONORIFICS and i + 1 < len(toks):
                honorific = low
                honorifics.append(toks[i])
                if low in KEEP_HONORIFICS:
                    break
                i += 1
            elif low in TITLE_WORDS or (title and low in _CONNECTORS):
                title.append(toks[i])
                i += 1
            else:
                break
        if title and not any(_base(t.text) in TITLE_HEADS for t in title):
            i = toks.index(title[0])
            title = []
            if honorific and i > 0:
                i -= 1
                honorific = None
        name_toks = toks[i:]
        start, end = toks[0].start, toks[-1].end
        title_text = self.text[title[0].start:title[-1].end] if title else None
        if title_text is None and honorific in ROLE_HONORIFICS and i > 0:
            title_text = _honorific_role(honorifics)  # "Councillor Joan Hartley", "Sen. Margaret Hale"
        if not name_toks:
            return _Run("title", title_text or "", title_text, None, start, end, True)
        name = self.text[name_toks[0].start:name_toks[-1].end]
        bases = [_base(t.text) for t in name_toks]
        if any(b in ORG_WORDS for b in bases) or (len(name_toks) == 1 and (
                (name_toks[0].text.isupper() and len(name_toks[0].text) > 1) or bases[0] in PARTIES)):
            return _Run("org", name, None, None, start, end, False)
        if honorific is None and not title and (
                any(b in PLACE_WORDS or b in COMMON_CAPS or b in PARTIES for b in bases)
                or any(t.text.isupper() and len(t.text) > 1 and "." not in t.text for t in name_toks)):
            return _Run("unknown", name, None, None, start, end, len(name_toks) == 1)
        if len(name_toks) >= 2 or honorific or title:
            of = next((k for k, t in enumerate(name_toks) if k and t.lower == "of"), None)
            if of is not None and (of >= 2 or honorific or title):
                name_toks = name_toks[:of]  # "Gov. Marcus Bell of Louisiana"
                name = self.text[name_toks[0].start:name_toks[-1].end]
            return _Run("person", name, title_text, honorific, start, end, len(name_toks) == 1)
        return _Run("unknown", name, None, None, start, end, True)

    def _resolve_single(self, word: str, pos: int, honorific: str | None) -> str:
        """"Jarvis" / "Mr Jarvis" / "Sir Keir" → the full name written elsewhere in the article."""
        key = word.lower()
        entries = self._surnames.get(key)
        if not entries and honorific in {"sir", "dame", "lord", "lady"}:
            entries = self._firstnames.get(key)
        if entries:
            # Entries are in text order: the latest full mention before ``pos``, else the first one.
            i = bisect_left(entries, (pos, "")) - 1
            return entries[i][1] if i >= 0 else entries[0][1]
        if honorific in KEEP_HONORIFICS:
            return f"{honorific.capitalize()} {word}"
        return word

    def resolve_surname(self, word: str, pos: int) -> str:
        """"Barrett" → "Nina Barrett" when the article names her in full."""
        return self._resolve_single(word, pos, None)

    def set_context(self, sentences: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> None:
        self._sentences = sentences
        self._sentence_starts = [s for s, _ in sentences]
        self._quotes = sorted(quotes)
        self._quote_starts = [s for s, _ in self._quotes]

    # --- questions -------------------------------------------------------------------------

    def in_quote(self, pos: int) -> bool:
        i = bisect_right(self._quote_starts, pos) - 1
        return i >= 0 and self._quotes[i][0] <= pos < self._quotes[i][1]

    def sentence_index(self, pos: int) -> int:
        return bisect_right(self._sentence_starts, pos) - 1

    def role_of(self, name: str) -> str | None:
        if name in self._roles:
            return self._roles[name]
        role = None
        for mention in self._mentions.get(name, ()):
            role = mention.title or self.role_at(mention.start, mention.end)
            if role:
                break
        self._roles[name] = role
        return role

    def role_at(self, start: int, end: int) -> str | None:
        """The role written next to a name: before it ("Home Office minister Dan Jarvis") or after it
        (", the shadow home secretary,")."""
        line_start = self.text.rfind("\n", 0, start) + 1  # a role never runs on from the line above
        toks = self.tokens(max(line_start, start - 90), start)
        role = self._role_before(toks)
        if role:
            return role
        if len(toks) > 1 and toks[-1].text == "," and self.text[end:end + 1] == ",":
            role = self._role_before(toks[:-1])  # "The farming minister, Owen Brackley, said"
            if role:
                return role
        m = _APPOSITIVE.match(self.text, end, min(len(self.text), end + 100))
        if m:
            return appositive_role(self.text, m.start(1), m.end(1))
        return None

    def _role_before(self, toks: list[Tok]) -> str | None:
        if not toks or not toks[-1].word:
            return None
        if not _is_role_head(toks[-1].text):
            return None
        role: list[Tok] = []
        for k in range(len(toks) - 1, -1, -1):
            tok = toks[k]
            low = tok.lower
            if low in {"and", "&"} and role and not role[0].cap and k > 0 and toks[k - 1].word:
                role.insert(0, tok)  # "shadow work and pensions secretary"
                continue
            if not tok.word or low in NP_STOP or low in _DETERMINERS or low in _CONNECTORS:
                break
            if tok.cap and _base(tok.text) in COMMON_CAPS:
                break
            role.insert(0, tok)
            if len(role) >= 6:
                break
        return _party_trimmed(role, self.text)

    def resolve_pronoun(self, pronoun: str, pos: int) -> Speaker | None:
        pronoun = pronoun.lower()
        if pronoun in {"it", "they"}:
            org = self._recent_org(pos)
            return Speaker(org, None, "org") if org else None
        wanted = "m" if pronoun == "he" else "f"
        si = self.sentence_index(pos)
        for back in range(_MAX_LOOKBACK_SENTENCES + 1):
            k = si - back
            if k < 0:
                break
            lo, hi = self._sentences[k]
            if back == 0:
                hi = min(hi, pos)
            found = [p for p in self.persons_between(lo, hi)
                     if not self.in_quote(p.start) and self._gender.get(p.name, wanted) == wanted]
            if not found and back:
                role = self._role_subject(lo, hi)
                if role is not None:
                    return role  # "The senator was unmoved. “…,” he said."
            if not found:
                continue
            if back == 0:
                chosen = found[0]
            else:
                # The subject of the previous sentence, when it opens the sentence, is the likeliest referent;
                # otherwise the last person named ("… was criticised by … Chris Philp. He said: …").
                lead = tokenize(self.text, lo, found[0].start)
                chosen = found[0] if len(lead) <= 6 and not any(t.text == "," for t in lead) else found[-1]
            self._gender.setdefault(chosen.name, wanted)
            return self._speaker_for(chosen)
        return None

    def _role_subject(self, lo: int, hi: int) -> Speaker | None:
        """The person behind a sentence that opens with a role ("The senator was unmoved.")."""
        toks = tokenize(self.text, lo, min(hi, lo + 60))
        if len(toks) < 2 or toks[0].lower not in {"the", "a"}:
            return None
        for k in range(1, min(4, len(toks))):
            if toks[k].cap or not toks[k].word:
                return None
            if _base(toks[k].text) in ROLE_HEADS:
                speaker = self.resolve_role(self.text[toks[1].start:toks[k].end], lo)
                return speaker if speaker.name else None
        return None

    def persons_between(self, lo: int, hi: int) -> list[Mention]:
        i = bisect_left(self._person_starts, lo)
        j = bisect_left(self._person_starts, hi)
        return self.persons[i:j]

    def _recent_org(self, pos: int) -> str | None:
        si = self.sentence_index(pos)
        lo = self._sentences[max(0, si - 1)][0] if si >= 0 else max(0, pos - 400)
        i = bisect_left(self._org_starts, lo)
        j = bisect_left(self._org_starts, pos)
        for org in reversed(self.orgs[i:j]):
            if not self.in_quote(org.start):
                return org.name
        return None

    def _speaker_for(self, mention: Mention) -> Speaker:
        return Speaker(mention.name, self.role_of(mention.name), "person")

    def resolve_role(self, phrase: str, pos: int) -> Speaker:
        """"the minister" → the last person before ``pos`` whose role contains those words."""
        # A party is dropped from the roles kept, so "the Republican nominee" is looked for as "nominee".
        words = [w for w in phrase.lower().split() if w not in _DETERMINERS and w not in PARTIES]
        i = bisect_left(self._person_starts, pos)
        seen = set()
        for mention in reversed(self.persons[max(0, i - 40):i]):
            if mention.name in seen:
                continue
            seen.add(mention.name)
            role = self.role_of(mention.name)
            if role and all(w in role.lower().replace("’s", "").split() for w in words):
                return Speaker(mention.name, role, "person")
        return Speaker(None, phrase, "group")

    def resolve_institution(self, head: str, phrase: str, pos: int) -> Speaker:
        """"the department" → the last organisation named with that word, else the phrase itself."""
        i = bisect_left(self._org_starts, pos)
        for org in reversed(self.orgs[max(0, i - 20):i]):
            words = org.name.lower().split()
            if head in words or (head == "department" and ("office" in words or "ministry" in words)):
                return Speaker(org.name, None, "org")
        return Speaker(phrase[:1].upper() + phrase[1:], None, "org")

    # --- noun phrases next to reporting verbs ------------------------------------------------

    def subject_before(self, lo: int, hi: int) -> Speaker | None:
        """The speaker named by the noun phrase that ends at ``hi`` (just before the verb)."""
        toks = self.tokens(max(lo, hi - _SUBJECT_WINDOW), hi)
        while toks and toks[-1].lower in BETWEEN_SUBJECT_AND_VERB:
            toks.pop()
        if toks and toks[-1].lower in _PASSIVE:
            return None
        if len(toks) >= 4 and toks[-1].text == ")" and toks[-3].text == "(" and toks[-2].text.isupper():
            toks = toks[:-3]  # "the British Medical Association (BMA) said"
        appositive = None
        if toks and toks[-1].text in {",", "—", "–"}:
            mark = toks[-1].text
            opening = next((k for k in range(len(toks) - 2, max(-1, len(toks) - 18), -1)
                            if toks[k].text == mark), None)
            if opening is None:
                return None
            inner = toks[opening + 1:-1]
            if inner and len(inner) <= 6 and (all(t.cap for t in inner if t.word) or (
                    len(inner) >= 3 and inner[0].lower in _DETERMINERS and inner[-1].cap and inner[-2].cap)):
                # "Labour's energy spokesperson, Priya Nair, said", "Her opponent, the businessman Conrad
                # Vail, dismissed": the name between the commas speaks; the phrase before it is the role.
                named = self.classify(inner, hi)
                if named is not None and named.kind == "unknown" and any(
                        _is_role_head(t.text) or _base(t.text) in SPOKES for t in toks[max(0, opening - 6):opening]):
                    named.kind = "person"  # "A spokeswoman for the agency, Lena Park, said"
                if named is not None and named.kind == "person":
                    named.role = named.role or self._role_before(toks[:opening])
                    return named
            if (inner and inner[0].lower not in {"who", "which", "whose", "speaking", "writing", "asked"}
                    and (inner[0].lower in _DETERMINERS or any(_is_role_head(t.text) for t in inner))):
                appositive = appositive_role(self.text, inner[0].start, inner[-1].end)
            toks = toks[:opening]
        np: list[Tok] = []
        for k in range(len(toks) - 1, -1, -1):
            tok = toks[k]
            if tok.word:
                if tok.lower in PRONOUNS and not np:
                    np.insert(0, tok)
                    break
                # "and" only inside a name: "Department for Work and Pensions"
                if tok.lower in NP_STOP and not (tok.lower == "and" and np and np[0].cap and k > 0 and toks[k - 1].cap):
                    break
                np.insert(0, tok)
                if len(np) >= 10:
                    break
                if tok.lower in _DETERMINERS and not (k > 0 and toks[k - 1].lower in _CONNECTORS):
                    break  # a noun phrase starts at its determiner ("Afterwards the secretary")
            elif tok.text in {"&", "-"} and np:
                np.insert(0, tok)
            else:
                break
        speaker = self.classify(np, hi)
        if speaker and appositive and speaker.kind == "person":
            speaker.role = appositive
        return speaker

    def subject_after(self, lo: int, hi: int) -> Speaker | None:
        """The speaker named right after an inverted verb ("…,” said Mr Jarvis, the minister.")."""
        toks = self.tokens(lo, hi)
        np: list[Tok] = []
        rest = 0
        for k, tok in enumerate(toks):
            rest = k
            if not tok.word:
                if tok.text in {"&", "-"} and np:
                    np.append(tok)
                    continue
                break
            if tok.lower in NP_STOP and not (not np and tok.lower in PRONOUNS):
                break
            if np and not tok.cap and np[-1].cap and tok.lower not in _CONNECTORS and _base(np[-1].text) not in SPOKES \
                    and not self._role_words_before_name(toks, k):
                break  # "said Mr Jarvis yesterday"; not "said Trump campaign manager Kellyanne Morrow"
            np.append(tok)
            if len(np) == 1 and tok.lower in PRONOUNS:
                break
            if len(np) >= 10:
                break
        else:
            rest = len(toks)
        if np and _base(np[-1].text) in DATA_NOUNS and rest < len(toks) and toks[rest].lower in {"by", "from", "of"}:
            body = _cap_run(toks[rest + 1:rest + 12], from_end=False)
            if body:
                np = [*np, toks[rest], *body]  # "an internal audit by the Federal Aviation Administration"
                rest = toks.index(body[-1]) + 1
        speaker = self.classify(np, lo)
        if speaker and speaker.kind == "person" and rest < len(toks) and toks[rest].text == ",":
            nxt = toks[rest + 1:]
            stop = next((k for k, t in enumerate(nxt) if t.text in {",", ".", ";", ":"}), len(nxt))
            if nxt and stop:
                role = appositive_role(self.text, nxt[0].start, nxt[stop - 1].end)
                if role:
                    speaker.role = role
        return speaker

    @staticmethod
    def _role_words_before_name(toks: list[Tok], k: int) -> bool:
        """Do lower-case role words start at ``k`` and lead to a name ("campaign manager Kellyanne Morrow")?"""
        for tok in toks[k:k + 4]:
            if tok.cap:
                return tok is not toks[k]
            low = _base(tok.text)
            if not tok.word or not (low in ROLE_HEADS or low in INSTITUTIONS or low in TITLE_WORDS or low in SPOKES):
                return False
        return False

    def classify(self, np: list[Tok], pos: int) -> Speaker | None:
        """The speaker that the noun phrase next to a reporting verb names, or None when it names none."""
        np = _strip_function_words(np)
        # Nothing is left once "the", "of" and the like are gone.
        if not np:
            return None
        # "he", "she", "it", "they": the person or organisation it most likely means.
        if len(np) == 1 and np[0].lower in PRONOUNS:
            return self.resolve_pronoun(np[0].lower, np[0].start)
        # "I", "we", "you": the article does not say who.
        if np[0].lower in {"i", "we", "you"}:
            return None
        # A document or figures: "Land Registry figures", "a Homeland Security memo", "official data".
        document = _data_noun_at(np)
        if document is not None:
            return self._as_document(np, document)
        # A capitalised common noun opening the sentence: "Critics say …", "Officials said …".
        if len(np) == 1 and np[0].cap and self._common_noun_at_sentence_start(np[0]):
            return Speaker(None, np[0].text, "group")
        before, name = _split_at_name(np)
        # Someone speaking for a body: "a spokesman for the Home Office", "analysts at Capital Economics".
        if name and self._speaks_for(before, name):
            return self._as_spokesperson_for(before, name)
        # A role in a named body: "the leader of Kent County Council" → the person with that role.
        if name and _role_in_body(before):
            return self.resolve_role(self.text[before[0].start:name[-1].end], pos)
        # The phrase ends in a name: "Conservative shadow home secretary Chris Philp", "the Home Office".
        if name:
            return self._as_name(before, name, pos)
        head = _base(np[-1].text)
        phrase = self.text[np[0].start:np[-1].end]
        # A spokesperson, source or official: "the prime minister's spokesman", "a council spokesman".
        if head in SPOKES:
            return self._as_spokesperson(np, pos)
        # A role: "the minister", "the shadow chancellor".
        if head in ROLE_HEADS:
            return self.resolve_role(phrase, pos)
        # An institution: "the department", "the Calloway campaign".
        if head in INSTITUTIONS:
            return self._as_institution(np, head, pos)
        # A group one cannot name: "critics", "councils".
        if head in GROUPS or (head.endswith("s") and head[:-1] in INSTITUTIONS):
            return Speaker(None, phrase, "group")
        # Anything else names no speaker.
        return None

    # --- the cases of ``classify`` ------------------------------------------------------------

    def _as_document(self, np: list[Tok], k: int) -> Speaker:
        """The body behind a document ("Land Registry figures", "an audit by the FAA"), else the document."""
        org = _cap_run(np[:k], from_end=True) or _cap_run(np[k + 1:], from_end=False)
        if org and not (len(org) == 1 and self._plain_word_at_sentence_start(org[0])):
            run = self.parse_run(org)
            if run is not None and run.kind != "title":
                return Speaker(run.name, None, "org")
        if _base(np[k].text) in _ISSUED and len(np) <= k + 1:
            org = self._recent_org(np[0].start)
            if org is not None:
                return Speaker(org, np[k].text, "org")  # "The committee issued a statement. “…,” the statement said."
        return Speaker(None, self.text[np[0].start:np[k].end], "data")

    def _speaks_for(self, before: list[Tok], name: list[Tok]) -> bool:
        if len(before) < 2 or before[-1].lower not in {"for", "of", "at", "from"}:
            return False
        head = _base(before[-2].text)
        if not (head in SPOKES or head in GROUPS or head.rstrip("s") in ROLE_HEADS):
            return False
        run = self.parse_run(name)
        return run is not None and ((head in SPOKES and run.kind != "person") or before[-1].lower in {"at", "from"})

    def _as_spokesperson_for(self, before: list[Tok], name: list[Tok]) -> Speaker:
        run = self.parse_run(name)
        role_toks = [t for t in before[:-1] if t.lower not in _DETERMINERS]
        return Speaker(run.name, self.text[role_toks[0].start:role_toks[-1].end], "org")

    def _as_name(self, before: list[Tok], name: list[Tok], pos: int) -> Speaker | None:
        run = self.parse_run(name)
        if run is None:
            return None
        if run.kind == "title":
            return self.resolve_role(run.title or run.name, pos)
        if run.kind == "org":
            return Speaker(self.aliases.get(run.name, run.name), None, "org")
        speaker = self._person(run) if run.kind == "person" else self._unknown(run)
        if speaker.kind == "person" and not run.title:
            role = self._role_before(before)
            if role:
                speaker.role = role
        return speaker

    def _as_spokesperson(self, np: list[Tok], pos: int) -> Speaker:
        org_toks = _cap_run(np, from_end=True, anywhere=True)
        if org_toks and _possessive(org_toks[-1].text):
            last = org_toks[-1]
            run = self.parse_run([*org_toks[:-1], Tok(last.text[:-2], last.start, last.end - 2)])
            if run is not None and run.kind in {"person", "unknown"}:
                owner = self._person(run) if run.kind == "person" else self._unknown(run)
                return Speaker(owner.name, np[-1].text, owner.kind)  # "the prime minister's spokesman"
            if run is not None and run.kind == "org":
                return Speaker(run.name, np[-1].text, "org")
        if org_toks:
            run = self.parse_run(org_toks)
            if run is not None and run.kind in {"org", "unknown"}:
                role_toks = [t for t in np if t.start >= org_toks[-1].end]
                return Speaker(run.name, self.text[role_toks[0].start:role_toks[-1].end], "org")
        institution = next((t for t in np if t.lower in INSTITUTIONS), None)
        if institution is not None:
            owner = self.resolve_institution(institution.lower, institution.text, pos)
            return Speaker(owner.name, np[-1].text, "org")  # "a council spokesman"
        return Speaker(None, self.text[np[0].start:np[-1].end], "group")

    def _as_institution(self, np: list[Tok], head: str, pos: int) -> Speaker:
        org_toks = _cap_run(np, from_end=True, anywhere=True)
        run = self.parse_run(org_toks) if org_toks else None
        if run is not None and run.kind == "org":
            return Speaker(run.name, None, "org")  # "the Labour party"
        if run is not None and org_toks[-1] is np[-2]:
            # "the Calloway campaign", "Clinton's campaign": the body is named after a person.
            owner = self.text[org_toks[0].start:org_toks[-1].end]
            if _possessive(owner):
                owner = owner[:-2]
            return Speaker(f"{owner} {np[-1].text}", None, "org")
        if run is not None and run.kind != "person":
            return Speaker(run.name, None, "org")
        return self.resolve_institution(head, self.text[np[0].start:np[-1].end], pos)

    def _plain_word_at_sentence_start(self, tok: Tok) -> bool:
        """"Official figures": a capital that only marks the start of a sentence."""
        si = self.sentence_index(tok.start)
        if si < 0 or self._sentences[si][0] != tok.start or tok.text.isupper():
            return False
        low = _base(tok.text)
        return low not in ORG_WORDS and low not in PARTIES and low not in self._org_names

    def _common_noun_at_sentence_start(self, tok: Tok) -> bool:
        low = tok.lower
        if low in GROUPS or low in INSTITUTIONS or low in ROLE_HEADS or low in SPOKES:
            return True
        if low.endswith("s") and (low[:-1] in INSTITUTIONS or low[:-1] in ROLE_HEADS):
            return True
        si = self.sentence_index(tok.start)
        at_start = si >= 0 and self._sentences[si][0] == tok.start
        return (at_start and low.endswith("s") and not low.endswith(("ss", "'s", "’s")) and not tok.text.isupper()
                and low not in self._surnames and low not in ORG_WORDS)

    def _person(self, run: _Run) -> Speaker:
        name = self._resolve_single(run.name, run.start, run.honorific) if run.single else run.name
        return Speaker(name, run.title or self.role_of(name), "person")

    def _unknown(self, run: _Run) -> Speaker:
        if run.single:
            resolved = self._resolve_single(run.name, run.start, None)
            if resolved != run.name:
                return Speaker(resolved, self.role_of(resolved), "person")
        return Speaker(run.name, None, "unknown")


def _masked_spans(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans that name no one: party–state labels, a paragraph's dateline, a transcript's speaker label."""
    spans = []
    for lo, hi in ranges:
        for m in (DATELINE.match(text, lo, hi), SPEAKER_LABEL.match(text, lo, hi)):
            if m and m.end() > lo and not labels_no_one(m.group().split()[0]):
                spans.append((m.start(), m.end()))
        if "(" in text[lo:hi] or "-" in text[lo:hi]:
            spans.extend((m.start(), m.end()) for m in PARTY_STATE.finditer(text, lo, hi))
    spans.sort()
    return spans


def _strip_function_words(np: list[Tok]) -> list[Tok]:
    while np and (np[0].lower in _DETERMINERS or np[0].lower in _CONNECTORS):
        np = np[1:]
    while np and np[-1].lower in _CONNECTORS:
        np = np[:-1]
    return np


def _data_noun_at(np: list[Tok]) -> int | None:
    return next((k for k, t in enumerate(np) if not t.cap and _base(t.text) in DATA_NOUNS), None)


def _split_at_name(np: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """The words before a trailing name and the name ("the Department for Work and Pensions" keeps its
    "for"; "Ines van der Kolk" its particles); no name gives an empty second list."""
    j = len(np)
    while j > 0 and (np[j - 1].cap or (j > 1 and j < len(np) and (
            (np[j - 1].lower in {"of", "for"} and np[j - 2].cap)
            or (np[j - 1].lower in _PARTICLES and (np[j - 2].cap or np[j - 2].lower in _PARTICLES))))):
        j -= 1
    before = np[:j]
    while before and before[-1].lower in _DETERMINERS:
        before = before[:-1]
    return before, np[j:]


def _role_in_body(before: list[Tok]) -> bool:
    return (len(before) > 1 and before[-1].lower in {"for", "of", "at", "from"}
            and _base(before[-2].text) in ROLE_HEADS)


def _cap_run(toks: list[Tok], *, from_end: bool, anywhere: bool = False) -> list[Tok]:
    """The capitalised words at the end (or start) of ``toks``; with ``anywhere``, the last such run."""
    if anywhere:
        end = len(toks)
        while end > 0 and not toks[end - 1].cap:
            end -= 1
        toks = toks[:end]
        from_end = True
    run: list[Tok] = []
    seq = list(reversed(toks)) if from_end else toks
    for k, tok in enumerate(seq):
        if (tok.lower in _DETERMINERS or tok.lower in _CONNECTORS) and not from_end and not run:
            continue
        if tok.cap or (run and tok.lower in {"of", "for", "and", "&"} and k + 1 < len(seq) and seq[k + 1].cap):
            run.append(tok)
        else:
            break
    if from_end:
        run.reverse()
    return run


def _honorific_role(honorifics: list[Tok]) -> str:
    """"Councillor" → "Councillor"; "Lt. Gov." → "Lieutenant Governor"; "Sen." → "Senator"."""
    bases = [_base(t.text) for t in honorifics if _base(t.text) in ROLE_HONORIFICS]
    if bases and all(b in US_TITLES for b in bases):
        return " ".join(US_TITLES[b] for b in bases)
    return honorifics[-1].text


def _is_role_head(word: str) -> bool:
    low = _base(word)
    return low in ROLE_HEADS or low in TITLE_HEADS or low.rsplit("-", 1)[-1] in ROLE_HEADS


def appositive_role(text: str, lo: int, hi: int) -> str | None:
    """", the shadow home secretary," → "shadow home secretary"; "who said …" → None."""
    toks = tokenize(text, lo, hi)
    words = [t for t in toks if t.word]
    if not words or len(words) > 10:
        return None
    if words[0].lower in {"who", "which", "whose", "said", "says", "speaking", "writing", "asked", "adding"}:
        return None
    if any(t.lower in _PASSIVE or (t.lower in NP_STOP and t.lower not in _CONNECTORS) for t in words):
        return None
    if not any(_is_role_head(t.text) for t in words):
        return None
    while words and words[0].lower in _DETERMINERS:
        words = words[1:]
    return _party_trimmed(words, text) if words else None
