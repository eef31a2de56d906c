"""Placeholders: overlapping spans joined, then each value replaced by ``<KIND_n>``, one number per value
throughout the conversation.

Why not Presidio's AnonymizerEngine with a custom ``Operator``: its conflict strategies
(``MERGE_SIMILAR_OR_CONTAINED``, ``REMOVE_INTERSECTIONS``) keep one span of an overlapping pair or trim
the intersection, whereas two partly overlapping spans here ("jane doe" found by the NER, "doe 4417" by
an answer) become one span over their union, typed by the longest; and it replaces from the end of a
text backwards, while placeholders are numbered in reading order across all turns. Either would change
published text, which must stay byte-identical for a policy version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from support_curation.redaction.analysis import Span
from support_curation.redaction.values import normalise

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

GENERIC = frozenset({"ID_NUMBER"})


def _rank(span: Span) -> tuple[int, bool, float]:
    """Longest first; at equal length a specific type (PHONE) beats a generic one (ID_NUMBER)."""
    return span.end - span.start, span.entity not in GENERIC, span.score


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one span over their union, typed by the longest (then surest) of them."""
    if len(spans) < 2:  # most turns: nothing to sort or join
        return list(spans)
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


def full_name_keys(texts: Sequence[str], spans: Sequence[Sequence[Span]]) -> dict[str, str]:
    """Each part of a full name -> the full name's key: "Jane" and "Jane Doe" share one placeholder."""
    full_name: dict[str, str] = {}
    for text, text_spans in zip(texts, spans, strict=True):
        for span in text_spans:
            key = normalise(text[span.start : span.end])
            if span.entity == "PERSON" and len(key.split()) > 1:
                for part in key.split():
                    full_name.setdefault(part, key)
    return full_name


def replace(
    texts: list[str],
    spans: list[list[Span]],
    names: Mapping[str, str],
    after: Mapping[str, int] | None = None,
) -> tuple[list[str], dict[str, int]]:
    """The texts with their (merged) spans replaced, and the count of placeholders per kind.

    ``names`` renames entity types for the published text (``EMAIL_ADDRESS`` -> ``EMAIL``). ``after``:
    the highest number per kind the texts already use (re-redaction of published text): new
    placeholders are numbered after them, so ``<PERSON_1>`` keeps meaning the person it meant.
    """
    placeholders: dict[str, str] = {}
    per_type: dict[str, int] = dict(after or {})
    counts: dict[str, int] = {}
    # "Jane" and "Jane Doe" are one person wherever either comes first: parts point to the full name
    full_name = full_name_keys(texts, spans)
    out = []
    for text, text_spans in zip(texts, spans, strict=True):
        pieces, last = [], 0
        for span in text_spans:
            kind = names.get(span.entity, span.entity)
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
