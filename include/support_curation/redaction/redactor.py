"""Conversation-aware redaction: detect per turn, read answers with the agent's question, propagate every
value found to all its mentions, and replace with placeholders that stay consistent in the conversation.

Each step has its module: ``analysis`` (recognizers and the NER), ``known``, ``answers``,
``propagation``, ``placeholders`` and ``topics``; the Redactor holds the engine and the per-turn cache.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from support_curation.redaction import analysis
from support_curation.redaction.analysis import Span
from support_curation.redaction.answers import answer_spans
from support_curation.redaction.known import known_recognizers, known_spans
from support_curation.redaction.language import detect_language
from support_curation.redaction.multilingual import LocaleRedactor
from support_curation.redaction.normalise import View, view
from support_curation.redaction.placeholders import merge, replace
from support_curation.redaction.propagation import propagate
from support_curation.redaction.topics import TopicFlagger

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from support_curation.redaction.policy import RedactionPolicy

CACHE_SIZE = 20_000  # per-turn detections kept: agents' macros and greetings repeat endlessly
# windows per nlp.pipe batch: the NER reads short windows (a dozen words), so larger batches give its
# matrix products more rows at once (a tenth faster than 64 on a primed chunk; entities the same)
NER_BATCH = 256
LANGUAGE_CACHE = 4_096  # conversations' languages kept: prime() and redact_conversation() ask twice

__all__ = ["CACHE_SIZE", "RedactionResult", "Redactor", "Span"]


@dataclass
class RedactionResult:
    messages: list[dict[str, Any]]
    entities: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    action: str = "keep"  # keep | review | exclude | quarantine (a language the policy does not support)
    language: str = "en"


class Redactor:
    """Redacts conversations with one policy; Presidio and spaCy load on first use."""

    def __init__(self, policy: RedactionPolicy) -> None:
        self.policy = policy
        self.policy_version = policy.version
        self._engine: tuple[Any, Any, Any] | None = None
        self._cache: OrderedDict[str, tuple[Span, ...]] = OrderedDict()
        self.topics = TopicFlagger(policy.topics)
        self._locales: dict[str, LocaleRedactor] = {}
        self._languages: OrderedDict[str, str] = OrderedDict()
        # recognizers on windows of long texts (``redaction.windows``); False: on every whole text, the
        # reference the windowed spans are compared with
        self.windowed = True

    @property
    def engine(self) -> tuple[Any, Any, Any]:
        if self._engine is None:
            from support_curation.redaction.engine import build_engine

            self._engine = build_engine(self.policy)
        return self._engine

    # --- detection per turn -------------------------------------------------------------------

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans per text: the recognizers (patterns, gazetteer, context) first, then the NER where
        capitalised words remain that they could not settle."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            analyzer, nlp, _ = self.engine
            recognizers = analyzer.registry.recognizers
            pending: dict[str, list[Span]] = {}
            for text in missing:
                spans = analysis.analyze(
                    recognizers, text, self.policy.score_threshold, windowed=self.windowed
                )
                if self._wants_ner(text, spans):
                    pending[text] = spans
                else:
                    self._remember(text, tuple(spans))
            if pending:  # the NER on windows around the unsettled words, batched across the texts
                found = analysis.run_ner(nlp, self.policy.ner, pending, NER_BATCH)
                for text, spans in pending.items():
                    self._remember(text, tuple(spans + found[text]))
        return [list(self._cache[t]) if t in self._cache else [] for t in texts]

    def prime(self, conversations: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        """Detect over many conversations' turns at once, so that the NER batches across them (a
        quarter to a third faster on multi-message tickets); their conversations then find the spans
        cached. The spans are the same as one conversation at a time."""
        primary = self.policy.languages.primary
        texts: dict[str, None] = {}
        for messages in conversations:
            viewed = [view(text).text for text in _texts(messages)]  # once for language and detection
            if self.language_of(viewed) == primary:
                texts.update(dict.fromkeys(viewed))
        self.detect(list(texts)[:CACHE_SIZE])  # no more than the cache keeps

    def language_of(self, texts: Sequence[str]) -> str:
        """The conversation's language (the policy's primary one when detection is off)."""
        settings = self.policy.languages
        if not settings.detect:
            return settings.primary
        key = "\x00".join(texts)
        if key not in self._languages:
            self._languages[key] = detect_language(texts, settings)
            if len(self._languages) > LANGUAGE_CACHE:
                self._languages.popitem(last=False)
        return self._languages[key]

    def locale(self, language: str) -> LocaleRedactor:
        if language not in self._locales:
            self._locales[language] = LocaleRedactor(
                language,
                self.policy.languages.supported[language],
                self.policy.score_threshold,
                self.policy.topics,
                redaction_policy=self.policy,  # brand names and handles hold in every language
            )
        return self._locales[language]

    def _wants_ner(self, text: str, spans: Sequence[Span] = ()) -> bool:
        return analysis.wants_ner(self.policy.ner, text, spans)

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
        views = [view(text) for text in _texts(messages)]  # disguises undone; replaced in the originals
        texts = [v.text for v in views]
        roles = [str(m.get("role") or "") for m in messages]
        language = self.language_of(texts)
        if language != self.policy.languages.primary:
            return self._other_language(messages, views, roles, language, known_identifiers)
        spans = self.detect(texts)
        for i, found in enumerate(known_spans(known_recognizers(known_identifiers), texts)):
            spans[i] += found
        for i in range(1, len(texts)):
            if roles[i] == "customer" and roles[i - 1] != "customer":
                spans[i] += answer_spans(texts[i - 1], texts[i])
        propagate(texts, spans)
        merged = [v.to_original(merge(s)) for v, s in zip(views, spans, strict=True)]
        redacted, counts = self._replace([v.original for v in views], merged)
        flags, action = self.topics(texts)
        out = [dict(m) | {"content": r} for m, r in zip(messages, redacted, strict=True)]
        return RedactionResult(
            messages=out, entities=dict(sorted(counts.items())), flags=flags, action=action
        )

    def _other_language(
        self,
        messages: Sequence[Mapping[str, Any]],
        views: list[View],
        roles: list[str],
        language: str,
        known_identifiers: Mapping[str, Sequence[str]] | Sequence[str] | None,
    ) -> RedactionResult:
        if language not in self.policy.languages.supported:
            # no recognizers for it: nothing of the text leaves (the pipeline quarantines the record)
            out = [dict(m) | {"content": ""} for m in messages]
            return RedactionResult(
                messages=out, flags=["unsupported_language"], action="quarantine", language=language
            )
        texts = [v.text for v in views]
        spans = self.locale(language).spans(texts, roles, known_identifiers)
        merged = [v.to_original(s) for v, s in zip(views, spans, strict=True)]
        redacted, counts = self._replace([v.original for v in views], merged)
        flags, action = self.locale(language).topics(texts)
        out = [dict(m) | {"content": r} for m, r in zip(messages, redacted, strict=True)]
        return RedactionResult(
            messages=out, entities=dict(sorted(counts.items())), flags=flags, action=action, language=language
        )

    def _replace(self, texts: list[str], spans: list[list[Span]]) -> tuple[list[str], dict[str, int]]:
        return replace(texts, spans, self.policy.placeholder_names)


def _texts(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(m.get("content") or "") for m in messages]
