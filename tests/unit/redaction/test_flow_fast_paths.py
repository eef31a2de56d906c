"""The redactor's per-conversation shortcuts give what the plain computation gives (pure functions, no
spaCy): topics' substring pre-test, propagation's single search over the joined turns and its
literal-first patterns, the NER gate's bisection over spans and its windows read around each word.
Each is compared with the slow path on seeded random text built to hit the edges (case, Unicode
lookalikes, separators, words glued to punctuation) and on the long-text bench corpus."""

from __future__ import annotations

import random
import re

import pytest

from support_curation.redaction import analysis, placeholders, propagation, topics
from support_curation.redaction.analysis import Span
from support_curation.redaction.policy import Topic, load_redaction_policy
from support_curation.redaction.values import flexible, flexible_search

# pieces random text is made of: words, names, numbers, punctuation, every kind of gap, and characters
# that case-fold onto ASCII letters ("ſ", Kelvin "K", "İ") or change length when lower-cased
WORDS = [
    "jane", "Jane", "JANE", "doe", "Doe", "janet", "jane_x", "Will", "will", "Grant", "Sumarlidason",
    "Priority", "Courier", "Black", "Friday", "April", "in", "the", "our", "Manager", "Officer", "Ask",
    "Onwuachi", "cancer", "chemo", "chemotherapy", "Hospital", "can't", "afford", "self-harm", "self",
    "harm", "passed", "away", "lost", "my", "job", "ſelf", "stalKer", "İstanbul", "ΟΔΟΣ", "Straße",
    "4155550134", "415", "555", "0134", "+44", "(20)", "7946-0958", "ORD-1234567", "a.b@example.com",
    "Van", "Dijk", "Du", "Cane", "Dear", "Madam", "I", "x", "42",
]  # fmt: skip
GAPS = [
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    ", ",
    ". ",
    "; ",
    "-",
    "/",
    "(",
    ")",
    "\u00a0",
    "\u2003",
    "\x1c",
    "",
]


def random_text(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(GAPS) for _ in range(words)).strip(rng.choice(["", " "]))


# --- topics ----------------------------------------------------------------------------------------


def _slow_flagger(monkeypatch: pytest.MonkeyPatch, policy_topics: dict[str, Topic]) -> topics.TopicFlagger:
    with monkeypatch.context() as patch:
        patch.setattr(topics, "_substrings", lambda keywords: None)  # no pre-test: every pattern runs
        return topics.TopicFlagger(policy_topics)


def _topic_cases(rng: random.Random) -> list[list[str]]:
    keywords = [k for t in load_redaction_policy().topics.values() for k in t.keywords]
    cases = []
    for _ in range(1500):
        turns = []
        for _ in range(rng.randint(1, 3)):
            pieces = [random_text(rng, rng.randint(0, 6))]
            if rng.random() < 0.7:  # a keyword, in any case, maybe glued to a word or cut short
                keyword = rng.choice(keywords)
                keyword = "".join(c.upper() if rng.random() < 0.3 else c for c in keyword)
                keyword = keyword[: rng.randint(len(keyword) - 1, len(keyword))]
                pieces.append(rng.choice(["", "x", " ", "\n", "-", "_", "ſ", "é"]) + keyword)
                pieces.append(rng.choice(["", "s", " ", ".", "_", "K", "\u00a0"]))
            pieces.append(random_text(rng, rng.randint(0, 6)))
            turns.append("".join(pieces))
        cases.append(turns)
    return cases


def test_topic_pre_test_flags_what_the_patterns_flag(
    monkeypatch: pytest.MonkeyPatch, long_records: list[list[str]]
) -> None:
    policy_topics = dict(load_redaction_policy().topics)
    fast, slow = topics.TopicFlagger(policy_topics), _slow_flagger(monkeypatch, policy_topics)
    cases = _topic_cases(random.Random(16)) + long_records
    results = [fast(turns) for turns in cases]
    assert results == [slow(turns) for turns in cases]
    assert sum(bool(flags) for flags, _ in results) > 300  # the cases do touch topics


@pytest.mark.parametrize(
    ("keywords", "text"),
    [
        (["self harm"], "ſelf harm"),  # long s folds onto "s" under re.I: not ASCII, the pattern decides
        (["stalker"], "a stalKer (Kelvin sign)"),
        (["stalker"], "STALKER"),
        (["chemo"], "chemotherapy only"),  # the substring is there, the whole word is not
        (["décès"], "DÉCÈS"),  # a non-ASCII keyword: no pre-test
        ([], "any words at all"),  # an empty alternation matches at a word boundary
    ],
)
def test_topic_pre_test_edge_cases(monkeypatch: pytest.MonkeyPatch, keywords: list[str], text: str) -> None:
    policy_topics = {"t": Topic(action="review", keywords=keywords)}
    assert topics.TopicFlagger(policy_topics)([text]) == _slow_flagger(monkeypatch, policy_topics)([text])


# --- propagation -----------------------------------------------------------------------------------


def _values(rng: random.Random) -> list[str]:
    return [
        *(rng.choice(WORDS) for _ in range(50)),
        *(rng.choice(WORDS) + rng.choice([" ", "  ", "\n"]) + rng.choice(WORDS) for _ in range(50)),
        "415 555 0134", "+44 20 7946 0958", "4155550134", "(.)", "a.b@example.com", "ſelf", "x+y", "[jane]",
    ]  # fmt: skip


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_literal_first_pattern_finds_what_flexible_finds(flags: int) -> None:
    rng = random.Random(flags + 7)
    texts = [random_text(rng, 40) for _ in range(60)]
    for value in _values(rng):
        slow, fast = re.compile(flexible(value), flags), re.compile(flexible_search(value), flags)
        for text in (*texts, texts[0].lower(), value, f"x{value}", f"{value}x", value * 2):
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]


def _random_spans(rng: random.Random, texts: list[str]) -> list[list[Span]]:
    """Spans over the words and runs of words of the turns, of the kinds propagation treats apart."""
    spans = []
    for text in texts:
        words = [m.span() for m in re.finditer(r"\S+", text)]
        found = []
        for _ in range(rng.randint(0, 4)):
            if not words:
                break
            first = rng.randrange(len(words))
            last = min(len(words) - 1, first + rng.choice([0, 0, 1, 2]))
            kind = rng.choice(["PERSON", "PERSON", "PHONE_NUMBER", "ID_NUMBER", "EMAIL_ADDRESS"])
            found.append(Span(words[first][0], words[last][1], kind, 0.85))
        spans.append(found)
    return spans


def _propagated(texts: list[str], spans: list[list[Span]]) -> list[list[Span]]:
    out = [list(s) for s in spans]
    propagation.propagate(texts, out)
    return out


def _propagated_turn_by_turn(
    monkeypatch: pytest.MonkeyPatch, texts: list[str], spans: list[list[Span]]
) -> list[list[Span]]:
    with monkeypatch.context() as patch:
        patch.setattr(propagation, "SEPARATOR", "")  # found in every text: the turn-by-turn search
        return _propagated(texts, spans)


def test_one_search_over_the_joined_turns_finds_what_each_turn_gives(
    monkeypatch: pytest.MonkeyPatch, long_records: list[list[str]]
) -> None:
    rng = random.Random(17)
    conversations = [
        [random_text(rng, rng.randint(1, 30)) for _ in range(rng.randint(1, 8))] for _ in range(400)
    ]
    conversations += long_records
    conversations.append(["İstanbul jane", "JANE İ doe", "jane"])  # lower-casing changes the length
    added = 0
    for texts in conversations:
        spans = _random_spans(rng, texts)
        joined = _propagated(texts, spans)
        assert joined == _propagated_turn_by_turn(monkeypatch, texts, spans)
        added += sum(map(len, joined)) - sum(map(len, spans))
    assert added > 500  # values were found again elsewhere


@pytest.mark.parametrize(
    ("texts", "spans"),
    [
        # a value whose words end one turn and open the next is no mention in either
        (["call jane", "doe said: jane doe"], [[], [Span(10, 18, "PERSON", 0.85)]]),
        (["my number is 415", "555 0134, yes 4155550134"], [[], [Span(14, 24, "PHONE_NUMBER", 0.85)]]),
        (["jane", "jane", ""], [[Span(0, 4, "PERSON", 0.85)], [], []]),  # at a turn's very edges
        (["x_jane", "jane_", "jane"], [[], [], [Span(0, 4, "PERSON", 0.85)]]),
    ],
)
def test_no_mention_spans_two_turns(
    monkeypatch: pytest.MonkeyPatch, texts: list[str], spans: list[list[Span]]
) -> None:
    assert _propagated(texts, spans) == _propagated_turn_by_turn(monkeypatch, texts, spans)


def test_text_holding_the_separator_is_searched_turn_by_turn() -> None:
    texts = ["call jane\x00doe", "jane doe and jane\x00"]
    spans = [[Span(5, 9, "PERSON", 0.85)], []]
    found = _propagated(texts, spans)
    assert [(s.start, s.end) for s in found[0]] == [(5, 9), (5, 9)]
    assert [(s.start, s.end) for s in found[1]] == [(0, 4), (13, 17)]


# --- the NER gate ----------------------------------------------------------------------------------


def test_spans_by_bisection_hold_what_a_scan_finds() -> None:
    rng = random.Random(18)
    for _ in range(300):
        covered = []
        for _ in range(rng.randint(0, 30)):
            start = rng.randrange(200)
            covered.append((start, start + rng.randint(0, 30)))
        outside = analysis._outside(tuple(covered))
        for match in re.finditer(r"\w", "ab cd" * 45):
            assert outside(match) is not any(s <= match.start() < e for s, e in covered)  # type: ignore[arg-type]


def test_windows_read_around_a_word_are_those_over_all_words(long_records: list[list[str]]) -> None:
    rng = random.Random(19)
    texts = [random_text(rng, rng.randint(1, 40)) for _ in range(300)]
    texts += [text for turns in long_records for text in turns]
    checked = 0
    for text in texts:
        for match in re.finditer(r"\w+", text):
            start, end = match.span()
            if rng.random() < 0.5:  # also words joined into one candidate
                end = next(re.compile(r"\w+").finditer(text, end), match).end()
            assert analysis._window(text, start, end) == analysis._window_of_all_words(text, start, end)
            checked += 1
    assert checked > 5000


def test_candidates_and_windows_on_long_text(long_records: list[list[str]]) -> None:
    """The gate's candidates and windows over spans like the recognizers' (many, on long text)."""
    ner = load_redaction_policy().ner
    rng = random.Random(20)
    for text in (text for turns in long_records for text in turns):
        spans = _random_spans(rng, [text])[0] * 3 + _random_spans(rng, [text])[0]
        candidates = analysis.unsettled_capitals(text, spans)
        covered = [(s.start, s.end) for s in spans]
        slow = analysis._unsettled.__wrapped__  # the computation the cache wraps, with a plain scan
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(analysis, "FEW_SPANS", 10**9)
            assert candidates == list(slow(text, tuple(covered)))
        expected: list[tuple[int, int]] = []
        for start, end in candidates:
            low, high = analysis._window_of_all_words(text, start, end)
            if expected and low <= expected[-1][1]:
                expected[-1] = (expected[-1][0], max(high, expected[-1][1]))
            else:
                expected.append((low, high))
        assert analysis.ner_windows(ner, text, spans) == (expected if candidates else [])


# --- placeholders ----------------------------------------------------------------------------------


@pytest.mark.parametrize("spans", [[], [Span(3, 9, "PERSON", 0.85)], [Span(3, 3, "ID_NUMBER", 0.5)]])
def test_merge_of_fewer_than_two_spans_is_the_spans(spans: list[Span]) -> None:
    merged = placeholders.merge(spans)
    assert merged == spans
    assert merged is not spans  # a new list, as the sorted path gives: callers may extend it


# --- the NER's batches -----------------------------------------------------------------------------


def test_ner_entities_do_not_depend_on_the_batch_size(long_records: list[list[str]]) -> None:
    """Windows batched 256 at a time (``redactor.NER_BATCH``) give the entities batches of 64 gave."""
    spacy = pytest.importorskip("spacy")
    from support_curation.redaction.engine import _UNUSED_PIPES
    from support_curation.redaction.redactor import NER_BATCH

    policy = load_redaction_policy()
    try:
        nlp = spacy.load(policy.spacy_model, exclude=_UNUSED_PIPES)
    except OSError:
        pytest.skip("the policy's spaCy model is not installed")
    texts = dict.fromkeys(text for turns in long_records for text in turns)
    windows = [text[a:b] for text in texts for a, b in analysis.ner_windows(policy.ner, text)]
    assert len(windows) > 64  # more than one batch of the former size

    def ents(batch_size: int) -> list[list[tuple[int, int, str]]]:
        docs = nlp.pipe(windows, batch_size=batch_size, disable=analysis.idle_components(nlp))
        return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]

    assert NER_BATCH == 256
    assert ents(NER_BATCH) == ents(64) == ents(1)
