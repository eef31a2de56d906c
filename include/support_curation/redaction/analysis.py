"""Analysis of one turn: every recognizer of the registry, then the statistical NER where it can help.

``AnalyzerEngine.analyze`` would add a spaCy pass for tokens and lemmas, a deep copy of every result and
lemma-based context scoring: a third of the time on support chats. So the registry's recognizers are
called directly: each skips text it cannot match (``NEEDS_DIGIT``, ``TRIGGER``, see
``recognizers.base.Gated``), ours carry their context inside their patterns, and Presidio's own ones
get the boost Presidio gives when a context word stands in the few words before the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.names import is_name

if TYPE_CHECKING:
    from collections.abc import Sequence

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


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str
    score: float


def _has_context(lowered: str, start: int, context: Sequence[str]) -> bool:
    window = lowered[:start].split()[-CONTEXT_WORDS_BEFORE:]
    return any(word.strip(".,:;#?!()'\"") in context for word in window)


def analyze(recognizers: Sequence[Any], text: str, threshold: float) -> list[Span]:
    """Spans of every recognizer scored at or above the threshold (after the context boost)."""
    spans = []
    lowered = text.lower()
    for recognizer in recognizers:
        for result in recognizer.analyze(text, recognizer.supported_entities, None):
            score = result.score
            if (
                score < threshold
                and recognizer.context
                and _has_context(lowered, result.start, recognizer.context)
            ):
                score = min(1.0, score + CONTEXT_BOOST)
            if score >= threshold:
                spans.append(Span(result.start, result.end, result.entity_type, score))
    return spans


def ambiguous_capital(word: str) -> bool:
    """A capitalised word the gazetteer and frequencies cannot settle: a name that is also a common
    word ("Will", "Grant"), or a word too rare to be an ordinary one."""
    freq = word_frequency(word.lower())
    return freq >= ZIPF.common_name if is_name(word) else freq < ZIPF.rare_word


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
    covered = [(s.start, s.end) for s in spans]  # inside any redacted span: settled already

    def unsettled(match: regex.Match[str]) -> bool:
        return not any(start <= match.start() < end for start, end in covered)

    if any(ambiguous_capital(m.group()) and unsettled(m) for m in MID_SENTENCE_WORD.finditer(text)):
        return True
    # a sentence opening with a word no list knows ("Sumarlidason and ... were"): likely a name
    return any(
        not is_name(m.group()) and word_frequency(m.group().lower()) < ZIPF.very_rare and unsettled(m)
        for m in CAPITAL_WORD.finditer(text)
    )


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
