"""Indirect identifiers that survive redaction: what in the text could still point at one person.

Redaction removes names, contacts and numbers; what stays may still narrow a customer down: a rare
capitalised phrase (a small firm's or a street's name), an organisation or place (spaCy NER), a job
title. A mention is *rare* when it occurs in fewer than ``k_min`` published records of the partition:
a product name that hundreds of conversations share singles nobody out; the one mention of
"Northwind Traders" may. Per record and summarised, as counts only: no phrase reaches a report. (The
pipeline's redaction tasks stage each record's mentions beside its redacted text, which holds them
anyway, for publish to count; staging is deleted after the run.)
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, Any

from support_curation.redaction.frequency import ZIPF, word_frequency

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from support_curation.config import PipelinePolicy

Mention = tuple[str, str]  # (kind, normalised mention)

RARE_CAPITALISED = "rare_capitalised"
ORGANISATION = "organisation"
PLACE = "place"
JOB_TITLE = "job_title"
KINDS = (RARE_CAPITALISED, ORGANISATION, PLACE, JOB_TITLE)
_NER_KINDS = {"ORG": ORGANISATION, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}

_PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
_CAPITALISED = re.compile(r"\b[A-Z][a-z][A-Za-z'\-]*(?:\s+[A-Z][a-z][A-Za-z'\-]*)*")
_SENTENCE_END = frozenset(".!?:;\n\x00")
_OPENERS = frozenset(" \t\r\"'(")
# occupations a customer mentions about themselves; a small list on purpose: it is a count, not a gate
_JOB_WORDS = """accountant architect barrister carpenter cashier chef cleaner consultant councillor dentist
    designer developer doctor driver electrician engineer farmer firefighter headteacher journalist
    judge lawyer lecturer librarian manager mechanic midwife nurse paramedic pharmacist photographer
    physiotherapist pilot plumber police officer postman professor receptionist researcher sailor
    scientist secretary soldier solicitor surgeon teacher therapist vet veterinarian"""
JOB_TITLES = frozenset(_JOB_WORDS.split())
_JOB = re.compile(r"\b(" + "|".join(sorted(JOB_TITLES, key=len, reverse=True)) + r")s?\b", re.IGNORECASE)


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, factored by common prefixes: one branch tried per letter."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) if ch else "" for ch, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(tree)


# A cheap necessary condition for _JOB on ASCII text: one of the words in the lower-cased text. Case-
# sensitive, so the regex engine skips ahead to the words' first letters, and a trie, so it tries one
# branch there; the case-insensitive _JOB tries all its words at every position (most of the audit's
# time at scale). Only ASCII: there lower() keeps every position and case-insensitive matching is
# plain lower-case equality (no Kelvin sign, no long s).
_JOB_WORD = re.compile(_trie_pattern(JOB_TITLES))


@cache
def _ner(model: str) -> Any:
    import spacy

    # only the entity recogniser: the audit reads entity labels, nothing else
    return spacy.load(model, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])


def _at_sentence_start(text: str, start: int) -> bool:
    """Whether only spaces, quotes or brackets lie between ``start`` and a sentence end (or the text's start).

    Walks back from the match instead of searching the prefix: long messages have many capitals.
    """
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _rare_phrases(text: str) -> list[str]:
    phrases = []
    for match in _CAPITALISED.finditer(text):
        if _at_sentence_start(text, match.start()):
            continue  # a capital at a sentence start says nothing
        words = match.group().split()
        if min(word_frequency(w.lower()) for w in words) < ZIPF.rare:
            phrases.append(match.group().lower())
    return phrases


def _job_titles(text: str) -> list[str]:
    """The job titles in ``text``, as ``_JOB`` finds them (lower-cased)."""
    if text.isascii() and not _JOB_WORD.search(text.lower()):
        return []  # _JOB cannot match: skip its slow scan
    return [m.group(1).lower() for m in _JOB.finditer(text)]


def scan_model(policy: PipelinePolicy) -> str | None:
    """The spaCy model the scan's NER runs, or None where the policy turns the NER off."""
    if not policy.audit.indirect_ner:
        return None
    from support_curation.redaction.policy import load_redaction_policy

    return load_redaction_policy(policy.redaction_policy_path).spacy_model


def mentions(texts: Iterable[str], ner_model: str | None) -> list[Mention]:
    """(kind, normalised mention) in a record's texts, placeholders left out."""
    found: list[Mention] = []
    for raw in texts:
        text = _PLACEHOLDER.sub("\x00", raw)
        rare = _rare_phrases(text)
        found += [(RARE_CAPITALISED, p) for p in rare]
        found += [(JOB_TITLE, title) for title in _job_titles(text)]
        if ner_model and rare:  # NER is the costly step: only where a rare capitalised phrase is
            for entity in _ner(ner_model)(text.replace("\x00", " ")).ents:
                kind = _NER_KINDS.get(entity.label_)
                if kind:
                    found.append((kind, entity.text.lower()))
    return found


def record_mentions(record: Mapping[str, Any], ner_model: str | None) -> list[Mention]:
    """:func:`mentions` in a record's messages."""
    return mentions((m.get("content", "") for m in record.get("messages", [])), ner_model)


class IndirectScan:
    """Collects mentions record by record; reports counts once the partition is complete."""

    def __init__(self, k_min: int, ner_model: str | None) -> None:
        self.k_min = k_min
        self.ner_model = ner_model
        self._ids: dict[tuple[str, str], int] = {}
        self._records_with: Counter[int] = Counter()
        self._per_record: list[tuple[int, ...]] = []

    def add(self, record: Mapping[str, Any], found: Sequence[Sequence[str]] | None = None) -> None:
        """Count a published record's mentions: ``found`` where they were found already (by
        :func:`record_mentions` with this scan's model, on the same messages), else found here."""
        if found is None:
            found = record_mentions(record, self.ner_model)
        ids = tuple(self._ids.setdefault((kind, text), len(self._ids)) for kind, text in found)
        self._records_with.update(set(ids))
        self._per_record.append(ids)

    def report(self) -> dict[str, Any]:
        kinds = {i: kind for (kind, _), i in self._ids.items()}
        rare = {i for i, n in self._records_with.items() if n < self.k_min}
        by_kind = {k: {"mentions": 0, "rare_mentions": 0, "records_with_rare": 0} for k in KINDS}
        histogram: Counter[str] = Counter()
        for ids in self._per_record:
            rare_here = [i for i in ids if i in rare]
            for i in ids:
                by_kind[kinds[i]]["mentions"] += 1
                by_kind[kinds[i]]["rare_mentions"] += i in rare
            for kind in {kinds[i] for i in rare_here}:
                by_kind[kind]["records_with_rare"] += 1
            n = len(set(rare_here))
            histogram["3+" if n >= 3 else str(n)] += 1
        return {
            "records": len(self._per_record),
            "records_with_rare": sum(1 for ids in self._per_record if any(i in rare for i in ids)),
            "rare_below_records": self.k_min,
            "ner_model": self.ner_model,
            "by_kind": by_kind,
            "per_record": {k: histogram.get(k, 0) for k in ("0", "1", "2", "3+")},
        }
