"""How common a word is in ordinary English, and the cut-offs the name and code checks read it against.

Frequencies are wordfreq's Zipf scale: 0 = unknown, 3 = uncommon ("kum" no, "fab" yes), 5 = everyday,
7 = "the". One table, so that the gazetteer (``names.py``), the person-name recognizer and the
redactor's NER gate and propagation agree on what "rare" or "also a common word" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=65536)
def word_frequency(word: str) -> float:
    """Zipf frequency of an English word (0 = unknown, 7 = 'the'): tells common words from names and codes."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@dataclass(frozen=True)
class ZipfThresholds:
    """Named cut-offs; a word is "below" one when its frequency is strictly lower."""

    # English hardly knows it: a capitalised one mid-sentence is a name; a known plural at or above it
    # after a number is a count ("1500 tickets")
    unknown: float = 2.0
    # a sentence-opening word (or a name's next token) this rare is taken for a name
    very_rare: float = 2.5
    # not an English word: letter groups of codes ("kum 587"); rare words after a weak cue
    uncommon: float = 3.0
    # rare enough to be a name by itself, without the gazetteer
    rare: float = 3.5
    # below: not an ordinary word ("a rare word" for the NER gate, propagation and lower-case names)
    rare_word: float = 4.0
    # at or above: a name that is also a common word ("Will", "Grant"); below: a lower-case name
    # after a connector, a two-letter code group, a secret rather than an ordinary word
    common_name: float = 4.5
    # a known name capitalised without a cue, or opening a reply, must be rarer than this
    capitalised_name: float = 5.0
    # a known name right after a strong cue ("my name is Hope") may be this common
    cued_name: float = 5.5
    # a known name after a weak cue ("this is Will") or given as a whole reply
    weak_cue_name: float = 5.6


ZIPF = ZipfThresholds()
