"""Seeded test texts for the gate's prechecks: each phrase set among filler words, in several cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Sequence


def phrases_in_filler(
    rng: random.Random,
    phrases: Sequence[str],
    filler: Sequence[str],
    *,
    repeats: int,
    cases: Sequence[Callable[[str], str]],
) -> list[str]:
    """For each phrase, ``repeats`` texts of four filler words with the phrase at a random place, each
    text in every one of ``cases``."""
    texts = []
    for phrase in phrases:
        for _ in range(repeats):
            words = rng.sample(list(filler), 4)
            words.insert(rng.randint(0, 4), phrase)
            text = " ".join(words)
            texts += [case(text) for case in cases]
    return texts
