"""What each exclusion and quarantine reason means, and what a steward or operator does about it.

Keys are the reason codes the pipeline counts (sources, consent, redaction, validation, lifecycle);
a code with a ``prefix:detail`` form (``sensitive_topic:health``) is looked up by its prefix.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    kind: str  # excluded | quarantined
    meaning: str
    action: str


_NONE = "Nothing: the pipeline did what the policy asks."
GLOSSARY: dict[str, Entry] = {
    # consent (excluded: the customer did not allow this use)
    "no_consent_record": Entry("excluded", "The customer has no ai_training consent event.", _NONE),
    "no_consent": Entry("excluded", "The customer's consent does not allow this use.", _NONE),
    "scope_not_granted": Entry(
        "excluded", "Consent exists, but not for this conversation's channel (scope).", _NONE
    ),
    "consent_denied": Entry("excluded", "The customer refused ai_training use.", _NONE),
    "consent_revoked_since": Entry(
        "excluded",
        "The customer revoked consent after the conversation.",
        "Nothing here; the enforcement DAG also removes the customer's earlier published records.",
    ),
    "erasure_requested": Entry(
        "excluded", "The customer asked for erasure.", "Nothing here; the lifecycle erases their data."
    ),
    "unknown_scope": Entry(
        "excluded",
        "The channel has no consent scope in the pipeline policy, so no consent can cover it.",
        "Map the channel in the policy's scope table, then rerun the day.",
    ),
    "sensitive_topic": Entry(
        "excluded",
        "The conversation touches a topic the redaction policy excludes (the suffix names it).",
        "Nothing, unless the volume looks wrong: then check the topic terms in the redaction policy.",
    ),
    "k_anonymity": Entry(
        "excluded",
        "Suppressed at publication: its combination of labels (segment, language, channel) was too rare.",
        "Nothing, unless many records go: then review the audit policy's k_min and generalisations.",
    ),
    "removed": Entry(
        "excluded",
        "Removed from the published partition afterwards (revocation or erasure; the suffix says which).",
        _NONE,
    ),
    # quarantine (held back: something is wrong with the input or the output)
    "review_required": Entry(
        "quarantined",
        "A sensitive topic the policy routes to a person before use.",
        "Decide the items in the review queue.",
    ),
    "residual_pii": Entry(
        "quarantined",
        "Validation found personal data the redactor left in the record.",
        "Check the items in the review queue; report the pattern so a recognizer is added.",
    ),
    "validation_failed": Entry(
        "quarantined",
        "The whole batch failed validation; nothing of the day was published.",
        "Open the validation report, fix the cause (usually the redaction policy), rerun the day.",
    ),
    "bad_encoding": Entry(
        "quarantined",
        "Text that is not valid UTF-8.",
        "Ask the source owner to fix the export's encoding, then rerun the day.",
    ),
    "malformed_json": Entry(
        "quarantined",
        "A chat export line that is not valid JSON.",
        "Report the file to the chat export's owner; rerun the day once it is replaced.",
    ),
    "schema_error": Entry(
        "quarantined",
        "A record misses a field of the source contract or has the wrong type.",
        "Check the source's mapping onto the contract (ARCHITECTURE.md, Source contract).",
    ),
    "message_too_long": Entry(
        "quarantined",
        "A message longer than the policy's limit (often pasted logs).",
        "Nothing, unless such messages are legitimate: then raise limits.max_message_chars.",
    ),
    "too_many_messages": Entry(
        "quarantined",
        "A conversation with more messages than the policy's limit.",
        "Nothing, unless such conversations are legitimate: then raise limits.max_messages.",
    ),
    "bad_timestamp": Entry(
        "quarantined",
        "A missing or unreadable time: the conversation cannot be placed in a day.",
        "Ask the source owner to fix the timestamps; rerun the day.",
    ),
    "duplicate_id": Entry(
        "quarantined",
        "The same conversation id again (e.g. in two export files); the first one was used.",
        "Tell the export's owner if this grows; nothing is lost.",
    ),
    "unreadable_file": Entry(
        "quarantined",
        "An export file that could not be read (bad gzip, or a link out of the landing folder).",
        "Replace the file in the landing folder; rerun the day.",
    ),
    "unexpected_file": Entry(
        "quarantined",
        "A file in a landing folder that does not follow the naming.",
        "Move or rename it; rerun the day if it held conversations.",
    ),
    "misfiled": Entry(
        "quarantined",
        "A chat in a dt= folder more than a day away from when it ended: no run would find it.",
        "Move the file to the right day's folder; rerun that day.",
    ),
    "no_usable_messages": Entry(
        "quarantined",
        "Nothing left to learn from once internal notes and system messages are dropped.",
        _NONE,
    ),
    "unsupported_language": Entry(
        "quarantined",
        "A language the redaction policy has no recognizers for.",
        "Nothing, unless the language should be supported: then extend the redaction policy.",
    ),
}
UNKNOWN = Entry("unknown", "No glossary entry for this reason yet.", "Ask the data platform team.")


def explain(reason: str) -> Entry:
    """The entry for a reason code, by its full code or its prefix (``sensitive_topic:health``)."""
    return GLOSSARY.get(reason) or GLOSSARY.get(reason.split(":", 1)[0]) or UNKNOWN
