"""The stages of one data interval, as plain functions the DAG wraps (and the CLI and tests call directly).

Each stage reads and writes chunk files in staging and returns only paths and counts (safe for XCom).
Counts reconcile: extracted = published + excluded (by reason) + quarantined (by reason).
"""

from __future__ import annotations

import json
import logging
import traceback
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import StatementError

from support_curation import consent
from support_curation import staging as run_staging
from support_curation.audit.groups import count_groups
from support_curation.config import DATASET, get_settings, load_policy
from support_curation.layout import Area, PartitionRef, partition_name
from support_curation.records import (
    STAGING_COMPRESSLEVEL,
    add_counts,
    batched,
    read_jsonl_gz,
    subject_id,
    write_jsonl_gz,
)
from support_curation.run_status import (
    DRY_RUN,
    PUBLISHED,
    VALIDATED,
    VALIDATION_RESULT,
    VALIDATION_SUMMARY,
    RunStatus,
    clear_report,
    read_status,
    report_folder,
    report_key,
    report_result,
    volume_warnings,
    write_status,
)
from support_curation.run_status import VALIDATION_FAILED as VALIDATION_FAILED_STATE
from support_curation.sources import SOURCES
from support_curation.sources.chat_exports import extract_chats
from support_curation.sources.helpdesk import extract_tickets, helpdesk_engine
from support_curation.sources.social_exports import extract_social

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy import Engine

    from support_curation.config import PipelinePolicy, Settings
    from support_curation.storage import Storage
    from support_curation.validation import ValidationOutcome

log = logging.getLogger(__name__)

VALIDATION_FAILED = "validation_failed"
REVIEW_REQUIRED = "review_required"  # a sensitive topic whose policy action routes it to a person


class ValidationFailed(RuntimeError):
    """The batch failed validation; it was quarantined and nothing was published. Message: counts only."""


class InputError(RuntimeError):
    """Input a source could not turn into quarantine items. Message: the error's type and location only."""


# what reading input can raise whose message may quote the input
_INPUT_ERRORS = (UnicodeError, ValueError, LookupError, TypeError, RecursionError, StatementError)


def _location(error: BaseException) -> str:
    """``file.py:line`` of the innermost frame: enough to find the bug, nothing of the data."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "unknown"


class CountsDoNotReconcile(RuntimeError):
    """Records went missing between stages: refuse to publish."""


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def partition(self) -> str:
        return partition_name(self.start)

    @property
    def ref(self) -> PartitionRef:
        return PartitionRef(DATASET, self.partition)

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @classmethod
    def parse(cls, start: datetime | str, end: datetime | str) -> Interval:
        def as_dt(value: datetime | str) -> datetime:
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            if parsed.tzinfo is None:
                raise ValueError("interval bounds must be timezone-aware")
            return parsed

        return cls(as_dt(start), as_dt(end))


class Runtime:
    """Settings, policy and storages for one interval; storages and engines open lazily."""

    def __init__(
        self, interval: Interval, settings: Settings | None = None, run_id: str | None = None
    ) -> None:
        self.interval = interval
        self.settings = settings or get_settings()
        self.policy: PipelinePolicy = load_policy(self.settings.policy_path)
        # the DAG passes its run id, so every task of a run finds the same staging; anything else
        # (the CLI, tests) is a run of its own
        self.run_id = run_id or f"local__{uuid.uuid4().hex}"

    def _open(self, root: str) -> Storage:
        return self.settings.open_storage(root)

    @cached_property
    def output(self) -> Storage:
        return self._open(self.settings.resolved_output_root)

    @cached_property
    def staging(self) -> Storage:
        return self._open(self.settings.resolved_staging_root)

    @cached_property
    def landing(self) -> Storage:
        return self._open(self.settings.resolved_chat_root)

    @cached_property
    def helpdesk(self) -> Engine:
        return helpdesk_engine(self.settings)

    @property
    def hmac_key(self) -> str:
        return self.settings.hmac_key.get_secret_value()

    @property
    def staging_prefix(self) -> str:
        """This run's staging folder: concurrent runs of the same day never share one."""
        return run_staging.run_folder(DATASET, self.interval.partition, self.run_id)

    @property
    def quarantine_prefix(self) -> str:
        return self.interval.ref.quarantine

    @property
    def report_prefix(self) -> str:
        return self.interval.ref.reports

    @property
    def policy_version(self) -> str:
        from support_curation.redaction import get_redactor

        return f"{self.policy.version}+{get_redactor(self.policy.redaction_policy_path).policy_version}"


# --- 1-2. extract and minimise -------------------------------------------------------------------


def extract(source: str, rt: Runtime) -> dict[str, Any]:
    """Stage one source's conversations for the interval; quarantine bad input with reasons."""
    prefix = f"{rt.staging_prefix}/extracted/{source}"
    # the marker first (wall clock: it dates the folder for the sweeper), then a rerun starts clean
    run_staging.mark_started(rt.staging, rt.staging_prefix, datetime.now(UTC))
    rt.staging.delete(rt.staging.list(prefix + "/"))
    common: dict[str, Any] = {
        "start": rt.interval.start,
        "end": rt.interval.end,
        "policy": rt.policy,
        "hmac_key": rt.hmac_key,
        "staging": rt.staging,
        "prefix": prefix,
        "chunk_size": rt.settings.chunk_size,
    }
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    try:
        if source == "tickets":
            batch = extract_tickets(rt.helpdesk, **common)
        elif source == "social":
            batch = extract_social(rt.landing, rt.helpdesk, **common)
        else:
            batch = extract_chats(rt.landing, rt.helpdesk, **common)
        result = batch.result(source)
        batch.forget(consent.load_erasures(rt.helpdesk, batch.quarantined_customers()))
    except _INPUT_ERRORS as error:
        # the sources turn bad input into quarantine items; anything left is re-raised as its type and
        # where it happened, because such messages quote the input (a decoder's, a driver's)
        raise InputError(f"{type(error).__name__} at {_location(error)} extracting {source}") from None
    # quarantine entries hold a reference and a reason, never content
    write_jsonl_gz(rt.output, f"{rt.quarantine_prefix}/extract-{source}.jsonl.gz", batch.quarantine)
    log.info(
        "extracted %s: %d conversations, %d chunks, excluded %s, quarantined %s",
        source,
        result["extracted"],
        len(result["chunks"]),
        result["excluded"],
        result["quarantined"],
    )
    return result


# --- 3. consent join ------------------------------------------------------------------------------


def consent_join(extracts: Sequence[dict[str, Any]], rt: Runtime) -> list[dict[str, Any]]:
    """Keep conversations whose customer consented for the purpose and scope; count the rest by reason.

    One result per extracted chunk (its consented chunk, or None when nothing in it may be used), so
    every chunk's counts travel with it to redaction. The DAG joins each chunk in its redaction task
    instead (:func:`curate_chunk`): the same function per chunk, in parallel.
    """
    rt.staging.delete(rt.staging.list(f"{rt.staging_prefix}/consented/"))
    results = [consent_chunk(planned, rt) for planned in chunk_plan(extracts)]
    log.info(
        "consent: kept %d conversations, excluded %s",
        sum(r["consented"] for r in results),
        _sum_counts(results, "excluded"),
    )
    return results


def chunk_plan(extracts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The interval's extracted chunks in order, numbered: what each redaction task takes."""
    return [
        {"number": number, "chunk": key}
        for number, key in enumerate(k for e in extracts for k in e["chunks"])
    ]


def consent_chunk(planned: dict[str, Any], rt: Runtime) -> dict[str, Any]:
    """Consent for one extracted chunk (:func:`chunk_plan`'s item): its consented chunk and counts."""
    conversations = list(read_jsonl_gz(rt.staging, planned["chunk"]))
    decisions = _decide(rt, [(c["customer_id"], c["scope"]) for c in conversations])
    keep = []
    excluded: dict[str, int] = {}
    for conversation, decision in zip(conversations, decisions, strict=True):
        if decision.granted:
            keep.append(conversation)
        else:
            excluded = add_counts(excluded, {decision.reason or "no_consent": 1})
    key = f"{rt.staging_prefix}/consented/chunk-{planned['number']:05d}.jsonl.gz" if keep else None
    if key:
        write_jsonl_gz(rt.staging, key, keep, compresslevel=STAGING_COMPRESSLEVEL)
    # group counts (segment, language, channel, source) ride along for the representation audit
    groups = count_groups(conversations, decisions)
    result = {"chunk": key, "consented": len(keep), "excluded": excluded, "groups": groups}
    if ledger_errors := _ledger_errors(decisions):
        result["ledger_errors"] = ledger_errors
    return result


def curate_chunk(planned: dict[str, Any], rt: Runtime) -> dict[str, Any]:
    """One extracted chunk's consent join, then its redaction: the DAG's mapped task.

    Joined here rather than in a task of its own, so the day's consent look-ups run in parallel like
    the redaction (the single consent task was ~7 % of a 1M day on two workers). The consent result
    travels under ``consent``; :func:`consented_of` gives the consent stage's results back.
    """
    joined = consent_chunk(planned, rt)
    return redact_chunk(joined, rt) | {"consent": joined}


def consented_of(redacted: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The consent results that :func:`curate_chunk` results carry, in chunk order."""
    return [r["consent"] for r in redacted]


def _ledger_errors(decisions: Sequence[consent.ConsentDecision]) -> dict[str, Any] | None:
    """Conversations of a chunk decided with impossible ledger events set aside; None when there are none.

    Opaque event references only (``cev:<sha256 prefix>``), so the day can count distinct events
    across chunks; the excluded ones by the reason they are already counted under.
    """
    affected = [d for d in decisions if d.ledger_errors]
    if not affected:
        return None
    excluded: dict[str, int] = {}
    for decision in affected:
        if not decision.granted:
            excluded = add_counts(excluded, {decision.reason or "no_consent": 1})
    return {
        "refs": sorted({ref for d in affected for ref in d.ledger_errors}),
        "conversations": len(affected),
        "excluded": excluded,
    }


def _day_ledger_errors(
    consented: Sequence[dict[str, Any]], excluded: dict[str, int]
) -> dict[str, Any] | None:
    """The interval's consent-ledger errors for its counts: a breakdown inside the existing buckets.

    They add no bucket (each conversation is already counted as published, excluded by its reason or
    quarantined), so ``extracted = published + excluded + quarantined`` is untouched; raises when a
    chunk claims more such exclusions under a reason than the interval excluded for it.
    """
    stages = [c["ledger_errors"] for c in consented if c.get("ledger_errors")]
    if not stages:
        return None
    by_reason = _sum_counts(stages, "excluded")
    over = sorted(reason for reason, n in by_reason.items() if n > excluded.get(reason, 0))
    if over:
        raise CountsDoNotReconcile(f"consent ledger errors exceed the exclusions for: {', '.join(over)}")
    conversations = sum(int(s["conversations"]) for s in stages)
    return {
        "events": len({ref for s in stages for ref in s.get("refs", [])}),
        "conversations": conversations,
        "kept": conversations - sum(by_reason.values()),
        "excluded": by_reason,
    }


def _sum_counts(stages: Iterable[dict[str, Any]], field: str) -> dict[str, int]:
    total: dict[str, int] = {}
    for stage in stages:
        total = add_counts(total, stage.get(field, {}))
    return total


def _decide(rt: Runtime, requests: Sequence[tuple[str, str]]) -> list[consent.ConsentDecision]:
    """Consent for (customer_id, scope) pairs, straight from the ledger and the erasure requests."""
    customer_ids = {customer_id for customer_id, _ in requests}
    return consent.decide_many(
        consent.load_events(rt.helpdesk, customer_ids, rt.policy.purpose),
        requests,
        purpose=rt.policy.purpose,
        as_of=rt.interval.end,
        erased=consent.load_erasures(rt.helpdesk, customer_ids),
    )


# --- 4. redact ------------------------------------------------------------------------------------


def redact_chunk(consented: dict[str, Any], rt: Runtime) -> dict[str, Any]:
    """Redact one consented chunk into curated records (beside what validation needs to check them)."""
    from support_curation.redaction import get_redactor

    if consented["chunk"] is None:
        return {"chunk": None, "frame": None, "records": 0, "excluded": {}, "quarantined": {}, "entities": {}}
    chunk_key = consented["chunk"]
    redactor = get_redactor(rt.policy.redaction_policy_path)
    policy_version = rt.policy_version
    fields = rt.policy.minimise.conversation_fields
    rows: list[dict[str, Any]] = []
    excluded: dict[str, int] = {}
    quarantined: dict[str, int] = {}
    entities: dict[str, int] = {}
    review_rows: list[dict[str, Any]] = []
    conversations = list(read_jsonl_gz(rt.staging, chunk_key))  # one chunk: bounded by chunk_size
    redactor.prime(c["messages"] for c in conversations)
    for conversation in conversations:
        result = redactor.redact_conversation(
            conversation["messages"], known_identifiers=conversation["known_identifiers"]
        )
        if result.action == "exclude":
            excluded = add_counts(excluded, {f"sensitive_topic:{'+'.join(result.flags)}": 1})
            continue
        if result.action == "quarantine":  # a language the redaction policy has no recognizers for
            quarantined = add_counts(quarantined, {"unsupported_language": 1})
            continue
        if result.action != "review":
            entities = add_counts(entities, result.entities)
        record = {
            "record_id": conversation["record_id"],
            "source": conversation["source"],
            "interval": rt.interval.label,
            **{name: conversation.get(name) for name in fields},
            "messages": result.messages,
            "entities": dict(sorted(result.entities.items())),
            "flags": result.flags,
            "policy_version": policy_version,
        }
        known = sorted({v for values in conversation["known_identifiers"].values() for v in values})
        row = {
            "record": record,
            "known_identifiers": known,
            "customer_id": conversation["customer_id"],
            "scope": conversation["scope"],
        }
        if result.action == "review":
            # a person decides: kept redacted for the review queue, counted as quarantined until then
            quarantined = add_counts(quarantined, {REVIEW_REQUIRED: 1})
            review_rows.append(row)
            continue
        rows.append(row)
    _gate(rows)
    _mentions(rt, rows)
    out_key = chunk_key.replace("/consented/", "/redacted/")
    write_jsonl_gz(rt.staging, out_key, rows, compresslevel=STAGING_COMPRESSLEVEL)
    # the chunk's validation frame (counts only), built here in parallel rather than in the single validate
    frame_key = chunk_key.replace("/consented/", "/frames/")
    write_jsonl_gz(rt.staging, frame_key, _frame_rows(rt, rows), compresslevel=STAGING_COMPRESSLEVEL)
    review_key = chunk_key.replace("/consented/", "/review/") if review_rows else None
    if review_key:
        write_jsonl_gz(rt.staging, review_key, review_rows, compresslevel=STAGING_COMPRESSLEVEL)
    return {
        "chunk": out_key,
        "frame": frame_key,
        "review": review_key,
        "records": len(rows),
        "excluded": excluded,
        "quarantined": quarantined,
        "entities": entities,
    }


def _gate(rows: list[dict[str, Any]]) -> None:
    """The residual-PII gate's counts per record (``row["gate"]``), for validation to read.

    Counted here because chunks are redacted in parallel and the gate runs a full NER pass over every
    turn; in the single validate task it would serialise the day. The gate shares no code with the
    redactor (support_curation.validation), and it reads what the redactor wrote.
    """
    from support_curation.validation.gate import scan_records

    texts = [[str(m.get("content") or "") for m in row["record"]["messages"]] for row in rows]
    for row, hits in zip(rows, scan_records(texts), strict=True):
        row["gate"] = hits


def _mentions(rt: Runtime, rows: list[dict[str, Any]]) -> None:
    """The publication audit's indirect-identifier mentions per record (``row["mentions"]``).

    Found here, in parallel, rather than in the single publish task, where the scan was ~2/3 of publish's
    time (in-process bench, 10k: 1,144 -> 3,167 records/s without it). Staging holds their text already.
    """
    from support_curation.audit.indirect import record_mentions, scan_model

    model = scan_model(rt.policy)
    for row in rows:
        row["mentions"] = record_mentions(row["record"], model)


# --- 5. validate ----------------------------------------------------------------------------------


def _redacted_rows(
    rt: Runtime, redacted: Iterable[dict[str, Any]], validation: dict[str, Any] | None = None
) -> Iterable[dict[str, Any]]:
    """The staged redacted rows, without those validation quarantined when its result is given."""
    held = _held_records(rt, validation)
    for result in redacted:
        if result["chunk"]:
            for row in read_jsonl_gz(rt.staging, result["chunk"]):
                if row["record"]["record_id"] not in held:
                    yield row


def _review_rows(rt: Runtime, redacted: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """The staged conversations a sensitive topic routes to a person (redacted, with their customer)."""
    for result in redacted:
        if result.get("review"):
            yield from read_jsonl_gz(rt.staging, result["review"])


# Staged rows that validate holds at a time. A redaction chunk holds up to 10,000 (a 1M day's): read whole
# with their text, validate's peak was ~85 MB higher (bench/validate_memory.py). Frame rows (counts only)
# are read in the same slices; same outcome and CPU.
VALIDATION_READ_ROWS = 1_000


def validate(
    redacted: Sequence[dict[str, Any]],
    rt: Runtime,
    *,
    dry_run: bool = False,
    run_id: str | None = None,
    chunk_rows: int | None = None,
) -> dict[str, Any]:
    """Run the expectation suites on the batch; publish the report; quarantine what fails.

    A record with residual PII is quarantined on its own (``residual_pii:<detector>``, queued for
    review) and the rest of the batch goes on; if more than the policy's ``max_residual_rate`` of the
    batch is flagged, the redactor is presumed broken and the whole batch is quarantined, as is any
    batch that fails another suite. A dry run writes its report beside the published one
    (``dry_run/``) and leaves the quarantine and the review queue alone. ``chunk_rows``: records per
    GX run (default ``validation.chunked.CHUNK_ROWS``); the outcome does not depend on it.
    """
    from support_curation.validation.chunked import validate_chunks
    from support_curation.validation.frame import frame_from_rows

    # The redact tasks staged each chunk's frame rows (counts per record, no text); they are read
    # VALIDATION_READ_ROWS at a time, GX validates them in frames of chunk_rows and the results are
    # merged, so memory stays flat however many records the day has, and whatever a chunk's size.
    frames = (
        frame_from_rows(rows)
        for r in redacted
        if r["chunk"]
        for rows in batched(_staged_frame_rows(rt, r), VALIDATION_READ_ROWS)
    )
    outcome = validate_chunks(
        frames,
        policy_version=rt.policy_version,
        min_records=rt.policy.validation.min_records,
        max_records=rt.policy.validation.max_records,
        run_name=rt.interval.partition,
        max_residual_rate=rt.policy.validation.max_residual_rate,
        **({"chunk_rows": chunk_rows} if chunk_rows else {}),
    )
    records = outcome.records
    report_uri = _publish_report(rt, outcome, records=records, dry_run=dry_run, run_id=run_id)
    result = {
        "success": outcome.success,
        "records": records,
        "summary": outcome.summary(),
        "report": report_uri,
        # row-level quarantine: counts by reason, and where the held record ids are (never in XCom)
        "quarantined": _residual_counts(outcome.residual) if outcome.success else {},
        "held": None,
    }
    failed_batch_key = f"{rt.quarantine_prefix}/validation_failed.jsonl.gz"
    if dry_run and not outcome.success:
        raise ValidationFailed(
            f"dry run: validation failed for {rt.interval.partition}, {records} records; report: {report_uri}"
        )
    if dry_run:
        return result
    if outcome.success:
        rt.output.delete([failed_batch_key])  # an earlier failed run of this interval is superseded
        result["held"] = _quarantine_residual(rt, redacted, outcome.residual)
        return result
    # Fail closed: the batch goes to the restricted quarantine area, nothing of it is published; each
    # row names its subject (a keyed hash) so an erasure can find it there.
    write_jsonl_gz(
        rt.output,
        failed_batch_key,
        (
            r["record"] | {"subject": subject_id(rt.hmac_key, r["customer_id"])}
            for r in _redacted_rows(rt, redacted)
        ),
    )
    rt.output.put_bytes(
        f"{rt.quarantine_prefix}/validation_failed.json",
        json.dumps({"records": records, "validation": result["summary"]}, indent=2).encode(),
    )
    raise ValidationFailed(
        f"validation failed for {rt.interval.partition}: {records} records quarantined, "
        f"{len(outcome.failing_record_ids)} failing row checks; report: {report_uri}"
    )


RESIDUAL_QUARANTINE = "residual_pii.jsonl.gz"  # references and reasons of row-level quarantine
HELD_RECORDS = "validated/held.json"  # staging: the record ids publish must leave out


def _residual_counts(residual: dict[str, dict[str, int]]) -> dict[str, int]:
    from support_curation.validation.suites import residual_reason

    counts: dict[str, int] = {}
    for hits in residual.values():
        counts = add_counts(counts, {residual_reason(hits): 1})
    return counts


def _quarantine_residual(
    rt: Runtime, redacted: Sequence[dict[str, Any]], residual: dict[str, dict[str, int]]
) -> str | None:
    """Set the flagged records aside: a reference per record in quarantine, the redacted record in the
    review queue (kind ``residual_pii``), their ids in staging for publish. Returns the staging key."""
    from support_curation.review.items import queue_records
    from support_curation.review.names import Kind
    from support_curation.validation.suites import residual_reason

    quarantine_key = rt.interval.ref.key(Area.QUARANTINE, RESIDUAL_QUARANTINE)
    if not residual:
        rt.output.delete([quarantine_key])  # a rerun that flags nothing supersedes an earlier one
        return None
    queued_at = datetime.now(tz=UTC)  # shown to stewards only; no decision depends on it

    def references() -> Iterable[dict[str, Any]]:
        # one pass over the staged rows, one flagged row in memory at a time: its review item is
        # queued as its reference is written (up to max_residual_rate of the day: too many to hold)
        for r in _redacted_rows(rt, redacted):
            record_id = r["record"]["record_id"]
            if record_id not in residual:
                continue
            subject = subject_id(rt.hmac_key, r["customer_id"])
            queue_records(
                rt.output,
                rt.interval.ref,
                kind=Kind.RESIDUAL_PII,
                rows=[(r["record"], subject, r.get("scope"))],
                queued_at=queued_at,
            )
            yield {
                "record_id": record_id,
                "reason": residual_reason(residual[record_id]),
                "detectors": residual[record_id],  # counts per detector, never values
                "subject": subject,
            }

    write_jsonl_gz(rt.output, quarantine_key, references())
    held_key = f"{rt.staging_prefix}/{HELD_RECORDS}"
    rt.staging.put_bytes(held_key, json.dumps(sorted(residual)).encode())
    return held_key


def _held_records(rt: Runtime, validation: dict[str, Any] | None) -> frozenset[str]:
    held = (validation or {}).get("held")
    return frozenset(json.loads(rt.staging.get_bytes(held))) if held else frozenset()


def _frame_rows(rt: Runtime, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The validation frame's rows of staged redacted rows (counts per record, no text)."""
    from support_curation.validation.frame import frame_rows

    # consent is looked up again, from the ledger, not taken from the consent join's word
    decisions = _decide(rt, [(r["customer_id"], r["scope"]) for r in rows])
    return frame_rows(
        [r["record"] for r in rows],
        {r["record"]["record_id"]: r["known_identifiers"] for r in rows},
        {r["record"]["record_id"]: d.granted for r, d in zip(rows, decisions, strict=True)},
        gate_hits={r["record"]["record_id"]: r["gate"] for r in rows if r.get("gate")},
    )


def _staged_frame_rows(rt: Runtime, redacted: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """A redacted chunk's frame rows: as its redact task staged them, else built from its rows here."""
    if redacted.get("frame"):
        yield from read_jsonl_gz(rt.staging, redacted["frame"])
        return
    # a chunk staged without its frame (redacted by an older release, say): framed here, a slice at a time
    for rows in batched(read_jsonl_gz(rt.staging, redacted["chunk"]), VALIDATION_READ_ROWS):
        yield from _frame_rows(rt, rows)


def _publish_report(
    rt: Runtime, outcome: ValidationOutcome, *, records: int, dry_run: bool, run_id: str | None
) -> str:
    """Write the report's data (summary, GX results, run status), replacing an earlier run's of the same kind.

    The steward app renders the report pages from these files with its own templates: the GX Data Docs
    site loads its scripts and styles from CDNs and shows nothing offline, so it is not published.
    """
    ref = rt.interval.ref
    clear_report(rt.output, ref, dry_run=dry_run)
    result = report_result(outcome.gx_result)
    for name, body in ((VALIDATION_SUMMARY, outcome.summary()), (VALIDATION_RESULT, result)):
        rt.output.put_bytes(report_key(ref, name, dry_run=dry_run), json.dumps(body, indent=2).encode())
    state = VALIDATED if outcome.success else VALIDATION_FAILED_STATE
    write_status(rt.output, ref, RunStatus.now(state, dry_run=dry_run, run_id=run_id, records=records))
    return rt.output.uri(report_folder(ref, dry_run=dry_run))


# --- 6. publish -----------------------------------------------------------------------------------


def reconcile(
    extracts: Sequence[dict[str, Any]],
    consented: Sequence[dict[str, Any]],
    redacted: Sequence[dict[str, Any]],
    validation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The interval's counts (with validation's row-level quarantine); raises if any record is missing."""
    extracted = sum(e["extracted"] for e in extracts)
    stages = [*extracts, *consented, *redacted, *([validation] if validation else [])]
    excluded = _sum_counts(stages, "excluded")
    quarantined = _sum_counts(stages, "quarantined")
    held = sum((validation or {}).get("quarantined", {}).values())
    published = sum(r["records"] for r in redacted) - held
    accounted = published + sum(excluded.values()) + sum(quarantined.values())
    if accounted != extracted:
        raise CountsDoNotReconcile(f"extracted {extracted} but accounted for {accounted}")
    counts: dict[str, Any] = {
        "extracted": extracted,
        "extracted_by_source": {e["source"]: e["extracted"] for e in extracts},
        "published": published,
        "excluded": excluded,
        "quarantined": quarantined,
    }
    # future-dated consent events that decided some of the day's conversations: shown where the day's
    # counts are read (manifest, run status), not only in the enforcement audit
    if ledger_errors := _day_ledger_errors(consented, excluded):
        counts["consent_ledger_errors"] = ledger_errors
    return counts


def publish_interval(
    extracts: Sequence[dict[str, Any]],
    consented: Sequence[dict[str, Any]],
    redacted: Sequence[dict[str, Any]],
    validation: dict[str, Any],
    rt: Runtime,
    *,
    run_id: str | None = None,
) -> dict[str, Any]:
    """Publish the validated batch atomically (data files, then the manifest), then its run status."""
    if not validation.get("success"):
        raise ValidationFailed("refusing to publish a batch that did not pass validation")
    counts = reconcile(extracts, consented, redacted, validation)
    from datetime import UTC as UTC_ZONE

    from support_curation.audit.publication import RowAgain, publish_audited
    from support_curation.review.queue import ReviewPublication

    # the review side: draws the audit sample from the rows, adds the manifest's status and review fields
    review = ReviewPublication(
        rt.policy,
        rt.interval.ref,
        published=counts["published"],
        review_required=counts["quarantined"].get(REVIEW_REQUIRED, 0),
    )
    rows = ((r["record"], r["customer_id"]) for r in review.observe(_redacted_rows(rt, redacted, validation)))

    def rows_again() -> Iterable[RowAgain]:
        # the audit's second pass reads the staged chunks again instead of spooling every record
        staged = _redacted_rows(rt, redacted, validation)
        return ((r["record"], r["customer_id"], r.get("mentions")) for r in staged)

    # k-anonymity enforced on the rows, then the card, reports, charts and aggregates (counts only)
    manifest = publish_audited(
        rt.output,
        rt.policy,
        consented,
        dataset=DATASET,
        partition=rt.interval.partition,
        rows=rows,
        hmac_key=rt.hmac_key,
        metadata={
            "interval": {"start": rt.interval.start.isoformat(), "end": rt.interval.end.isoformat()},
            "counts": counts,
            "policy_version": rt.policy_version,
            "policy_sha256": rt.policy.sha256,
            "validation": {"success": True, "summary": validation["summary"], "report": validation["report"]},
            "entities": _sum_counts(redacted, "entities"),
        },
        publish_partition=review.publish_partition,
        rows_again=rows_again,
    )
    queued = review.queue(
        rt.output,
        hmac_key=rt.hmac_key,
        review_rows=_review_rows(rt, redacted),
        queued_at=datetime.now(tz=UTC_ZONE),  # shown to stewards only; no decision depends on it
    )
    # a rerun: the stewards' decisions on the earlier version come back (excluded samples, marked values)
    body = review.restore_decisions(rt.settings, datetime.now(tz=UTC_ZONE)) or manifest.body
    log.info("published %s: %s", rt.interval.partition, counts)
    _write_run_status(rt, PUBLISHED, body["counts"], dry_run=False, run_id=run_id)
    # the manifest's counts: k-anonymity suppression moves records from published to excluded
    return {
        "manifest": manifest.uri,
        "counts": body["counts"],
        "files": len(manifest.files),
        "status": body["status"],
        "review": queued,
    }


def record_dry_run(
    extracts: Sequence[dict[str, Any]],
    consented: Sequence[dict[str, Any]],
    redacted: Sequence[dict[str, Any]],
    rt: Runtime,
    *,
    validation: dict[str, Any] | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """A dry run's end: reconcile and record the counts beside its report; nothing is published."""
    counts = reconcile(extracts, consented, redacted, validation)
    _write_run_status(rt, DRY_RUN, counts, dry_run=True, run_id=run_id)
    log.info("dry run of %s: not published; %s", rt.interval.partition, counts)
    return {"counts": counts, "report": rt.output.uri(report_folder(rt.interval.ref, dry_run=True))}


def _write_run_status(
    rt: Runtime, state: str, counts: dict[str, Any], *, dry_run: bool, run_id: str | None
) -> None:
    """The run's final status beside its report: when, which run, the reconciled counts, volume warnings."""
    warnings = volume_warnings(
        counts.get("extracted_by_source", {}), rt.policy.validation.min_records_by_source
    )
    for warning in warnings:
        log.warning("%s: %s", rt.interval.partition, warning)
    earlier = read_status(rt.output, rt.interval.ref, dry_run=dry_run) or {}
    status = RunStatus.now(
        state,
        dry_run=dry_run,
        run_id=run_id or earlier.get("run_id"),
        records=counts.get("published"),
        counts=counts,
        warnings=warnings,
    )
    write_status(rt.output, rt.interval.ref, status)


# --- 7. clean up ----------------------------------------------------------------------------------


def cleanup_staging(rt: Runtime) -> int:
    """Raw data must not outlive the run: remove this run's staging files."""
    keys = rt.staging.list(rt.staging_prefix + "/")
    rt.staging.delete(keys)
    return len(keys)


def sweep_staging(settings: Settings | None = None, *, now: datetime | None = None) -> list[str]:
    """Remove staging left by runs killed before their cleanup, older than ``staging_orphan_hours``."""
    settings = settings or get_settings()
    return run_staging.sweep(
        settings.open_storage(settings.resolved_staging_root),
        DATASET,
        now=now or datetime.now(UTC),  # staging age is wall-clock time, whatever interval a run covers
        older_than=timedelta(hours=settings.staging_orphan_hours),
    )


def run_interval(interval: Interval, settings: Settings | None = None) -> dict[str, Any]:
    """All stages in one process: what the DAG does, for the CLI and tests."""
    rt = Runtime(interval, settings)
    try:
        extracts = [extract(source, rt) for source in SOURCES]
        consented = consent_join(extracts, rt)
        redacted = [redact_chunk(chunk, rt) for chunk in consented]
        validation = validate(redacted, rt)
        return publish_interval(extracts, consented, redacted, validation, rt) | {
            "report": validation["report"]
        }
    finally:
        cleanup_staging(rt)
