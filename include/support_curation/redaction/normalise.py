"""Disguised values: the redactor detects on a normalised view of each turn and replaces in the original.

An email split by zero-width spaces, a card number in full-width digits, a name with a Cyrillic "о" or
"jane dot doe at example dot com" must be redacted like their plain forms. Each turn gets a view:
Unicode NFKC, format characters dropped, lookalike letters folded, spelled "at"/"dot" read (the same
definition of a disguise as the validation gate's, ``support_curation.validation.normalise``: one
place says what a disguise is, while the detectors that read the view stay independent of each other).
Everything the redactor finds in the view is mapped back onto the original characters, which are then
replaced whole, zero-width characters and all.

A turn whose view is itself (nearly all of them) is detected and replaced exactly as before: the view
changes output only where a disguise was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from support_curation.redaction.analysis import Span
from support_curation.validation.normalise import normalise, normalise_with_offsets

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class View:
    """A turn as detection reads it, and how to map what it finds back onto the original."""

    original: str
    text: str
    offsets: tuple[int, ...] | None = None  # per view character, its original index; None: no change

    def to_original(self, spans: Sequence[Span]) -> list[Span]:
        """Spans over the view, as spans over the original text (order and types kept)."""
        if self.offsets is None:
            return list(spans)
        at = self.offsets
        return [Span(at[s.start], at[s.end - 1] + 1, s.entity, s.score) for s in spans if s.end > s.start]


def view(text: str) -> View:
    """The normalised view of one turn (the turn itself when there is nothing to undo)."""
    if normalise(text) == text:
        return View(text, text)
    normalised, offsets = normalise_with_offsets(text)
    return View(text, normalised, tuple(offsets))
