"""The NER runs on windows around the capitalised words nothing else settles: which words those are, where
the windows lie, and that the NER's entities come back at the text's offsets (a stub pipeline, no spaCy)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from support_curation.redaction.analysis import (
    NER_WINDOW_WORDS,
    Span,
    idle_components,
    ner_windows,
    run_ner,
    unsettled_capitals,
    wants_ner,
)
from support_curation.redaction.policy import NerSettings

if TYPE_CHECKING:
    from collections.abc import Iterator

GATED = NerSettings(enabled=True, gate="rare_capitalised", labels=["PERSON"])
FILLER = "we looked into the matter and the team will come back to you shortly with more news. " * 4


def candidates(text: str) -> list[str]:
    return [text[start:end] for start, end in unsettled_capitals(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks, Will will call you", ["Will"]),  # a name that is also a common word
        ("we spoke to Sumarlidason yesterday", ["Sumarlidason"]),  # a word no list knows
        ("sent by Priority Courier today", []),  # a Title Case term of ordinary words
        ("sent during Black Friday week", []),
        ("the Return Merchandise Authorization is issued", []),
        ("the Manager Will said so", ["Will"]),  # a title before a name settles nothing
        ("says Du Cane today", ["Cane"]),  # a surname's particle is no ordinary word
        ("it broke in April and again on May 3", []),  # months as dates
        ("I wrote to April about it", ["April"]),  # a month as a name
        ("our Onboarding went well", []),  # a determiner before a word no name list has
        ("Dear Sir or Madam, please help", []),
    ],
)
def test_unsettled_capitals(text: str, expected: list[str]) -> None:
    assert candidates(text) == expected


def test_a_paragraphs_first_word_opens_a_sentence() -> None:
    assert candidates("Hello,\n\nCan you help?") == []
    assert candidates("Hello,\n\nSumarlidason here") == ["Sumarlidason"]  # unknown words still count


def test_words_inside_found_spans_are_settled() -> None:
    text = "thanks, Will will call you"
    assert unsettled_capitals(text, [Span(8, 12, "PERSON", 0.9)]) == []
    assert wants_ner(GATED, text) and not wants_ner(GATED, text, [Span(8, 12, "PERSON", 0.9)])


def test_windows_surround_candidates_and_join_when_they_overlap() -> None:
    text = FILLER + "I spoke to Sumarlidason and Onwuachi about it. " + FILLER
    windows = ner_windows(GATED, text)
    assert len(windows) == 1
    start, end = windows[0]
    inside = text[start:end]
    assert "Sumarlidason" in inside and "Onwuachi" in inside
    assert len(inside.split()) == 2 * NER_WINDOW_WORDS + 3  # both names, the word between, the context
    assert end - start < len(text) / 3


def test_short_text_and_other_gates_get_the_whole_text() -> None:
    text = "I spoke to Sumarlidason about it."
    assert ner_windows(GATED, text) == [(0, len(text))]
    everywhere = NerSettings(enabled=True, gate="all", labels=["PERSON"])
    assert ner_windows(everywhere, FILLER) == [(0, len(FILLER))]
    assert ner_windows(GATED, FILLER) == []


@dataclass
class _Ent:
    text: str
    label_: str
    start_char: int
    end_char: int


@dataclass
class _Doc:
    ents: list[_Ent]


class _Nlp:
    """Tags every capitalised word that no list knows, and remembers what it was given."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.seen: list[str] = []
        self.pipeline: list[tuple[str, object]] = [("ner", object())]
        self.disabled: list[list[str]] = []

    @contextmanager
    def memory_zone(self) -> Iterator[None]:
        yield

    def pipe(self, texts: list[str], batch_size: int, disable: list[str]) -> Iterator[_Doc]:
        self.disabled.append(disable)
        for text in texts:
            self.seen.append(text)
            ents = []
            for name in self.names:
                at = text.find(name)
                if at >= 0:
                    ents.append(_Ent(name, "PERSON", at, at + len(name)))
            yield _Doc(ents)


def test_run_ner_maps_window_offsets_back_and_batches_all_texts() -> None:
    long_text = FILLER + "I spoke to Sumarlidason about it. " + FILLER
    short = "thanks, Will will call you"
    nlp = _Nlp(["Sumarlidason", "Will"])
    found = run_ner(nlp, GATED, {long_text: [], short: []}, batch_size=8)
    at = long_text.index("Sumarlidason")
    assert found[long_text] == [Span(at, at + len("Sumarlidason"), "PERSON", found[long_text][0].score)]
    assert [(s.start, s.end) for s in found[short]] == [(8, 12)]
    assert len(nlp.seen) == 2 and sum(map(len, nlp.seen)) < len(long_text) / 3 + len(short)


def test_an_entity_cut_by_a_window_edge_is_dropped() -> None:
    text = FILLER + "I spoke to Sumarlidason about it. " + FILLER
    ((start, end),) = ner_windows(GATED, text)
    edge_word = text[start:end].split()[0]  # an ordinary word at the cut, taken for a name by the stub
    nlp = _Nlp([edge_word, "Sumarlidason"])
    found = run_ner(nlp, GATED, {text: []}, batch_size=8)
    assert [text[s.start : s.end] for s in found[text]] == ["Sumarlidason"]


class _Tok2Vec:
    def __init__(self, listeners: list[str]) -> None:
        self.listening_components = listeners


def test_only_a_tok2vec_nobody_listens_to_is_disabled() -> None:
    nlp = _Nlp(["Sumarlidason"])
    nlp.pipeline = [("tok2vec", _Tok2Vec([])), ("ner", object())]
    assert idle_components(nlp) == ["tok2vec"]
    run_ner(nlp, GATED, {"we spoke to Sumarlidason yesterday": []}, batch_size=8)
    assert nlp.disabled == [["tok2vec"]]
    nlp.pipeline = [("tok2vec", _Tok2Vec(["ner"])), ("ner", object())]  # the NER reads its vectors
    assert idle_components(nlp) == []


def test_disabling_the_idle_tok2vec_keeps_every_entity() -> None:
    """The policy's own pipeline: the same entities with and without its shared tok2vec."""
    spacy = pytest.importorskip("spacy")
    from support_curation.redaction.engine import _UNUSED_PIPES
    from support_curation.redaction.policy import load_redaction_policy

    try:
        nlp = spacy.load(load_redaction_policy().spacy_model, exclude=_UNUSED_PIPES)
    except OSError:
        pytest.skip("the policy's spaCy model is not installed")
    texts = [
        "I spoke to Sumarlidason and Maria Gonzalez in Chicago about the Premium Support plan.",
        "Please ask Mr. Onwuachi to call Will Turner at Acme Corporation next Tuesday.",
        FILLER,
    ]

    def ents(disable: list[str]) -> list[list[tuple[int, int, str]]]:
        return [
            [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in nlp.pipe(texts, disable=disable)
        ]

    assert idle_components(nlp)  # the small English model embeds for its NER on its own
    assert ents(idle_components(nlp)) == ents([])


def test_a_window_that_recurs_is_read_once_and_found_in_every_text() -> None:
    boilerplate = "I spoke to Sumarlidason about it. "
    first, second = FILLER + boilerplate + FILLER, "Hello again. " + FILLER + boilerplate + FILLER
    nlp = _Nlp(["Sumarlidason"])
    found = run_ner(nlp, GATED, {first: [], second: []}, batch_size=8)
    assert len(nlp.seen) == 1  # the same window text in both
    for text in (first, second):
        at = text.index("Sumarlidason")
        assert [(s.start, s.end) for s in found[text]] == [(at, at + len("Sumarlidason"))]
