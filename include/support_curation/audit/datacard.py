"""The dataset card (``_datacard.md``), following the Hugging Face dataset card conventions.

A YAML header (pretty_name, language, license, size_categories, task_categories, configs, ...) then
the card's sections (Dataset Details, Uses, Dataset Structure, Dataset Creation, Bias, Risks, and
Limitations), filled from the manifest and the audit reports: counts, hashes and verdicts only. The
same inputs render the same bytes (no clock, sorted keys), so audit packs are reproducible.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2
import yaml

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

TEMPLATE = "datacard.md.j2"
CARD = "_datacard.md"

CAUSES = {
    "consent": "under- or over-represented by consent (the group consents less or more often)",
    "after_consent": "by redaction, review routing or validation after consent",
    "k_anonymity": "by k-anonymity suppression (the group is too small to publish safely)",
}

LIMITATIONS = (
    "Redaction is automatic: a share of personal data can survive it (see the validation results and, "
    "once stewards have reviewed samples, the leak estimate).",
    "Only customers who consented are represented: groups that rarely consent are under-represented "
    "(see the flagged groups), and a model trained on this set may serve them worse.",
    "To keep every published combination of quasi-identifiers shared by at least k_min records, some "
    "records carry a generalised segment (`other`), flag, language or channel, and some are suppressed.",
    "Intent and product are not kept on records (not on the minimisation allow-list), so representation "
    "by intent or product is not measured; topics are the sensitive-topic flags only.",
    "Consent is decided per customer, and one customer may write many conversations: the significance "
    "test treats conversations as independent, so with few customers it overstates how sure a flag is.",
    "Representation counts under k_min are masked in this card, but shares and ratios of small groups "
    "remain approximate indications of them; the full report is in the audit area (restricted).",
    "Aggregates count the true segment, topic and channel of published records (cells under k_min "
    "suppressed); set beside the generalised records they narrow down what `other` stands for, in "
    "groups of at least k_min.",
    "Consent enforcement after publication (revocations, erasure) rewrites partitions; this card "
    "describes the partition as first published.",
)


def _size_category(records: int) -> str:
    for bound, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if records < bound:
            return label
    return "100K<n<1M" if records < 1_000_000 else "1M<n<10M"


def _environment(k_min: int) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files("support_curation.audit").joinpath(name).read_text("utf-8")
        ),
        autoescape=False,  # Markdown, not HTML; table cells go through the `cell` filter
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = lambda v: str(v).replace("|", "\\|").replace("\n", " ")
    env.filters["masked"] = lambda n: f"<{k_min}" if 0 < int(n) < k_min else str(int(n))
    env.filters["pct"] = lambda v: "n/a" if v is None else f"{float(v) * 100:.1f}%"
    env.filters["ratio"] = lambda v: "n/a" if v is None else f"{float(v):.2f}"
    return env


def _suites(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    suites = summary.get("suites") or {}
    return [
        {
            "name": name,
            "success": bool(body.get("success")),
            "expectations": len(body.get("expectations", [])),
        }
        for name, body in sorted(suites.items())
    ]


def render_card(
    *,
    dataset: str,
    scope_label: str,
    unit: str,
    manifest: Mapping[str, Any],
    representation: Mapping[str, Any],
    risk: Mapping[str, Any],
    purpose: str,
    scope_by_channel: Mapping[str, str],
    policies: Sequence[Mapping[str, str]],
    charts: Sequence[Mapping[str, str]],
    aggregates: Mapping[str, Any] | None = None,
    review: Mapping[str, Any] | None = None,
) -> str:
    """The card's Markdown text for one partition (``unit="partition"``) or a release window.

    Args:
        manifest: the published manifest's body (counts, code version, validation, entities).
        charts: ``{"dimension", "path"}`` with paths relative to where the card is written.
        review: stewards' outcomes and the leak estimate, once reviews exist.
    """
    k_min = int(risk.get("k_min", 1))
    counts = manifest.get("counts", {})
    records = int(manifest.get("records", counts.get("published", 0)))
    languages = sorted(
        {
            row["value"].split("-", 1)[0]
            for row in representation.get("dimensions", {}).get("language", [])
            if row["published"] and row["value"] != "unknown"
        }
    )
    language_details = sorted(
        row["value"]
        for row in representation.get("dimensions", {}).get("language", [])
        if row["published"] and row["value"] != "unknown"
    )
    pretty_name = f"Support conversations ({scope_label})"
    header = {
        "pretty_name": pretty_name,
        "language": languages,
        "language_details": ", ".join(language_details),
        "license": "other",
        "license_name": f"internal-consented-use-{purpose}",
        "multilinguality": "monolingual" if len(languages) <= 1 else "multilingual",
        "size_categories": [_size_category(records)],
        "source_datasets": ["original"],
        "annotations_creators": ["machine-generated"],
        "task_categories": ["text-generation"],
        "task_ids": ["dialogue-modeling"],
        "tags": ["customer-support", "pii-redacted", "consented", "k-anonymous-metadata"],
        "configs": [{"config_name": "default", "data_files": "part-*.jsonl.gz"}],
    }
    rows = [row for dim in representation.get("dimensions", {}).values() for row in dim]
    drift = representation.get("drift", {})
    flagged = list(representation.get("flagged", []))
    by_consent = representation.get("flagged_by_cause", {}).get("consent", [])
    summary = (
        f"{records} consented, redacted customer-service conversations ({scope_label}) for `{purpose}`. "
    )
    if flagged:
        summary += f"Representation flags {len(flagged)} group(s): " + ", ".join(f"`{g}`" for g in flagged)
        summary += (
            "; skewed by consent: " + ", ".join(f"`{g}`" for g in by_consent) + "." if by_consent else "."
        )
    else:
        summary += "No group is outside the representation bounds."
    window = representation.get("window") or {}
    window_consent = window.get("flagged_by_cause", {}).get("consent", [])
    if len(window.get("partitions", [])) > 1 and window_consent:
        summary += (
            f" Over the last {len(window['partitions'])} partitions, skewed by consent: "
            + ", ".join(f"`{g}`" for g in window_consent)
            + "."
        )
    validation = manifest.get("validation", {})
    validation_summary = validation.get("summary", validation)
    env = _environment(k_min)
    return env.get_template(TEMPLATE).render(
        header=yaml.safe_dump(header, sort_keys=False, allow_unicode=True),
        pretty_name=pretty_name,
        summary=summary,
        dataset=dataset,
        scope_label=scope_label,
        unit=unit,
        records=records,
        code_version=manifest.get("code_version", "unknown"),
        languages=languages,
        purpose=purpose,
        scopes=sorted(scope_by_channel.items()),
        notice_versions=sorted(representation.get("notice_versions", {}).items()),
        policies=policies,
        counts={"extracted": counts.get("extracted", 0), "published": counts.get("published", records)},
        excluded=sorted(counts.get("excluded", {}).items()),
        quarantined=sorted(counts.get("quarantined", {}).items()),
        entities_total=sum(int(v) for v in manifest.get("entities", {}).values()),
        flags=sorted(representation.get("flags", {}).items()),
        validation={"success": bool(validation.get("success")), "suites": _suites(validation_summary)},
        review=sorted(review.items()) if review else [],
        bounds=representation.get("bounds", {}),
        k_min=k_min,
        flagged=flagged,
        blocked=bool(representation.get("blocked")),
        representation_rows=rows,
        charts=charts,
        drift_partitions=len(drift.get("partitions", [])),
        drift_window=drift.get("window_days"),
        drift_max=drift.get("max_share_change", ""),
        drifted=list(representation.get("drifted", [])),
        flagged_by_cause=sorted(representation.get("flagged_by_cause", {}).items()),
        window=representation.get("window"),
        causes=CAUSES,
        risk=risk,
        aggregates=aggregates,
        limitations=LIMITATIONS,
        amendments=len(manifest.get("amendments") or []),
        ledger_errors=counts.get("consent_ledger_errors"),
    )
