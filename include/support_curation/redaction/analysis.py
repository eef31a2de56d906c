"""Analysis of one turn: every recognizer of the registry, then the statistical NER where it can help.

``AnalyzerEngine.analyze`` would add a spaCy pass for tokens and lemmas, a deep copy of every result and
lemma-based context scoring: a third of the time on support chats. So the registry's recognizers are
called directly: each skips text it cannot match (``NEEDS_DIGIT``, ``TRIGGER``, see
``recognizers.base.Gated``), ours carry their context inside their patterns, and Presidio's own ones
get the boost Presidio gives when a context word stands in the few words before the value.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice
from typing import TYPE_CHECKING, Any

import regex

from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.names import is_name
from support_curation.redaction.windows import analyze_windows, anchor_of, plan

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from support_curation.redaction.policy import NerSettings

NER_SCORE = 0.85
# a capital letter past the start of a sentence: the only turns where the statistical NER earns its cost
MID_SENTENCE_CAPITAL = regex.compile(r"(?<=[\w,;]\s{1,3})(?!I\b)\p{Lu}\p{Ll}")
MID_SENTENCE_WORD = regex.compile(r"(?<=[\w,;]\s{1,3})(?!I\b)\p{Lu}\p{Ll}[\p{L}'’\-]*")
CAPITAL_WORD = regex.compile(r"(?<![\w'’\-])\p{Lu}\p{Ll}+(?![\w'’\-])")
# forms of address the small NER model now and then takes for names
ADDRESS_FORMS = frozenset(["sir", "madam", "madame", "ma'am", "miss", "mister", "sirs", "gentlemen", "dear"])
CONTEXT_BOOST = 0.35  # Presidio's own similarity factor for a context word
CONTEXT_WORDS_BEFORE = 5  # and its window: that many words before the value
CONTEXT_CHARS = 200  # where those words are looked for first
FEW_SPANS = 8  # up to this many spans, a word's position is checked against each of them
NER_WINDOW_WORDS = 6  # words of context the NER gets either side of an unsettled capitalised word
WORD = regex.compile(r"\S+")
WORD_BACKWARDS = regex.compile(r"\S+", flags=regex.REVERSE)  # the words before a position, nearest first
# a capitalised word directly before / after another (one space between): Title Case runs
RUN_BEFORE = regex.compile(r"(?<![\w'’\-])(\p{Lu}[\p{L}'’\-]*) $", flags=regex.REVERSE)
RUN_AFTER = regex.compile(r" (\p{Lu}[\p{L}'’\-]*)(?![\w'’\-])")
NUMBER_AFTER = regex.compile(r",?\s{1,2}\d")
PARAGRAPH_START = regex.compile(r"\n[ \t]*\n[ \t]*$")
# a word no name list knows after one of these is a thing, not a person: "our Billing", "the Midwest"
DETERMINER_BEFORE = regex.compile(
    r"(?<![\w'’\-])(?:the|a|an|our|your|their|its|this|that|these|those|any|every|each) $", flags=regex.I
)
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()  # noqa: SIM905
)
# before a month, these make it a date ("since April"); "with", "from", "by" may as well introduce a person
TIME_PREPOSITIONS = frozenset(
    ["in", "last", "next", "since", "until", "till", "early", "late", "mid", "during", "this", "of"]
)
# particles of surnames ("Du Cane", "Van Dijk"): capitalised and common, yet part of the name
PARTICLES = frozenset(
    "du de da di del della der den van von la le st mac mc al el bin ibn dos das ten ter".split()  # noqa: SIM905
)
# titles and roles that stand before a name: never what settles the word after them as part of a term
TITLES = frozenset(
    """officer agent detective professor captain doctor nurse judge senator president director manager chief
    inspector sergeant father sister brother uncle aunt mister miss lady lord sir dame king queen prince
    princess saint coach pastor rabbi reverend mayor governor general colonel major lieutenant dean
    chancellor representative specialist engineer technician supervisor advisor adviser consultant
    assistant associate analyst administrator coordinator lead head partner dear hi hello hey thanks
    regards from to cc attn attention contact ask call email tell""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str
    score: float


def _has_context(lowered: str, start: int, context: Sequence[str]) -> bool:
    # the last words before the value, read from a short tail of the text (long texts: not all of it)
    tail = lowered[max(0, start - CONTEXT_CHARS) : start].split()
    if len(tail) <= CONTEXT_WORDS_BEFORE and start > CONTEXT_CHARS:
        tail = lowered[:start].split()  # the tail's first word may be cut and still count
    window = tail[-CONTEXT_WORDS_BEFORE:]
    return any(word.strip(".,:;#?!()'\"") in context for word in window)


def analyze(recognizers: Sequence[Any], text: str, threshold: float, *, windowed: bool = True) -> list[Span]:
    """Spans of every recognizer scored at or above the threshold (after the context boost).

    ``windowed``: the recognizers that can run on windows of a long text do (``redaction.windows``:
    the same spans, a fraction of the scanning); False runs every one on the whole text."""
    spans = []
    lowered = text.lower()
    plans: dict[Any, list[tuple[int, int]] | None] = {}  # per anchor: digits are shared by most
    for recognizer in recognizers:
        anchor = anchor_of(recognizer) if windowed else None
        if anchor is not None and anchor not in plans:
            plans[anchor] = plan(text, anchor)
        found = plans.get(anchor) if anchor is not None else None
        if found is None:
            results = [(0, r) for r in recognizer.analyze(text, recognizer.supported_entities, None)]
        else:
            results = analyze_windows(recognizer, text, found)
        for offset, result in results:
            start, score = result.start + offset, result.score
            if score < threshold and recognizer.context and _has_context(lowered, start, recognizer.context):
                score = min(1.0, score + CONTEXT_BOOST)
            if score >= threshold:
                spans.append(Span(start, result.end + offset, result.entity_type, score))
    return spans


@lru_cache(maxsize=65536)  # pure (fixed lists and frequencies), asked for every mid-sentence capital
def ambiguous_capital(word: str) -> bool:
    """A capitalised word the gazetteer and frequencies cannot settle: a name that is also a common
    word ("Will", "Grant"), or a word too rare to be an ordinary one."""
    freq = word_frequency(word.lower())
    return freq >= ZIPF.common_name if is_name(word) else freq < ZIPF.rare_word


def unsettled_capitals(text: str, spans: Sequence[Span] = ()) -> list[tuple[int, int]]:
    """The capitalised words the gazetteer and word frequencies cannot settle, outside every span found:
    a mid-sentence name that is also a common word ("Will") or a word too rare to be an ordinary one,
    and a sentence-opening word no list knows ("Sumarlidason and ... were": likely a name). Words that
    a Title Case term, a determiner or a date settles are left out (``_settled``)."""
    return list(_unsettled(text, tuple((s.start, s.end) for s in spans)))


@lru_cache(maxsize=2048)  # the gate asks, then the windows: one computation per turn
def _unsettled(text: str, covered: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    unsettled = _outside(covered)

    found = {
        m.span() for m in MID_SENTENCE_WORD.finditer(text) if ambiguous_capital(m.group()) and unsettled(m)
    }
    opening = {m.span() for m in CAPITAL_WORD.finditer(text) if _unknown_word(m.group()) and unsettled(m)}
    return tuple(
        sorted(
            (start, end)
            for start, end in found | opening
            if not _settled(text, start, end, opening=(start, end) in opening)
        )
    )


def _outside(covered: Sequence[tuple[int, int]]) -> Callable[[regex.Match[str]], bool]:
    """Whether a match starts outside every span. A long email has dozens of spans and hundreds of
    capitalised words: there, by bisection (of the spans starting at or before the position, the
    furthest-reaching one holds it if any does) rather than a scan of the spans per word."""
    if len(covered) <= FEW_SPANS:
        return lambda match: not any(start <= match.start() < end for start, end in covered)
    ordered = sorted(covered)
    starts = [start for start, _ in ordered]
    reach = list(accumulate((end for _, end in ordered), max))

    def outside(match: regex.Match[str]) -> bool:
        position = match.start()
        i = bisect_right(starts, position) - 1
        return i < 0 or reach[i] <= position

    return outside


@lru_cache(maxsize=65536)  # pure, asked for every capitalised word of the text
def _unknown_word(word: str) -> bool:
    """A word no name list knows and too rare to be an ordinary one."""
    return not is_name(word) and word_frequency(word.lower()) < ZIPF.very_rare


def _settled(text: str, start: int, end: int, *, opening: bool) -> bool:
    """A candidate that its surroundings show to be no name (``opening``: a word no list knows, which
    opening a paragraph still counts)."""
    word = text[start:end]
    return (
        word.lower() in ADDRESS_FORMS  # the NER's "Madam" is dropped anyway
        # a paragraph's first word opens a sentence: only the unknown word stays a candidate there
        or (not opening and bool(PARAGRAPH_START.search(text[max(0, start - 16) : start])))
        or (not is_name(word) and bool(DETERMINER_BEFORE.search(text[max(0, start - 16) : start])))
        or _is_date(text, start, end)
        or _in_term(text, start, end)
    )


def _is_date(text: str, start: int, end: int) -> bool:
    """A month after a preposition of time or before a number: "in April", "April 3" (not "with April")."""
    if text[start:end].lower() not in MONTHS:
        return False
    before = text[max(0, start - 12) : start].split()
    return bool(before and before[-1].lower() in TIME_PREPOSITIONS) or bool(NUMBER_AFTER.match(text, end))


def _in_term(text: str, start: int, end: int) -> bool:
    """Part of a Title Case term of ordinary words ("Priority Courier", "Black Friday", "Return
    Merchandise Authorization"), as formal text writes products, teams and documents.

    The run of capitalised words around the candidate settles it when it holds an ordinary word: a
    common word no name list knows, not a title that stands before names ("Officer", "Manager"), not
    the sentence's opening word ("Ask Onwuachi"). A name that is also a common word ("Will", "Black")
    is settled only by the ordinary word right after it: "Black Friday", but "Manager Will" still goes
    to the NER.
    """
    run = _capitalised_run(text, start, end)
    word = text[start:end]
    position = next(i for i, (s, _) in enumerate(run) if s == start)
    ordinary = [
        i != position and _ordinary_capital(text, s, e) and not (i == 0 and _sentence_start(text, s))
        for i, (s, e) in enumerate(run)
    ]
    if is_name(word):
        return position + 1 < len(run) and ordinary[position + 1]
    return any(ordinary)


def _capitalised_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The capitalised words joined to the one at start..end by single spaces (same line, no punctuation)."""
    run = [(start, end)]
    while (m := RUN_BEFORE.search(text, 0, run[0][0])) is not None:
        run.insert(0, (m.start(1), m.end(1)))
    while (m := RUN_AFTER.match(text, run[-1][1])) is not None:
        run.append((m.start(1), m.end(1)))
    return run


def _ordinary_capital(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    lowered = word.lower()
    return (
        lowered not in TITLES
        and lowered not in PARTICLES
        and not is_name(word)
        and word_frequency(lowered) >= ZIPF.rare_word
    )


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in ".!?:\n\"'“"


def wants_ner(ner: NerSettings, text: str, spans: Sequence[Span] = ()) -> bool:
    """The gate before the statistical NER (the costliest step), as the policy sets it."""
    if not ner.enabled:
        return False
    if ner.gate == "all":
        return True
    if ner.gate == "capitalised":
        return bool(MID_SENTENCE_CAPITAL.search(text))
    # "rare_capitalised": the gazetteer and word frequencies settle most capitalised words; the NER
    # runs only for the rest
    return bool(unsettled_capitals(text, spans))


def ner_windows(ner: NerSettings, text: str, spans: Sequence[Span] = ()) -> list[tuple[int, int]]:
    """Where in the text the NER runs: under the "rare_capitalised" gate, the unsettled words with
    ``NER_WINDOW_WORDS`` words either side (overlapping windows joined), the whole text otherwise.

    The small model's token vectors see four tokens either side and its entity decisions a few tokens
    around the current one, so a dozen words of context decide as the whole text would; on long
    formal text the windows hold a fraction of the characters (the NER's cost is linear in them).
    """
    if not wants_ner(ner, text, spans):
        return []
    if ner.gate != "rare_capitalised":
        return [(0, len(text))]
    windows: list[tuple[int, int]] = []
    for start, end in unsettled_capitals(text, spans):
        low, high = _window(text, start, end)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(high, windows[-1][1]))
        else:
            windows.append((low, high))
    return windows


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The candidate at start..end with ``NER_WINDOW_WORDS`` words (``WORD``) either side: from the
    start of the sixth word before the one holding it (the text's start when that word has no seventh
    before it), to the end of the sixth word after (the text's end when that one is the last or next
    to it). Read around the candidate only, not over the whole text (a long email has a few
    candidates among hundreds of words); ``_window_of_all_words`` is the same over all of them."""
    own = WORD.match(text, start)  # the rest of the word holding the candidate's start
    if own is None or WORD.match(text, end - 1) is None:
        return _window_of_all_words(text, start, end)  # not within words: no candidate is
    before = list(islice(WORD_BACKWARDS.finditer(text, 0, own.end()), NER_WINDOW_WORDS + 2))
    after = list(islice(WORD.finditer(text, end - 1), NER_WINDOW_WORDS + 2))
    low = before[NER_WINDOW_WORDS].start() if len(before) == NER_WINDOW_WORDS + 2 else 0
    high = after[NER_WINDOW_WORDS].end() if len(after) == NER_WINDOW_WORDS + 2 else len(text)
    return low, high


def _window_of_all_words(text: str, start: int, end: int) -> tuple[int, int]:
    words = [m.span() for m in WORD.finditer(text)]
    starts = [start for start, _ in words]
    first = bisect_right(starts, start) - 1  # the word holding the candidate
    last = bisect_right(starts, end - 1) - 1
    low = words[max(0, first - NER_WINDOW_WORDS)][0] if first > NER_WINDOW_WORDS else 0
    high = words[last + NER_WINDOW_WORDS][1] if last + NER_WINDOW_WORDS < len(words) - 1 else len(text)
    return low, high


def run_ner(
    nlp: Any, ner: NerSettings, texts: Mapping[str, Sequence[Span]], batch_size: int
) -> dict[str, list[Span]]:
    """The NER's spans per text (given with the spans found so far), run on each text's windows only,
    all windows of all texts batched through one ``nlp.pipe``, offsets mapped back to the text.

    An entity touching a cut edge of its window may be a name cut in two, read without its context: it
    is dropped. It holds no candidate word (a candidate's own window would reach past it and the two
    would have been joined), so it is the gazetteer's and the recognizers' to settle, as elsewhere.

    A window that recurs (a boilerplate paragraph, a signature, a macro around the same name) is read
    once: the NER's entities depend on the window's text alone, not on its batch.
    """
    pieces: list[tuple[str, int, int, bool, bool]] = []  # text, start, end, cut before, cut after
    for text, spans in texts.items():
        for start, end in ner_windows(ner, text, spans):
            pieces.append((text, start, end, start > 0, end < len(text)))
    unique = list(dict.fromkeys(text[start:end] for text, start, end, _, _ in pieces))
    # strings and lexemes of these docs are freed on leaving the zone: without it spaCy's vocabulary
    # grows with every new word, and a long-running worker with it
    with nlp.memory_zone():
        docs = nlp.pipe(unique, batch_size=batch_size, disable=idle_components(nlp))
        entities = {window: ner_spans(doc, ner.labels) for window, doc in zip(unique, docs, strict=True)}
    found: dict[str, list[Span]] = {text: [] for text in texts}
    for text, start, end, cut_before, cut_after in pieces:
        size = end - start
        for span in entities[text[start:end]]:
            if (cut_before and span.start == 0) or (cut_after and span.end >= size):
                continue
            found[text].append(Span(span.start + start, span.end + start, span.entity, span.score))
    return found


def idle_components(nlp: Any) -> list[str]:
    """The pipeline's tok2vec components that no other component listens to: the small English model's
    NER embeds the text with its own tok2vec, so the shared one computes vectors nobody reads (a third
    of the NER's time). Disabling them leaves every entity the same."""
    return [
        name
        for name, pipe in nlp.pipeline
        if hasattr(pipe, "listening_components") and not pipe.listening_components
    ]


def ner_spans(doc: Any, labels: Sequence[str]) -> list[Span]:
    """The NER's entities of the wanted labels, less the forms of address and codes it mistakes."""
    spans = []
    for ent in doc.ents:
        text = ent.text
        if ent.label_ not in labels or not any(c.isalpha() for c in text):
            continue
        if text.lower().strip(" .,") in ADDRESS_FORMS:
            continue  # "Madam" taken for a name
        if any(c.isdigit() for c in text):
            if len(text.split()) < 2:
                continue  # "Q3"
            entity = "ADDRESS"  # "Hoge Wei 32": a street and its number, read as a name
        else:
            entity = "PERSON"
        spans.append(Span(ent.start_char, ent.end_char, entity, NER_SCORE))
    return spans
