"""The redactor for a supported language other than English: the same conversation steps (known
identifiers, answers read with the agent's question, propagation, consistent placeholders) over that
language's detectors. No English rule runs here: English cue words and frequencies would read German
nouns and Spanish greetings as names.

Per turn: the language-neutral project recognizers the policy lists (e-mail, IBAN, cards, social
handles), the national formats (``national``), the names (``locale_names``), and the language's spaCy
NER where the policy names a model and the turn has a capital past a sentence start.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import regex

from support_curation.redaction import analysis, locale_names, national
from support_curation.redaction.analysis import MID_SENTENCE_CAPITAL, MID_SENTENCE_WORD, Span
from support_curation.redaction.known import known_recognizers, known_spans
from support_curation.redaction.locales import LOCALES
from support_curation.redaction.placeholders import merge
from support_curation.redaction.propagation import propagate
from support_curation.redaction.topics import TopicFlagger

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from support_curation.redaction.policy import LanguagePolicy, RedactionPolicy, Topic

ANSWER_MAX_WORDS = 8  # a reply this short answers the question before it
NER_SCORE = 0.8
COMMON_WORD = 4.5  # an NER "person" whose every word the language uses this much is an ordinary phrase
HAS_VALUE = regex.compile(r"\d|@")


class LocaleRedactor:
    """Detection and replacement for one language, as its section of the policy says."""

    def __init__(
        self,
        language: str,
        policy: LanguagePolicy,
        threshold: float,
        topics: Mapping[str, Topic] | None = None,
        redaction_policy: RedactionPolicy | None = None,
    ) -> None:
        if language not in LOCALES:
            raise ValueError(f"no locale tables for language {language!r}")
        self.language = language
        self.policy = policy
        self.threshold = threshold
        # the whole policy, for recognizers that read their settings from it (the brand's own handles)
        self.redaction_policy = redaction_policy
        locale = LOCALES[language]
        # the policy's topics with this language's words: a German "Todesfall" is flagged as "passed away" is
        self.topics = TopicFlagger(
            {
                name: topic.model_copy(
                    update={"keywords": topic.keywords + policy.topic_keywords.get(name, [])}
                )
                for name, topic in (topics or {}).items()
            }
        )
        self._questions = [(regex.compile(expr, regex.I | regex.V1), kind) for expr, kind in locale.questions]

    @cached_property
    def recognizers(self) -> list[Any]:
        from support_curation.redaction.engine import make_recognizer, offline_tldextract, project_recognizers

        offline_tldextract()
        available = project_recognizers()
        unknown = set(self.policy.recognizers) - set(available)
        if unknown:
            raise ValueError(f"policy names unknown recognizers: {sorted(unknown)}")
        if self.redaction_policy is None:
            return [available[name]() for name in self.policy.recognizers]
        return [make_recognizer(available[name], self.redaction_policy) for name in self.policy.recognizers]

    @cached_property
    def nlp(self) -> Any:
        import spacy

        from support_curation.redaction.engine import _UNUSED_PIPES

        return spacy.load(self.policy.spacy_model, exclude=_UNUSED_PIPES) if self.policy.spacy_model else None

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        spans = []
        for text in texts:
            found = analysis.analyze(self.recognizers, text, self.threshold)
            found += national.detect(text, self.language, self.policy)
            found += locale_names.name_spans(text, self.language)
            spans.append(found)
        if self.nlp is not None:
            wanted = [i for i, text in enumerate(texts) if self._wants_ner(text, spans[i])]
            with self.nlp.memory_zone():
                for i, doc in zip(wanted, self.nlp.pipe([texts[i] for i in wanted]), strict=True):
                    spans[i] += self._ner_spans(doc)
        return spans

    def _wants_ner(self, text: str, spans: Sequence[Span]) -> bool:
        """A capital past a sentence start that no span covers and the lists cannot settle: a listed
        name that is also a word of the language, or a word the language hardly knows."""
        if not MID_SENTENCE_CAPITAL.search(text):
            return False
        covered = [(s.start, s.end) for s in spans]
        for m in MID_SENTENCE_WORD.finditer(text):
            if any(start <= m.start() < end for start, end in covered):
                continue
            word = m.group()
            freq = locale_names.frequency(word.lower(), self.language)
            listed = locale_names.listed(word, self.language)
            if (listed and freq >= locale_names.SOLO_MAX) or (not listed and freq < locale_names.RARE):
                return True
        return False

    def _ner_spans(self, doc: Any) -> list[Span]:
        spans = []
        for ent in doc.ents:
            if ent.label_ not in self.policy.ner_labels or any(c.isdigit() for c in ent.text):
                continue
            start, end = self._trim(ent.text, ent.start_char)
            if start >= end:
                continue
            words = locale_names.WORD.findall(doc.text[start:end])
            if not words or all(
                locale_names.frequency(w.lower(), self.language) >= COMMON_WORD
                and not locale_names.listed(w, self.language)
                for w in words
            ):
                continue  # "Service Client", "Bonne Journée": ordinary words the model took for a name
            if not any(locale_names.listed(w, self.language) or w[:1].isupper() for w in words):
                continue
            spans.append(Span(start, end, "PERSON", NER_SCORE))
        return spans

    def _trim(self, text: str, offset: int) -> tuple[int, int]:
        """The entity less the ordinary words at its edges ("Merci Hélène", "Hélène svp")."""
        words = list(locale_names.WORD.finditer(text))

        def ordinary(m: regex.Match[str]) -> bool:
            word = m.group()
            return word.lower() in locale_names.STOP or (
                not locale_names.listed(word, self.language)
                and locale_names.frequency(word.lower(), self.language) >= COMMON_WORD
            )

        while words and ordinary(words[0]):
            words.pop(0)
        while words and ordinary(words[-1]):
            words.pop()
        if not words:
            return offset, offset
        return offset + words[0].start(), offset + words[-1].end()

    def _question(self, text: str) -> str | None:
        if "?" not in text and not text.rstrip().endswith(":"):
            return None
        return next((kind for pattern, kind in self._questions if pattern.search(text)), None)

    def answer_spans(self, question: str, reply: str) -> list[Span]:
        kind = self._question(question)
        if kind is None or len(reply.split()) > ANSWER_MAX_WORDS:
            return []
        if kind == "PERSON":
            return locale_names.answer_name(reply, self.language)
        # from the first word with a digit or an "@" to the last: "C'est le 06 12 34 56 78, merci" keeps
        # its words around the value
        valued = [m for m in regex.finditer(r"\S+", reply) if HAS_VALUE.search(m.group())]
        if not valued:
            return []
        end = valued[-1].end()
        while end > valued[-1].start() and reply[end - 1] in ".,;:!?)":
            end -= 1
        return [Span(valued[0].start(), end, kind, 0.75)]

    def spans(
        self,
        texts: list[str],
        roles: list[str],
        known_identifiers: Mapping[str, Sequence[str]] | Sequence[str] | None,
    ) -> list[list[Span]]:
        """Each turn's merged spans, values propagated to all their mentions in the conversation."""
        spans = self.detect(texts)
        for i, found in enumerate(known_spans(known_recognizers(known_identifiers), texts)):
            spans[i] += found
        for i in range(1, len(texts)):
            if roles[i] == "customer" and roles[i - 1] != "customer":
                spans[i] += self.answer_spans(texts[i - 1], texts[i])
        spans = [[s for s in found if s.score >= self.threshold] for found in spans]
        propagate(texts, spans)
        return [merge(s) for s in spans]
