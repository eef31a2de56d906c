"""Names the review package shares with the pipeline, the CLI, the DAG and the steward pages.

One place, as Airflow keeps its state enums: a kind, state or action spelled in two modules drifts.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """Why an item waits for a person."""

    REVIEW_REQUIRED = "review_required"  # a sensitive topic whose policy action is "review"
    AUDIT_SAMPLE = "audit_sample"  # a published record drawn for the leak estimate
    RESIDUAL_PII = "residual_pii"  # quarantined by validation (the gate's row-level quarantine)


class State(StrEnum):
    """Where an item stands. Only a pending item carries its redacted text."""

    PENDING = "pending"
    PUBLISHED = "published"  # a review item approved and added to its partition
    APPROVED = "approved"  # an audit sample confirmed clean (it was published already)
    EXCLUDED = "excluded"  # kept out of (or taken out of) the partition by a steward
    REMOVED = "removed"  # its customer was erased or revoked consent since it was queued


class Action(StrEnum):
    APPROVE = "approve"
    EXCLUDE = "exclude"
    MISSED = "missed"  # personal data the redactor missed: a type and a span, never the value


# manifest count keys: excluded["reviewer:<reason>"], as lifecycle writes excluded["removed:<reason>"]
REVIEWER_PREFIX = "reviewer:"
REMOVED_PREFIX = "removed:"
MISSED_PII_REASON = "missed_pii"  # the exclusion reason when policy excludes what had missed PII
ITEM_PREFIX = "rv-"

# a partition's release status in its manifest: consumers read only released partitions
RELEASED = "released"
PENDING_REVIEW = "pending_review"

# the types a steward can mark as missed: the placeholder kinds the redactor writes
MISSED_TYPES = (
    "PERSON",
    "EMAIL",
    "PHONE",
    "ADDRESS",
    "ZIP",
    "DATE_OF_BIRTH",
    "ID_NUMBER",
    "USERNAME",
    "PASSWORD",
    "CREDIT_CARD",
    "IBAN",
    "SSN",
    "IP_ADDRESS",
    "EMPLOYER",
    "JOB_TITLE",
)
