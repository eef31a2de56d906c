"""Business reference numbers (orders, claims, policies, bookings, accounts): a value with a digit,
introduced by its keyword. One recognizer per row of ``REFERENCES``, all built the same way.

"order number is 12345", "order # ORD-1234567", "my order from last week, number 12345": the keyword
is required, only the value is the entity, and a common word after the keyword ("my order is late")
is not one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._shared import ID_VALUE, LINK, NUMBER_WORD, is_common_word
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

if TYPE_CHECKING:
    from collections.abc import Sequence

KEYWORD_SCORE = 0.85  # the value right after its keyword
NEARBY_SCORE = 0.7  # a few words between keyword and "number"


@dataclass(frozen=True)
class Reference:
    entity: str
    keywords: tuple[str, ...]  # regex alternatives, matched case-insensitively
    doc: str
    # Presidio context words; by default the keywords that are plain words
    context: tuple[str, ...] | None = None

    def context_words(self) -> list[str]:
        return list(self.context if self.context is not None else (w for w in self.keywords if w.isalpha()))


REFERENCES: dict[str, Reference] = {
    "OrderNumberRecognizer": Reference(
        "ORDER_ID",
        ("order", "purchase", "invoice", "receipt", "tracking", "shipment", "package", "parcel"),
        "Orders, invoices and shipment tracking numbers.",
    ),
    "ClaimNumberRecognizer": Reference("CLAIM_ID", ("claim",), "Insurance and warranty claim numbers."),
    "PolicyNumberRecognizer": Reference(
        "POLICY_ID", ("policy", "insurance", "coverage", "plan"), "Insurance policy numbers."
    ),
    "BookingReferenceRecognizer": Reference(
        "BOOKING_ID",
        ("booking", "reservation", "confirmation", "pnr", "itinerary", "record locator", "flight booking"),
        "Booking, reservation and confirmation codes.",
    ),
    "AccountNumberRecognizer": Reference(
        "ACCOUNT_ID",
        (
            "account",
            "acct",
            "a/c",
            "member(?:ship)?",
            "customer",
            "loyalty",
            "subscriber",
            "routing",
            "sort code",
        ),
        "Account, membership and customer numbers.",
        context=("account", "member", "membership", "customer", "loyalty", "subscriber"),
    ),
}


def reference_patterns(keywords: Sequence[str]) -> list[Pattern]:
    alternatives = "|".join(keywords)
    return [
        Pattern("keyword", rf"\b(?:{alternatives}){NUMBER_WORD}{LINK}(?P<value>{ID_VALUE})", KEYWORD_SCORE),
        Pattern(
            "nearby",
            rf"\b(?:{alternatives})\b(?:\W+[a-z]+){{1,4}}?\W+(?:number|no|#)\W*(?P<value>{ID_VALUE})",
            NEARBY_SCORE,
        ),
    ]


class ReferenceNumberBase(ValuePatternRecognizer):
    """The shared behaviour; the table's rows are its subclasses."""

    NEEDS_DIGIT = True

    def invalidate_result(self, pattern_text: str) -> bool:
        return is_common_word(pattern_text)


def _recognizer(name: str, reference: Reference) -> type[ReferenceNumberBase]:
    return type(
        name,
        (ReferenceNumberBase,),
        {
            "__module__": __name__,
            "__doc__": reference.doc,
            "ENTITY": reference.entity,
            "PATTERNS": reference_patterns(reference.keywords),
            "CONTEXT": reference.context_words(),
            # every pattern opens with a keyword ("member(?:ship)?": "member")
            "WORDS": tuple(keyword.split("(")[0] for keyword in reference.keywords),
        },
    )


RECOGNIZERS = {name: _recognizer(name, reference) for name, reference in REFERENCES.items()}
globals().update(RECOGNIZERS)  # found by class name, like the recognizers written out in their own module
