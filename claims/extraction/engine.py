"""extract_claims: quoted and reported claims with their speakers, scored for check-worthiness.

One pass builds the article's structure (paragraphs, sentences, quotations, names, numbers);
a second walks the quotations and then the remaining sentences. Every offset refers to the
text exactly as given.

A quotation's speaker is looked for, in order: before it in its sentence ("X said: “…”",
"called him a “disgrace”"), right after it ("…,” Mr. Podesta said in an interview."), in the
sentence after a quote with no cue of its own, in the sentence or paragraph before, and in the
quote before it. The turns of an interview transcript ("WALLACE: …") are quotations without
quote marks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field

from claims.extraction.attribution import Entities, Speaker, tokenize
from claims.extraction.checkworthiness import score
from claims.extraction.lexicon import (
    ADVERBIAL,
    ALL_VERBS,
    DATA_VERBS,
    DATELINE,
    INVERTING_VERBS,
    PROMISE_VERBS,
    QUOTE_VERBS,
    REPORTED_BAD_START,
    SPEAKER_LABEL,
    SPEECH_VERBS,
    TELL_OBJECT,
    TELL_VERBS,
    VERB_RE,
    labels_no_one,
    word_set,
)
from claims.extraction.numbers import NOT_QUANTITIES, find_numbers
from claims.extraction.quotes import Quote, Segment, find_quotes
from claims.extraction.text import Paragraph, is_abbreviation, paragraphs, sentences
from claims.extraction.trie import trie_pattern

MIN_QUOTE_WORDS = 4  # shorter quotations are scare quotes or labels ("the “swift” return")
MIN_CLAUSE_WORDS = 4
MIN_SENTENCE_WORDS = 5  # a quote becomes one candidate per sentence; shorter sentences join a neighbour

_QUOTE_MARKS = "\"“”„«»‘’'"
_PARTICIPLE = re.compile(r"\b(?:adding|saying|insisting|warning|arguing|claiming|explaining|noting|stressing)\b")
_ACCORDING = re.compile(r"(?=[Aa])\b[Aa]ccording\s+to\b")
_VERB_FIRST = re.compile(r"\s*[,—–-]?\s*(" + trie_pattern(ALL_VERBS) + r")\b")
_THAT = re.compile(r"\s*[,:]?\s*(?:that\b)?\s*")
_ATTRIBUTION_END = re.compile(r"[.!?;](?=\s|$)|[\"“”‘]")
_SENTENCE_MARK = re.compile(r"[.!?]")
_THAT_FOLLOWS = re.compile(r"\s+that\b")
_CLAUSE_TRAIL = ".!?…;:, \t\u00a0\r\n"
_WORDS = re.compile(r"[^\W_][\w'’-]*")
_TITLE_SMALL_WORDS = word_set("of the a an and in on for to at by or with from")
_BEFORE_A_TITLE = word_set("on in told to the of at watched wrote titled entitled")
# Words that can follow a short quotation that ends a phrase of its own ("a “disgrace” at a rally").
_AFTER_PARTIAL_QUOTE = word_set("in on at to for of from by with and but or as after before because if since "
                                "when while unless until during over than that which who")


@dataclass
class Candidate:
    quote: str
    speaker: str | None
    speaker_role: str | None
    kind: str  # "direct" or "reported"
    start: int
    end: int
    checkworthiness: float = 0.0
    reasons: list[str] = field(default_factory=list)
    numbers: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


_DURATIONS = word_set("seconds minutes hours days weeks months years decades")


def _is_figure(number: dict) -> bool:
    """A number worth checking on its own: not a year, an age or a plain duration ("five days")."""
    unit = number["unit"]
    return unit not in NOT_QUANTITIES and (unit or "").lower() not in _DURATIONS


def _count_words(text: str, lo: int, hi: int) -> int:
    return len(_WORDS.findall(text, lo, hi))


def _trim(text: str, lo: int, hi: int, trail: str = " \t\u00a0\r\n") -> tuple[int, int]:
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1] in trail:
        hi -= 1
    return lo, hi


class _Extractor:
    def __init__(self, text: str):
        self.text = text
        self.paras: list[Paragraph] = paragraphs(text)
        self.para_sentences: dict[int, list[tuple[int, int]]] = {}
        all_sentences: list[tuple[int, int]] = []
        for index, p in enumerate(self.paras):
            if not p.furniture:
                spans = sentences(text, p.start, p.end)
                self.para_sentences[index] = spans
                all_sentences.extend(spans)
        self.sentences = all_sentences
        self.sentence_starts = [s for s, _ in all_sentences]
        self.turns = self._transcript_turns()
        turn_paras = {index for index, _ in self.turns}
        self.quotes: list[Quote] = [q for q in find_quotes(text, self.paras) if q.first.para not in turn_paras]
        body = [(p.start, p.end) for p in self.paras if not p.furniture]
        self.entities = Entities(text, body)
        spans = [(s.open_mark, (s.close_mark + 1) if s.close_mark is not None else s.end)
                 for q in self.quotes for s in q.segments]
        self.entities.set_context(all_sentences, spans)
        self.numbers = find_numbers(text)
        self.number_starts = [n["start"] for n in self.numbers]
        self.candidates: list[Candidate] = []
        self.quote_spans: list[tuple[int, int]] = []  # quotations long enough to be claims
        self.speaker_by_para: dict[int, Speaker] = {}

    def _transcript_turns(self) -> list[tuple[int, re.Match]]:
        """Paragraphs opening with a speaker's name in capitals ("BARRETT: …"), when there are at least
        two: an interview transcript, whose turns are direct quotes without quote marks."""
        turns = []
        for index, p in enumerate(self.paras):
            if p.furniture or p.headline:
                continue
            m = SPEAKER_LABEL.match(self.text, p.start, p.end)
            if m and not labels_no_one(m.group(1).split()[0]):
                turns.append((index, m))
        return turns if len(turns) >= 2 else []

    # --- helpers -----------------------------------------------------------------------------

    def sentence_at(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_starts, pos) - 1
        return self.sentences[i] if i >= 0 else (0, pos)

    def numbers_in(self, lo: int, hi: int) -> list[dict]:
        i = bisect_left(self.number_starts, lo)
        found = []
        while i < len(self.numbers) and self.numbers[i]["start"] < hi:
            if self.numbers[i]["end"] <= hi:
                found.append(dict(self.numbers[i]))
            i += 1
        return found

    def add(self, lo: int, hi: int, kind: str, speaker: Speaker | None, *, promise: bool = False) -> None:
        name = role = None
        if speaker is not None:
            role = speaker.role
            if speaker.kind in {"person", "org", "unknown"}:
                name = speaker.name
        numbers = self.numbers_in(lo, hi)
        quote = self.text[lo:hi]
        value, reasons = score(quote, numbers, promise=promise, attributed=speaker is not None)
        self.candidates.append(Candidate(quote, name, role, kind, lo, hi, value, reasons, numbers))

    def previous_body_paragraph(self, index: int) -> int | None:
        for k in range(index - 1, -1, -1):
            if not self.paras[k].furniture:
                return k
        return None

    # --- direct quotations ------------------------------------------------------------------

    def direct(self) -> None:
        self.transcript()
        quotes = self.quotes
        words = [sum(_count_words(self.text, s.start, s.end) for s in q.segments) for q in quotes]
        speakers: list[Speaker | None] = []
        for i, q in enumerate(quotes):
            previous = quotes[i - 1] if i else None
            total = words[i]
            if previous is not None and self._interrupted(previous, q):
                total += words[i - 1]
            if i + 1 < len(quotes) and self._interrupted(q, quotes[i + 1]):
                total += words[i + 1]
            para = self.paras[q.first.para]
            if para.headline:
                speakers.append(None)
                continue
            if total < MIN_QUOTE_WORDS:
                speakers.append(self.partial_quote(q, previous, speakers[i - 1] if i else None))
                continue
            speaker = self.attribute(q, previous, speakers[i - 1] if i else None)
            speakers.append(speaker)
            if len(q.segments) == 1 and ((self._title(q.first) and speaker is None) or self._work(q.first)):
                continue  # a title in quote marks ("told CNN's “State of the Union”"), not a claim
            if speaker is None and len(q.segments) == 1 and not para.prose:
                continue  # a label or subheading in quote marks
            for seg in q.segments:
                self.quote_spans.append((seg.open_mark, seg.close_mark + 1 if seg.close_mark is not None else seg.end))
                for lo, hi in self.split_span(seg.start, seg.end):
                    self.add(lo, hi, "direct", speaker)
            if speaker is not None:
                self.speaker_by_para[q.last.para] = speaker
        self.quote_spans.sort()

    def transcript(self) -> None:
        """Each turn of an interview transcript: the words after the label, said by the person it names."""
        for index, m in self.turns:
            speaker = self._label_speaker(m)
            para = self.paras[index]
            self.quote_spans.append((m.end(), para.end))
            for lo, hi in self.split_span(m.end(), para.end):
                self.add(lo, hi, "direct", speaker)
            self.speaker_by_para[index] = speaker

    def _label_speaker(self, m: re.Match) -> Speaker:
        """"MONROE" → "Carla Monroe" when the article names her in full; else "Monroe"."""
        words = [w for w in m.group(1).split() if not w.endswith(".")]
        name = " ".join(w[:1] + w[1:].lower() for w in words)
        if len(words) == 1:
            name = self.entities.resolve_surname(name, m.start())
        return Speaker(name, self.entities.role_of(name), "person")

    def partial_quote(self, q: Quote, previous: Quote | None, previous_speaker: Speaker | None) -> Speaker | None:
        """A short quotation inside reported speech (“called his rival a “disgrace””) is a direct quote of
        the sentence's subject when that subject is named; scare quotes and labels are not."""
        seg = q.first
        if len(q.segments) != 1 or seg.close_mark is None or self._work(seg):
            return None
        if not (self._quoted_words(seg) or self._whole_sentence(seg)):
            return None
        speaker = self.attribute(q, previous, previous_speaker)
        if speaker is None or speaker.name is None or speaker.kind not in {"person", "org"}:
            return None
        lo, hi = _trim(self.text, seg.start, seg.end, " \t\u00a0\r\n,")
        if hi > lo:
            self.add(lo, hi, "direct", speaker)
        return speaker

    def _quoted_words(self, seg: Segment) -> bool:
        """Is the short quotation the object of a verb of saying ("urged them to “…”"), or the end of a clause
        ("said it was “dead on arrival”.")? A quoted word inside a phrase ("the “swift” return") is not."""
        text = self.text
        lo = max(self.paras[seg.para].start, self.sentence_at(seg.open_mark)[0])
        verbs = list(VERB_RE.finditer(text, lo, seg.open_mark))
        if not verbs:
            return False
        verb = verbs[-1]
        if verb.group().lower() in QUOTE_VERBS and len(tokenize(text, verb.end(), seg.open_mark)) <= 6:
            return True
        after = _WORDS.match(text, seg.close_mark + 2) if text[seg.close_mark + 1:seg.close_mark + 2] == " " else None
        if after is not None:
            return after.group() in _AFTER_PARTIAL_QUOTE  # “no chance” in the Senate; not the “swift” return
        return True

    def _whole_sentence(self, seg: Segment) -> bool:
        """“That is unacceptable.”: a short sentence of its own, not a fragment."""
        inside = self.text[seg.start:seg.end].strip()
        before = self.text[max(0, seg.open_mark - 20):seg.open_mark].rstrip()
        opens = self.sentence_at(seg.open_mark)[0] == seg.open_mark or before[-1:] == ":"
        return opens and len(inside) > 1 and inside[0].isupper() and inside[-1] in ".!?"

    def _work(self, seg: Segment) -> bool:
        """Is the quote a programme's or a book's name ("told CBS's “Face the Nation”", "on “Meet the Press.”")?"""
        before = tokenize(self.text, max(0, seg.open_mark - 30), seg.open_mark)
        return (bool(before) and (before[-1].text.endswith(("’s", "'s")) or before[-1].lower in _BEFORE_A_TITLE)
                and self._title(seg, stop=True))

    def _title(self, seg: Segment, *, stop: bool = False) -> bool:
        """“Stop The Boats Now”, “The Road To Ruin”: a title or slogan, not a statement (with ``stop``,
        even with a full stop inside the closing mark, US style: “Meet the Press.”)."""
        words = _WORDS.findall(self.text, seg.start, seg.end)
        if len(words) > 8 or (not stop and self.text[seg.start:seg.end].rstrip(" ,")[-1:] in ".!?"):
            return False
        words = [w for w in words if w not in _TITLE_SMALL_WORDS] or words  # “State of the Union”
        capitals = sum(1 for w in words if w[0].isupper())
        return capitals * 10 >= len(words) * 6

    def _interrupted(self, a: Quote, b: Quote) -> bool:
        """“We will,” she said, “stop them.”: two pieces of one quotation around its attribution."""
        if a.last.close_mark is None or a.last.para != b.first.para:
            return False
        between = self.text[a.last.close_mark + 1:b.first.open_mark]
        return len(between) < 80 and not _SENTENCE_MARK.search(between) and bool(VERB_RE.search(between))

    def split_span(self, lo: int, hi: int) -> list[tuple[int, int]]:
        lo, hi = _trim(self.text, lo, hi, " \t\u00a0\r\n,")
        if hi <= lo:
            return []
        pieces: list[list[int]] = []
        for s, e in sentences(self.text, lo, hi):
            if pieces and (_count_words(self.text, s, e) < MIN_SENTENCE_WORDS
                           or _count_words(self.text, *pieces[-1]) < MIN_SENTENCE_WORDS):
                pieces[-1][1] = e
            else:
                pieces.append([s, e])
        return [_trim(self.text, s, e, " \t\u00a0\r\n,") for s, e in pieces]

    def attribute(self, q: Quote, previous: Quote | None, previous_speaker: Speaker | None) -> Speaker | None:
        text = self.text
        first = q.first
        para = self.paras[first.para]
        lo = max(para.start, self.sentence_at(first.open_mark)[0])
        same_para_previous = previous is not None and previous.last.para == first.para \
            and previous.last.close_mark is not None
        if same_para_previous:
            lo = max(lo, previous.last.close_mark + 1)
        speaker = self.before_quote(lo, first.open_mark)
        if speaker is None and same_para_previous and _PARTICIPLE.search(text, lo, first.open_mark):
            # 'He said the claim was "untrue", adding: “…”': the subject of the whole sentence.
            start = max(para.start, self.sentence_at(previous.first.open_mark)[0])
            speaker = previous_speaker or self.before_quote(start, previous.first.open_mark)
        if speaker is None and q.last.close_mark is not None:
            speaker = self.after_quote(q.last)
        if speaker is None and same_para_previous and previous_speaker is not None \
                and self.sentence_at(previous.last.close_mark) == self.sentence_at(first.open_mark):
            speaker = previous_speaker  # 'called him a “disgrace” and his plan “a fraud on taxpayers”'
        if speaker is not None:
            return speaker
        opens_paragraph = not text[para.start:first.open_mark].strip()
        prev_index = self.previous_body_paragraph(first.para)
        if opens_paragraph and prev_index is not None:
            prev = self.paras[prev_index]
            if text[prev.end - 1] == ":":
                speaker = self.before_quote(max(prev.start, self.sentence_at(prev.end - 1)[0]), prev.end)
                if speaker is not None:
                    return speaker
        if same_para_previous and previous_speaker is not None and not text[lo:first.open_mark].strip(" ,.;—–-"):
            return previous_speaker  # “…,” he said. “…”
        if q.last.close_mark is not None:
            speaker = self._named_in_next_sentence(q.last)
            if speaker is not None:
                return speaker  # “…” Mr. Delgado said in an interview that …
        sentence = self.sentence_at(first.open_mark)
        if not opens_paragraph and sentence[0] == first.open_mark and sentence[0] > para.start:
            speaker = self._subject_of(self.sentence_at(sentence[0] - 1))
            if speaker is not None:
                return speaker  # Rep. Blakely pressed her on the cost. “How much more …?”
        if opens_paragraph and prev_index is not None:
            return self.speaker_by_para.get(prev_index) or self._introduced(prev_index)
        return None

    def _named_in_next_sentence(self, seg: Segment) -> Speaker | None:
        """The person or organisation that a sentence right after a cue-less quote says was speaking."""
        i = bisect_left(self.sentence_starts, seg.close_mark + 1)
        if i >= len(self.sentences):
            return None
        lo, hi = self.sentences[i]
        if lo >= self.paras[seg.para].end or self.text[seg.close_mark + 1:lo].strip():
            return None
        for v in VERB_RE.finditer(self.text, lo, min(hi, lo + 120)):
            if v.group().lower() not in SPEECH_VERBS:
                continue
            speaker = self.entities.subject_before(lo, v.start())
            if speaker is not None and speaker.name and speaker.kind in {"person", "org"}:
                return speaker
            return None
        return None

    def _introduced(self, index: int) -> Speaker | None:
        """A quote-led paragraph after one that ends by naming a person ("… was criticised by X."), or
        whose last sentence opens with one ("Mr. Harlan criticized Ms. Calloway on Wednesday.")."""
        spans = self.para_sentences.get(index) or []
        return self._subject_of(spans[-1]) if spans else None

    def _subject_of(self, sentence: tuple[int, int]) -> Speaker | None:
        """The one person a sentence names, or the person who opens it."""
        lo, hi = sentence
        persons = [m for m in self.entities.persons_between(lo, hi) if not self.entities.in_quote(m.start)]
        if not persons:
            return None
        if len({m.name for m in persons}) == 1:
            name = persons[-1].name
        elif len(tokenize(self.text, lo, persons[0].start)) <= 3:
            name = persons[0].name
        else:
            # "In a speech on Tuesday, Mr. Vail attacked Ms. Marsh.": the subject of its first verb.
            verb = VERB_RE.search(self.text, lo, hi)
            speaker = self.entities.subject_before(lo, verb.start()) if verb else None
            return speaker if speaker is not None and speaker.name and speaker.kind == "person" else None
        return Speaker(name, self.entities.role_of(name), "person")

    def before_quote(self, lo: int, open_mark: int) -> Speaker | None:
        text = self.text
        verbs = list(VERB_RE.finditer(text, lo, open_mark))
        if verbs:
            v = verbs[-1]
            speaker = self.entities.subject_before(lo, v.start())
            if speaker is not None and speaker.name is None and len(verbs) > 1:
                # 'The committee said … that the memo showed “…”': the subject who is speaking.
                speaker = self._named_subject(lo, verbs[:-1]) or speaker
            if speaker is not None:
                return speaker
            if v.group().lower().endswith("ing"):
                # 'Senator Lopez defended her record on Tuesday, saying “…”': the sentence's subject.
                speaker = self._subject_of((self.sentence_at(v.start())[0], v.start()))
                speaker = speaker or self.entities.subject_after(lo, v.start())
                if speaker is not None and speaker.name:
                    return speaker
            tail = text[v.end():open_mark]
            if len(tail) < 80 and text[lo:v.start()].strip(" ,—–-") == "":
                return self.entities.subject_after(v.end(), open_mark)  # “…,” said Mr Jarvis, “…”
            return None
        stripped = text[lo:open_mark].rstrip()
        if stripped.endswith(":"):
            return self.entities.subject_before(lo, lo + len(stripped) - 1)  # Mr Jarvis: “…”
        m = _ACCORDING.search(text, lo, open_mark)
        if m:
            comma = text.find(",", m.end(), open_mark)
            return self.entities.subject_after(m.end(), comma if comma >= 0 else open_mark)
        return None

    def _named_subject(self, lo: int, verbs: list[re.Match]) -> Speaker | None:
        for v in reversed(verbs):
            if v.group().lower() in SPEECH_VERBS:
                speaker = self.entities.subject_before(lo, v.start())
                if speaker is not None and speaker.name:
                    return speaker
        return None

    def after_quote(self, seg: Segment) -> Speaker | None:
        text = self.text
        close = seg.close_mark
        para = self.paras[seg.para]
        hi = self._attribution_end(close + 1, min(para.end, close + 200))
        after = close + 1
        last_inside = text[seg.end - 1] if seg.end > seg.start else ""
        rest = text[after:hi].lstrip()
        if not rest:
            return None
        if not (last_inside in ",?!—–-…" or rest[0] in ",—–" or rest[0].islower()):
            return None
        m = _VERB_FIRST.match(text, after, hi)
        if m:
            return self.entities.subject_after(m.end(), hi)
        m = _ACCORDING.search(text, after, hi)
        if m and not text[after:m.start()].strip(" ,"):
            return self.entities.subject_after(m.end(), hi)
        v = VERB_RE.search(text, after, hi)
        if v and len(tokenize(text, after, v.start())) <= 12:
            return self.entities.subject_before(after, v.start())
        return None

    def _attribution_end(self, lo: int, hi: int) -> int:
        """Where the words after a closing quote mark stop: the sentence's end or the next quote
        (the full stop of "Mr." or "Sen." does not end it)."""
        pos = lo
        while True:
            stop = _ATTRIBUTION_END.search(self.text, pos, hi)
            if stop is None:
                return hi
            if self.text[stop.start()] != "." or not is_abbreviation(self.text, stop.start(), lo):
                return stop.start()
            pos = stop.end()

    # --- reported speech and unattributed figures ------------------------------------------

    def inside_quote(self, lo: int, hi: int) -> bool:
        i = bisect_right(self.quote_spans, (hi, hi)) - 1
        while i >= 0:
            s, e = self.quote_spans[i]
            if e <= lo:
                return False
            if s < hi:
                return True
            i -= 1
        return False

    def reported(self) -> None:
        for index, p in enumerate(self.paras):
            if p.furniture or p.headline or not p.prose:
                continue
            for lo, hi in self.para_sentences[index]:
                if self.inside_quote(lo, hi):
                    continue
                if self.reported_in(lo, hi):
                    continue
                if any(_is_figure(n) for n in self.numbers_in(lo, hi)) and _count_words(self.text, lo, hi) >= 6:
                    s, e = _trim(self.text, lo, hi, _CLAUSE_TRAIL)
                    dateline = DATELINE.match(self.text, s, e)
                    self.add(dateline.end() if dateline else s, e, "reported", None)

    def reported_in(self, lo: int, hi: int) -> bool:
        text = self.text
        m = _ACCORDING.search(text, lo, hi)
        if m:
            if not text[lo:m.start()].strip():
                comma = text.find(",", m.end(), hi)
                if comma > 0:
                    return self._clause(comma + 1, hi, self.entities.subject_after(m.end(), comma))
            else:
                head = text[lo:m.start()].rstrip()
                if head.endswith((",", "—", "–")):
                    return self._clause(lo, lo + len(head) - 1, self.entities.subject_after(m.end(), hi))
        for v in VERB_RE.finditer(text, lo, hi):
            verb = v.group()
            if verb in QUOTE_VERBS and verb not in SPEECH_VERBS and verb not in DATA_VERBS:
                continue
            before = text[lo:v.start()].rstrip()
            speaker = self.entities.subject_before(lo, v.start())
            if speaker is None and before.endswith((",", "—", "–")) and verb in INVERTING_VERBS:
                # "Bus services have been cut by a quarter, said the Local Government Association."
                speaker = self.entities.subject_after(v.end(), hi)
                if (speaker is not None and _count_words(text, lo, lo + len(before)) >= MIN_CLAUSE_WORDS
                        and self._clause(lo, lo + len(before) - 1, speaker)):
                    return True
                continue
            if speaker is None:
                continue
            pos = v.end()
            if (verb in DATA_VERBS and verb not in SPEECH_VERBS and speaker.kind not in {"org", "data"}
                    and not _THAT_FOLLOWS.match(text, pos, hi)):
                continue  # "Police found a knife" is not a claim; "researchers found that …" is
            if verb in TELL_VERBS:
                obj = TELL_OBJECT.match(text, pos, hi)
                if not obj:
                    continue
                pos = obj.end()
            pos = ADVERBIAL.match(text, pos, hi).end()
            rest = text[pos:hi].strip(_CLAUSE_TRAIL + "”’\"'")
            if not rest or text[pos] == ",":
                # "The plan will cost £2bn, the Treasury said." / "…, official data showed on Thursday, …"
                comma = self._comma_before_subject(lo, v.start())
                if comma is not None and self._clause(lo, comma, speaker):
                    return True
                if not rest:
                    continue
            pos = _THAT.match(text, pos, hi).end()
            if pos >= hi or text[pos] in _QUOTE_MARKS:
                continue
            if self._clause(pos, hi, speaker, promise=verb in PROMISE_VERBS):
                return True
        return False

    def _comma_before_subject(self, lo: int, verb_start: int) -> int | None:
        comma = self.text.rfind(",", lo, verb_start)
        if comma < 0 or len(tokenize(self.text, comma, verb_start)) > 10:
            return None
        return comma

    def _clause(self, lo: int, hi: int, speaker: Speaker | None, *, promise: bool = False) -> bool:
        if speaker is None:
            return False
        s, e = _trim(self.text, lo, hi, _CLAUSE_TRAIL)
        dateline = DATELINE.match(self.text, s, e)
        if dateline:
            s = dateline.end()  # "LONDON (Reuters) - "
        # A closing quote mark left at the end without its opening one is not part of the clause.
        while e > s and self.text[e - 1] in "”’\"'" and not any(c in self.text[s:e - 1] for c in "“‘\"'"):
            e -= 1
        if e <= s or _count_words(self.text, s, e) < MIN_CLAUSE_WORDS:
            return False
        first = self.text[s:e].split(None, 1)[0].lower().strip(",")
        if first in REPORTED_BAD_START:
            return False
        self.add(s, e, "reported", speaker, promise=promise)
        return True

    def run(self) -> list[Candidate]:
        self.direct()
        self.reported()
        self.candidates.sort(key=lambda c: (c.start, c.end))
        return self.candidates


def extract_claims(text: str) -> list[Candidate]:
    """Quoted and reported claims in an article, in order of position, each with its speaker,
    check-worthiness and numbers (offsets are code points into ``text`` as given)."""
    if not text or not text.strip():
        return []
    return _Extractor(text).run()
