"""Answers: the value in a short customer reply to an agent's question ("your name?" -> "jane doe").

A bare reply carries no cue of its own ("4417", "viswa"); the question before it says what it is.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from support_curation.redaction.analysis import Span
from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.names import is_name
from support_curation.redaction.recognizers._shared import DATE_VALUE, SPELLED_DIGIT

# kinds of value an agent asks for, and how to recognise the question (the first that matches wins)
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
# words of a reply around the value ("yes it's jane", "my email is ...")
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
# a username as people make them: letters with digits, "_" or "." inside ("jdoe_84", "lan.tran3")
HANDLE_SHAPE = regex.compile(r"@?(?=\w*[\d_.])[A-Za-z][\w.\-]*[A-Za-z0-9]|@[\w.\-]+")
ANSWER_TOKEN = regex.compile(r"[\w@.+\-']+")
MAX_ANSWER_TOKENS = 10
DIGIT_WORDS = frozenset(SPELLED_DIGIT.removeprefix("(?:").removesuffix(")").split("|"))
NUMERIC_KINDS = frozenset({"ID_NUMBER", "ZIP", "DATE_OF_BIRTH", "PHONE"})
# how sure an answer is, by what it is: a date read as one, a name or a number, any other rare word
DATE_SCORE, TYPED_SCORE, WORD_SCORE = 0.8, 0.7, 0.6


@lru_cache(maxsize=2048)  # agents' macros recur across conversations: each read once
def asked_for(question: str) -> str | None:
    """The kind of value an agent's turn asks for (the first question that matches), None when the turn
    asks for none or only tells."""
    kind = next((k for k, pattern in QUESTIONS if pattern.search(question)), None)
    if kind is None or not REQUEST.search(question):
        return None
    return kind


def answer_spans(question: str, answer: str) -> list[Span]:
    """The value in a short customer reply to an agent's question ("name?" -> "jane doe")."""
    kind = asked_for(question)
    if kind is None:
        return []
    if kind == "DATE_OF_BIRTH" and (date := DATE_IN_ANSWER.search(answer)):
        return [Span(date.start(), date.end(), kind, DATE_SCORE)]
    tokens = list(ANSWER_TOKEN.finditer(answer))
    if not tokens or len(tokens) > MAX_ANSWER_TOKENS:
        return []
    # the agent's own words repeated ("username for the app is ...") are not the value
    echoed = {w.lower() for w in ANSWER_TOKEN.findall(question)} if kind not in ("PERSON",) else set()
    # a reply that holds a handle-shaped token ("jdoe_84", "lan.tran3") gives that as the username,
    # and the words around it say where it is used ("on the Customer Portal", "for the forum")
    shaped = kind == "USERNAME" and any(HANDLE_SHAPE.fullmatch(m.group().strip(".'")) for m in tokens)
    spans = []
    for match in tokens:
        word = match.group().strip(".'")
        lower = word.lower()
        if not word or lower in FILLER or lower in echoed:
            continue
        if shaped and not HANDLE_SHAPE.fullmatch(word):
            continue
        if kind == "PERSON":
            if word.isalpha() and (is_name(word) or word_frequency(lower) < ZIPF.common_name):
                spans.append(Span(match.start(), match.end(), "PERSON", TYPED_SCORE))
        elif kind in NUMERIC_KINDS:
            if any(c.isdigit() for c in word) or (kind == "PHONE" and lower in DIGIT_WORDS):
                spans.append(Span(match.start(), match.end(), kind, TYPED_SCORE))
        elif word_frequency(lower) < ZIPF.capitalised_name or any(c.isdigit() for c in word) or "@" in word:
            spans.append(Span(match.start(), match.end(), kind, WORD_SCORE))
    return spans
