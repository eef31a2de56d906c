"""The decision log: stewards' decisions and their applications, append-only, through SQLAlchemy Core.

Two tables, rows only ever inserted (this module has no update or delete):

- ``review_decisions``: who (the Airflow login, or ``$USER``/``--who`` on the CLI), when, which item,
  which action, the exclusion reason or the missed type and span. Never the marked value: the span
  points into the item's redacted text, and the value is read from there when the decision is applied.
- ``review_applications``: one row per decision once applied, with its outcome.

The database is the Airflow connection ``curation_state`` (``AIRFLOW_CONN_CURATION_STATE``, or the
connection the settings name), else SQLite under the data folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
)

from support_curation.review.names import Action

if TYPE_CHECKING:
    from collections.abc import Collection

    from sqlalchemy import Engine

    from support_curation.config import Settings

metadata = MetaData()

decisions = Table(
    "review_decisions",
    metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("item", String(40), nullable=False, index=True),
    Column("dataset", String(100), nullable=False),
    Column("partition", String(40), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("action", String(16), nullable=False),
    Column("reason", String(64)),  # exclude: one of the policy's reasons
    Column("entity_type", String(40)),  # missed: the type a steward picked
    Column("span_start", Integer),  # missed: offsets into the item's redacted text, never the value
    Column("span_end", Integer),
    Column("who", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

applications = Table(
    "review_applications",
    metadata,
    Column("decision_id", ForeignKey("review_decisions.decision_id"), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(64), nullable=False),
)


@dataclass(frozen=True)
class Decision:
    decision_id: int
    item: str
    dataset: str
    partition: str
    kind: str
    action: str
    reason: str | None
    entity_type: str | None
    span_start: int | None
    span_end: int | None
    who: str
    decided_at: datetime

    @property
    def span(self) -> tuple[int, int] | None:
        if self.span_start is None or self.span_end is None:
            return None
        return self.span_start, self.span_end

    def public(self) -> dict[str, Any]:
        """The decision as shown and logged: every field is safe (no value is ever stored)."""
        return {
            "decision": self.decision_id,
            "item": self.item,
            "partition": self.partition,
            "kind": self.kind,
            "action": self.action,
            "reason": self.reason,
            "entity_type": self.entity_type,
            "span": list(self.span) if self.span else None,
            "who": self.who,
            "decided_at": self.decided_at.isoformat(),
        }


def state_engine(settings: Settings) -> Engine:
    """The decision database: the Airflow connection when one is named, else SQLite in the data folder."""
    if conn_id := settings.resolved_state_conn_id:
        from airflow.sdk import BaseHook

        uri = BaseHook.get_connection(conn_id).get_uri()
        return create_engine(uri.replace("postgres://", "postgresql+psycopg2://", 1))
    url = settings.resolved_state_url
    if url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return create_engine(url)


class DecisionStore:
    """Append-only access to the decision log."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine, checkfirst=True)

    def record(
        self,
        *,
        item: dict[str, Any],
        action: Action | str,
        who: str,
        reason: str | None = None,
        entity_type: str | None = None,
        span: tuple[int, int] | None = None,
        at: datetime | None = None,
    ) -> Decision:
        action = Action(action)
        if not who.strip():
            raise ValueError("a decision needs who made it")
        row = {
            "item": item["item"],
            "dataset": item["dataset"],
            "partition": item["partition"],
            "kind": item["kind"],
            "action": str(action),
            "reason": reason if action is Action.EXCLUDE else None,
            "entity_type": entity_type if action is Action.MISSED else None,
            "span_start": span[0] if action is Action.MISSED and span else None,
            "span_end": span[1] if action is Action.MISSED and span else None,
            "who": who.strip()[:200],
            "decided_at": at or datetime.now(UTC),
        }
        with self.engine.begin() as conn:
            key = conn.execute(insert(decisions).values(**row)).inserted_primary_key
        if key is None:
            raise RuntimeError("the decision log returned no id for the decision")
        return Decision(decision_id=int(key[0]), **row)

    def _select(self, query: Any) -> list[Decision]:
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(decisions.c.decision_id)).mappings().all()
        return [Decision(**{**row, "decided_at": _aware(row["decided_at"])}) for row in rows]

    def pending(self, dataset: str, partition: str | None = None) -> list[Decision]:
        """Decisions not applied yet, oldest first."""
        applied = select(applications.c.decision_id)
        query = select(decisions).where(
            decisions.c.dataset == dataset, decisions.c.decision_id.not_in(applied)
        )
        if partition:
            query = query.where(decisions.c.partition == partition)
        return self._select(query)

    def for_items(self, items: Collection[str]) -> list[Decision]:
        if not items:
            return []
        return self._select(select(decisions).where(decisions.c.item.in_(sorted(items))))

    def all(self, dataset: str) -> list[Decision]:
        return self._select(select(decisions).where(decisions.c.dataset == dataset))

    def applied(self, dataset: str, partition: str | None = None) -> list[tuple[Decision, str]]:
        """Applied decisions with their outcomes, oldest first."""
        query = (
            select(decisions, applications.c.outcome)
            .join(applications, applications.c.decision_id == decisions.c.decision_id)
            .where(decisions.c.dataset == dataset)
        )
        if partition:
            query = query.where(decisions.c.partition == partition)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(decisions.c.decision_id)).mappings().all()
        fields = [c.name for c in decisions.columns]
        return [
            (
                Decision(**{f: row[f] for f in fields} | {"decided_at": _aware(row["decided_at"])}),
                row["outcome"],
            )
            for row in rows
        ]

    def applied_rounds(self, dataset: str, partition: str) -> list[list[Decision]]:
        """A partition's applied decisions grouped by the application that applied them, oldest first:
        replayed round by round, each sees the items as that application saw them."""
        query = (
            select(decisions, applications.c.applied_at)
            .join(applications, applications.c.decision_id == decisions.c.decision_id)
            .where(decisions.c.dataset == dataset, decisions.c.partition == partition)
            .order_by(applications.c.applied_at, decisions.c.decision_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        fields = [c.name for c in decisions.columns]
        rounds: dict[datetime, list[Decision]] = {}
        for row in rows:
            decision = Decision(**{f: row[f] for f in fields} | {"decided_at": _aware(row["decided_at"])})
            rounds.setdefault(_aware(row["applied_at"]), []).append(decision)
        return [rounds[at] for at in sorted(rounds)]

    def mark_applied(self, outcomes: dict[int, str], at: datetime | None = None) -> int:
        """Record decisions as applied (a decision already recorded is left alone: reruns are safe)."""
        if not outcomes:
            return 0
        with self.engine.begin() as conn:
            done = set(
                conn.scalars(
                    select(applications.c.decision_id).where(applications.c.decision_id.in_(list(outcomes)))
                )
            )
            rows = [
                {"decision_id": d, "applied_at": at or datetime.now(UTC), "outcome": o[:64]}
                for d, o in sorted(outcomes.items())
                if d not in done
            ]
            if rows:
                conn.execute(insert(applications), rows)
        return len(rows)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; everything stored here is UTC
    return value if value.tzinfo else value.replace(tzinfo=UTC)
