"""Conversation-aware redaction: detect per turn, read answers with the agent's question, propagate every
value found to all its mentions, and replace with placeholders that stay consistent in the conversation.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

from support_curation.redaction.names import is_name
from support_curation.redaction.policy import ACTION_ORDER
from support_curation.redaction.recognizers._shared import DATE_VALUE, word_frequency

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from support_curation.redaction.policy import RedactionPolicy

CACHE_SIZE = 20_000  # per-turn detections kept: agents' macros and greetings repeat endlessly
NER_SCORE = 0.85
KNOWN_SCORE = 1.0
# a capital letter past the start of a sentence: the only turns where the statistical NER earns its cost
MID_SENTENCE_CAPITAL = regex.compile(r"(?<=[\w,;]\s{1,3})(?!I\b)\p{Lu}\p{Ll}")
MID_SENTENCE_WORD = regex.compile(r"(?<=[\w,;]\s{1,3})(?!I\b)\p{Lu}\p{Ll}[\p{L}'’\-]*")
# "rare_capitalised" gate: the gazetteer and word frequencies settle most capitalised words; the NER
# runs only for the rest (an unknown rare word, or a name that is also a common word: "Will", "Grant")
RARE_WORD = 4.0
RARE_OPENING = 2.5
CAPITAL_WORD = regex.compile(r"(?<![\w'’\-])\p{Lu}\p{Ll}+(?![\w'’\-])")
COMMON_NAME = 4.5


# Presidio's recognizers that cannot match without a digit (ours say so with NEEDS_DIGIT)
PRESIDIO_NEEDS_DIGIT = frozenset(
    {"CreditCardRecognizer", "IbanRecognizer", "UsSsnRecognizer", "IpRecognizer"}
)
IP_HINT = regex.compile(r"\d[.:]\d|::|[0-9a-f]:[0-9a-f]", regex.IGNORECASE)  # dotted quads, IPv6
# forms of address the small NER model now and then takes for names
ADDRESS_FORMS = frozenset(["sir", "madam", "madame", "ma'am", "miss", "mister", "sirs", "gentlemen", "dear"])
CONTEXT_BOOST = 0.35  # Presidio's own similarity factor for a context word
CONTEXT_WORDS_BEFORE = 5  # and its window: that many words before the value


def _has_context(lowered: str, start: int, context: Sequence[str]) -> bool:
    window = lowered[:start].split()[-CONTEXT_WORDS_BEFORE:]
    return any(word.strip(".,:;#?!()'\"") in context for word in window)


def _ambiguous_capital(word: str) -> bool:
    freq = word_frequency(word.lower())
    return freq >= COMMON_NAME if is_name(word) else freq < RARE_WORD


# kinds of value an agent asks for, and how to recognise the question
QUESTIONS: list[tuple[str, regex.Pattern[str]]] = [
    ("EMAIL", regex.compile(r"\be-?mail\b", regex.I)),
    ("PHONE", regex.compile(r"\b(?:phone|mobile|cell|contact|call\s*back)\b(?:\s+(?:number|no))?", regex.I)),
    ("DATE_OF_BIRTH", regex.compile(r"\b(?:date\s+of\s+birth|dob|birthday|born)\b", regex.I)),
    ("ZIP", regex.compile(r"\b(?:zip|post(?:al)?\s*code)\b", regex.I)),
    ("PASSWORD", regex.compile(r"\b(?:password|passcode|pin|security\s+answer)\b", regex.I)),
    ("USERNAME", regex.compile(r"\b(?:user\s*name|user\s*id|login)\b", regex.I)),
    ("ADDRESS", regex.compile(r"\b(?:address|where\s+do\s+you\s+live)\b", regex.I)),
    (
        "ID_NUMBER",
        regex.compile(
            r"\b(?:account|order|claim|policy|booking|confirmation|reservation|member(?:ship)?|ticket|reference"
            r"|case|card|ssn|social\s+security|last\s+four)\b",
            regex.I,
        ),
    ),
    (
        "PERSON",
        regex.compile(
            r"\b(?:(?:your|the|full|first|last)\s+name|who\s+(?:am\s+i|i'm)\s+(?:speaking|talking|chatting)"
            r"|spell\s+(?:that|it|your)|name\s+(?:on|for)\s+the)\b",
            regex.I,
        ),
    ),
]
FILLER = frozenset(
    [
        "yes",
        "yeah",
        "yep",
        "sure",
        "ok",
        "okay",
        "it",
        "its",
        "it's",
        "is",
        "my",
        "name",
        "the",
        "a",
        "an",
        "of",
        "and",
        "thanks",
        "thank",
        "you",
        "please",
        "sorry",
        "um",
        "uh",
        "hi",
        "hello",
        "so",
        "well",
        "its",
        "its's",
        "that's",
        "that",
        "this",
        "here",
        "mine",
        "email",
        "number",
        "phone",
        "address",
        "code",
        "id",
    ]
)
# the agent is asking (not telling): a question mark, or a polite request for something
REQUEST = regex.compile(
    r"\?|\b(?:may|can|could)\s+i\s+(?:have|get|take|grab|confirm|start\s+with)\b|\bplease\s*[.!]?\s*$"
    r"|\b(?:tell\s+me|confirm|provide|give\s+me|read\s+out|what's|what\s+is)\b",
    regex.I,
)
DATE_IN_ANSWER = regex.compile(DATE_VALUE, regex.I)
ANSWER_TOKEN = regex.compile(r"[\w@.+\-']+")
MAX_ANSWER_TOKENS = 10


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str
    score: float


@dataclass
class RedactionResult:
    messages: list[dict[str, Any]]
    entities: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    action: str = "keep"


class Redactor:
    """Redacts conversations with one policy; Presidio and spaCy load on first use."""

    def __init__(self, policy: RedactionPolicy) -> None:
        self.policy = policy
        self.policy_version = policy.version
        self._engine: tuple[Any, Any, Any] | None = None
        self._cache: OrderedDict[str, tuple[Span, ...]] = OrderedDict()
        self._topics = [
            (
                name,
                topic.action,
                re.compile(r"\b(?:" + "|".join(map(re.escape, topic.keywords)) + r")\b", re.I),
            )
            for name, topic in sorted(policy.topics.items())
        ]

    # --- detection per turn -------------------------------------------------------------------

    @property
    def engine(self) -> tuple[Any, Any, Any]:
        if self._engine is None:
            from support_curation.redaction.engine import build_engine

            self._engine = build_engine(self.policy)
        return self._engine

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans per text: the recognizers (patterns, gazetteer, context) first, then the NER where
        capitalised words remain that they could not settle."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            analyzer, nlp, _ = self.engine
            pending: dict[str, list[Span]] = {}
            for text in missing:
                spans = self._analyze(analyzer, text)
                if self._wants_ner(text, spans):
                    pending[text] = spans
                else:
                    self._remember(text, tuple(spans))
            if pending:
                # strings and lexemes of these docs are freed on leaving the zone: without it spaCy's
                # vocabulary grows with every new word, and a long-running worker with it
                with nlp.memory_zone():
                    for text, doc in zip(pending, nlp.pipe(list(pending), batch_size=64), strict=True):
                        self._remember(text, tuple(pending[text] + self._ner_spans(doc)))
        return [list(self._cache[t]) if t in self._cache else [] for t in texts]

    def prime(self, conversations: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        """Detect over many conversations' turns at once, so that the NER batches across them (a
        quarter to a third faster on multi-message tickets); their conversations then find the spans
        cached. The spans are the same as one conversation at a time."""
        texts = dict.fromkeys(text for messages in conversations for text in _texts(messages))
        self.detect(list(texts)[:CACHE_SIZE])  # no more than the cache keeps

    def _wants_ner(self, text: str, spans: Sequence[Span] = ()) -> bool:
        ner = self.policy.ner
        if not ner.enabled:
            return False
        if ner.gate == "all":
            return True
        if ner.gate == "capitalised":
            return bool(MID_SENTENCE_CAPITAL.search(text))
        covered = [(s.start, s.end) for s in spans]  # inside any redacted span: settled already

        def unsettled(match: regex.Match[str]) -> bool:
            return not any(start <= match.start() < end for start, end in covered)

        if any(_ambiguous_capital(m.group()) and unsettled(m) for m in MID_SENTENCE_WORD.finditer(text)):
            return True
        # a sentence opening with a word no list knows ("Sumarlidason and ... were"): likely a name
        return any(
            not is_name(m.group()) and word_frequency(m.group().lower()) < RARE_OPENING and unsettled(m)
            for m in CAPITAL_WORD.finditer(text)
        )

    def _analyze(self, analyzer: Any, text: str) -> list[Span]:
        """Every recognizer of the analyzer's registry, called directly.

        ``AnalyzerEngine.analyze`` would add a spaCy pass for tokens and lemmas, a deep copy of every
        result and lemma-based context scoring: a third of the time on support chats. Our recognizers
        carry their context inside their patterns; Presidio's own ones (SSN, phone, ...) get the same
        boost Presidio gives, when a context word stands in the few words before the value.
        """
        threshold = self.policy.score_threshold
        spans = []
        lowered = text.lower()
        has_digit = any(c.isdigit() for c in text)
        for recognizer in analyzer.registry.recognizers:
            if not has_digit and recognizer.name in PRESIDIO_NEEDS_DIGIT:
                continue
            if recognizer.name == "IpRecognizer" and not IP_HINT.search(text):
                continue
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

    def _ner_spans(self, doc: Any) -> list[Span]:
        spans = []
        for ent in doc.ents:
            text = ent.text
            if ent.label_ not in self.policy.ner.labels or not any(c.isalpha() for c in text):
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

    def _remember(self, text: str, spans: tuple[Span, ...]) -> None:
        self._cache[text] = spans
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    # --- the conversation ---------------------------------------------------------------------

    def redact_conversation(
        self,
        messages: Sequence[Mapping[str, Any]],
        known_identifiers: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
    ) -> RedactionResult:
        texts = _texts(messages)
        roles = [str(m.get("role") or "") for m in messages]
        spans = self.detect(texts)
        for kind, pattern in known_patterns(known_identifiers):
            for i, text in enumerate(texts):
                spans[i] += [Span(m.start(), m.end(), kind, KNOWN_SCORE) for m in pattern.finditer(text)]
        for i in range(1, len(texts)):
            if roles[i] == "customer" and roles[i - 1] != "customer":
                spans[i] += answer_spans(texts[i - 1], texts[i])
        propagate(texts, spans)
        merged = [merge(s) for s in spans]
        redacted, counts = self._replace(texts, merged)
        flags, action = self.topics(texts)
        out = [dict(m) | {"content": r} for m, r in zip(messages, redacted, strict=True)]
        return RedactionResult(
            messages=out, entities=dict(sorted(counts.items())), flags=flags, action=action
        )

    def _replace(self, texts: list[str], spans: list[list[Span]]) -> tuple[list[str], dict[str, int]]:
        placeholders: dict[str, str] = {}
        per_type: dict[str, int] = {}
        counts: dict[str, int] = {}
        # "Jane" and "Jane Doe" are one person wherever either comes first: parts point to the full name
        full_name = {}
        for text, text_spans in zip(texts, spans, strict=True):
            for span in text_spans:
                key = normalise(text[span.start : span.end])
                if span.entity == "PERSON" and len(key.split()) > 1:
                    for part in key.split():
                        full_name.setdefault(part, key)
        out = []
        for text, text_spans in zip(texts, spans, strict=True):
            pieces, last = [], 0
            for span in text_spans:
                kind = self.policy.placeholder_names.get(span.entity, span.entity)
                key = normalise(text[span.start : span.end])
                key = full_name.get(key, key) if kind == "PERSON" else key
                if key not in placeholders:
                    per_type[kind] = per_type.get(kind, 0) + 1
                    placeholders[key] = f"<{kind}_{per_type[kind]}>"
                placeholder = placeholders[key]
                label = placeholder[1:].rsplit("_", 1)[0]
                counts[label] = counts.get(label, 0) + 1
                pieces += [text[last : span.start], placeholder]
                last = span.end
            pieces.append(text[last:])
            out.append("".join(pieces))
        return out, counts

    def topics(self, texts: Sequence[str]) -> tuple[list[str], str]:
        joined = "\n".join(texts)
        found = [(name, action) for name, action, pattern in self._topics if pattern.search(joined)]
        action = max((a for _, a in found), key=ACTION_ORDER.__getitem__, default="keep")
        return sorted(name for name, _ in found), action


# --- helpers (pure functions) -----------------------------------------------------------------------


def _texts(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(m.get("content") or "") for m in messages]


def normalise(value: str) -> str:
    """The key under which mentions of one value share a placeholder."""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 5 and len(digits) >= len(re.sub(r"\W", "", value)) - 2:
        return digits  # a number, however it was spaced or punctuated
    return " ".join(value.lower().split())


def _flexible(value: str) -> str:
    """A pattern for a value in any case and spacing; numbers also with any separators."""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7 and len(digits) >= len(re.sub(r"\W", "", value)) - 2:
        return r"(?<!\d)" + r"[\s().\-/+]{0,3}".join(digits[-10:]) + r"(?!\d)"
    body = r"\s+".join(re.escape(part) for part in value.split())
    return rf"(?<!\w){body}(?!\w)"


def known_patterns(
    known: Mapping[str, Sequence[str]] | Sequence[str] | None,
) -> list[tuple[str, re.Pattern[str]]]:
    """One pattern per identifier type for the conversation's known identifiers (exact deny lists)."""
    if not known:
        return []
    if not isinstance(known, dict):
        grouped: dict[str, list[str]] = {}
        for value in known:
            grouped.setdefault(
                "EMAIL"
                if "@" in str(value)
                else "PERSON"
                if str(value).replace(" ", "").isalpha()
                else "ID_NUMBER",
                [],
            ).append(str(value))
        known = grouped
    patterns = []
    for kind, values in sorted(known.items()):
        usable = sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)
        if usable:
            patterns.append((kind, re.compile("|".join(_flexible(v) for v in usable), re.IGNORECASE)))
    return patterns


def answer_spans(question: str, answer: str) -> list[Span]:
    """The value in a short customer reply to an agent's question ("name?" -> "jane doe")."""
    kind = next((k for k, pattern in QUESTIONS if pattern.search(question)), None)
    if kind is None or not REQUEST.search(question):
        return []
    if kind == "DATE_OF_BIRTH" and (date := DATE_IN_ANSWER.search(answer)):
        return [Span(date.start(), date.end(), kind, 0.8)]
    tokens = list(ANSWER_TOKEN.finditer(answer))
    if not tokens or len(tokens) > MAX_ANSWER_TOKENS:
        return []
    spans = []
    for match in tokens:
        word = match.group().strip(".'")
        lower = word.lower()
        if not word or lower in FILLER:
            continue
        if kind == "PERSON":
            if word.isalpha() and (is_name(word) or word_frequency(lower) < 4.5):
                spans.append(Span(match.start(), match.end(), "PERSON", 0.7))
        elif kind in {"ID_NUMBER", "ZIP", "DATE_OF_BIRTH", "PHONE"}:
            if any(c.isdigit() for c in word) or (kind == "PHONE" and lower in _DIGIT_WORDS):
                spans.append(Span(match.start(), match.end(), kind, 0.7))
        elif word_frequency(lower) < 5.0 or any(c.isdigit() for c in word) or "@" in word:
            spans.append(Span(match.start(), match.end(), kind, 0.6))
    return spans


_DIGIT_WORDS = frozenset(
    ["zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
)


def propagate(texts: list[str], spans: list[list[Span]]) -> None:
    """Redact every mention of every value found anywhere in the conversation (in place)."""
    values: dict[str, str] = {}
    for text, text_spans in zip(texts, spans, strict=True):
        for span in text_spans:
            value = text[span.start : span.end].strip()
            if _worth_propagating(value, span.entity):
                values.setdefault(value.lower(), span.entity)
            if span.entity == "PERSON":
                for part in value.split():
                    if (
                        part.isalpha()
                        and len(part) >= 3
                        and (word_frequency(part.lower()) < 4.5 or is_name(part))
                    ):
                        values.setdefault(part.lower(), "PERSON")
    # most values are mentioned once: search only those with a second possible mention (a cheap
    # substring count over-approximates the pattern), which spares compiling a pattern per conversation
    joined = "\n".join(texts).lower()
    all_digits = re.sub(r"\D", "", joined)
    values = {v: kind for v, kind in values.items() if _mentioned_again(v, joined, all_digits)}
    if not values:
        return
    # one cached pattern per value (agents' names and macros' values recur across conversations);
    # overlapping mentions ("jane doe" and "jane") are joined by merge() afterwards
    lowered = [text.lower() for text in texts]
    same_offsets = all(len(low) == len(text) for low, text in zip(lowered, texts, strict=True))
    for value, kind in values.items():
        if same_offsets and _is_word(value):  # most values: a plain search, no pattern to compile
            for i, low in enumerate(lowered):
                spans[i] += [Span(start, end, kind, 0.9) for start, end in _word_mentions(low, value)]
            continue
        if same_offsets:  # on lower-cased text a case-sensitive pattern is far cheaper to compile
            pattern, targets = _value_pattern(value.lower(), 0), lowered
        else:
            pattern, targets = _value_pattern(value, re.IGNORECASE), texts
        for i, text in enumerate(targets):
            spans[i] += [Span(m.start(), m.end(), kind, 0.9) for m in pattern.finditer(text)]


def _is_word(value: str) -> bool:
    """One token without digits: its mentions are its case-insensitive occurrences between non-word
    characters (what ``_flexible`` would match), found without a regex."""
    return bool(value) and value == value.lower() and not any(c.isspace() or c.isdigit() for c in value)


def _word_mentions(lowered: str, value: str) -> list[tuple[int, int]]:
    found = []
    start = lowered.find(value)
    while start >= 0:
        end = start + len(value)
        before = lowered[start - 1] if start else " "
        after = lowered[end] if end < len(lowered) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            found.append((start, end))
        start = lowered.find(value, start + 1)
    return found


@lru_cache(maxsize=4096)  # values rarely recur beyond agents' names: a small cache keeps memory flat
def _value_pattern(value: str, flags: int) -> re.Pattern[str]:
    return re.compile(_flexible(value), flags)


def _mentioned_again(value: str, joined_lower: str, all_digits: str) -> bool:
    """False only when the value cannot occur twice in the conversation (see ``_flexible``)."""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7 and len(digits) >= len(re.sub(r"\W", "", value)) - 2:
        return all_digits.count(digits[-10:]) >= 2
    words = value.lower().split()
    return bool(words) and joined_lower.count(words[0]) >= 2


def _worth_propagating(value: str, entity: str) -> bool:
    if len(value) < 3:
        return False
    if entity == "PERSON":
        return True
    if value.isalpha():  # a single ordinary word found once is not searched for everywhere
        return word_frequency(value.lower()) < 4.0
    return True


GENERIC = frozenset({"ID_NUMBER"})


def _rank(span: Span) -> tuple[int, bool, float]:
    """Longest first; at equal length a specific type (PHONE) beats a generic one (ID_NUMBER)."""
    return span.end - span.start, span.entity not in GENERIC, span.score


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one span over their union, typed by the longest (then surest) of them."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), -s.score))
    merged: list[Span] = []
    for span in ordered:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            keep = last if _rank(last) >= _rank(span) else span
            merged[-1] = Span(last.start, max(last.end, span.end), keep.entity, max(last.score, span.score))
        else:
            merged.append(span)
    return merged
