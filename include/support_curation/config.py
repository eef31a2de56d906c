"""Settings and policy loading: the only module that reads the environment.

Settings come from ``CURATION_*`` environment variables (or a gitignored ``.local.env``); connections to
systems come from Airflow connections (``AIRFLOW_CONN_*``) named by the settings. The embedded defaults
run everything on local disk under ``./data`` with a SQLite helpdesk.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sysconfig
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from support_curation.policies import policy_file

if TYPE_CHECKING:
    from support_curation.storage import Storage

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# a checkout (editable install) has its pyproject.toml there; an installed wheel sits in site-packages
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
# The DAG and plugin files Airflow loads: the checkout's own folders, or the copies a wheel installs
# under <prefix>/share/support-curation/ (pyproject's data-files), so `curate demo` works from a wheel.
_WHEEL_SHARE = Path(sysconfig.get_path("data")) / "share" / "support-curation"
_SHARED_FILES = PROJECT_ROOT if IN_CHECKOUT else _WHEEL_SHARE
DAGS_DIR = _SHARED_FILES / "dags"
PLUGINS_DIR = _SHARED_FILES / "plugins"
DATASET = "support_conversations"
# Only for the embedded demo: a deployment sets CURATION_HMAC_KEY (a secret) and the demo key is refused.
DEMO_HMAC_KEY = "demo-key-not-secret"
# A shorter key could be guessed, and with it every subject hash reverses to a customer id.
MIN_HMAC_KEY_BYTES = 32


STATE_CONN_ID = "curation_state"  # the review decision log, when this connection exists


def _default_data_dir() -> Path:
    """``data/`` of the checkout; an installed package has no folder of its own, so ``./data`` of the
    working directory (where ``curate demo`` was started)."""
    return PROJECT_ROOT / "data" if IN_CHECKOUT else Path.cwd() / "data"


class HmacKeyRefused(RuntimeError):
    """The record-id key is missing, too short, or the demo key outside demo mode. Never carries the key."""


class Settings(BaseSettings):
    """Where data comes from and goes to. Every field maps to ``CURATION_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="CURATION_", env_file=".local.env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    helpdesk_conn_id: str | None = None  # Airflow connection of the helpdesk database
    helpdesk_url: str | None = None  # or a SQLAlchemy URL; default: SQLite under data_dir
    chat_root: str | None = None  # chat export landing root: folder or s3://bucket/prefix
    output_root: str | None = None  # training sets, quarantine, reports
    staging_root: str | None = None  # worker-shared scratch space for one run (raw data: restricted)
    aws_conn_id: str | None = None  # Airflow connection for every s3:// root
    s3_endpoint_url: str | None = None  # used when no aws_conn_id is given (e.g. MinIO)
    # required outside demo mode; only `curate demo`, `make up` and the tests set CURATION_DEMO=1
    hmac_key: SecretStr = SecretStr("")
    demo: bool = False
    policy_path: Path = Field(default_factory=lambda: policy_file("pipeline_v1.yaml"))
    chunk_size: int = Field(default=200, ge=1)  # conversations per redaction task
    # staging of a run older than this is an orphan (a killed run); keep it above the DAG's dagrun_timeout
    staging_orphan_hours: float = Field(default=24, gt=0)
    state_conn_id: str | None = None  # Airflow connection of the review decision log
    state_url: str | None = None  # or a SQLAlchemy URL; default: SQLite under data_dir

    @model_validator(mode="after")
    def _hmac_key_is_a_secret(self) -> Settings:
        # Fails closed: a missing key used to fall back to the demo key silently, and with a known key
        # every subject hash reverses to a customer id. Raised as a RuntimeError, not a ValueError, so
        # pydantic does not wrap it into a message that could print the input.
        key = self.hmac_key.get_secret_value()
        if not key:
            if not self.demo:
                raise HmacKeyRefused("CURATION_HMAC_KEY is not set: it is required outside demo mode")
            object.__setattr__(self, "hmac_key", SecretStr(DEMO_HMAC_KEY))  # frozen model: set once, here
        elif key == DEMO_HMAC_KEY:
            if not self.demo:
                raise HmacKeyRefused("CURATION_HMAC_KEY is the demo key: refused outside demo mode")
        elif len(key.encode("utf-8", "surrogatepass")) < MIN_HMAC_KEY_BYTES:
            raise HmacKeyRefused(f"CURATION_HMAC_KEY is shorter than {MIN_HMAC_KEY_BYTES} bytes: refused")
        return self

    @property
    def resolved_helpdesk_url(self) -> str:
        return self.helpdesk_url or f"sqlite:///{self.data_dir / 'helpdesk.db'}"

    @property
    def resolved_state_conn_id(self) -> str | None:
        """The decision log's connection: the one named, else ``curation_state`` when it is defined."""
        if self.state_conn_id:
            return self.state_conn_id
        return STATE_CONN_ID if f"AIRFLOW_CONN_{STATE_CONN_ID.upper()}" in os.environ else None

    @property
    def resolved_state_url(self) -> str:
        return self.state_url or f"sqlite:///{self.data_dir / 'curation_state.db'}"

    @property
    def resolved_chat_root(self) -> str:
        return self.chat_root or str(self.data_dir / "landing")

    @property
    def resolved_output_root(self) -> str:
        return self.output_root or str(self.data_dir / "lake")

    @property
    def resolved_staging_root(self) -> str:
        return self.staging_root or str(self.data_dir / "staging")

    def open_storage(self, root: str) -> Storage:
        """A storage root, reached through the configured S3 connection when it is an s3:// root."""
        from support_curation.storage import open_storage

        return open_storage(root, aws_conn_id=self.aws_conn_id, endpoint_url=self.s3_endpoint_url)

    def output_storage(self) -> Storage:
        return self.open_storage(self.resolved_output_root)


class MinimisePolicy(BaseModel):
    conversation_fields: list[str]
    drop_internal_notes: bool = True
    roles: dict[str, str]


class LimitsPolicy(BaseModel):
    max_message_chars: int = 20_000
    max_messages: int = 500


class ValidationPolicy(BaseModel):
    min_records: int = 0
    max_records: int = 2_000_000
    # per source: fewer conversations than this in a day is a warning on the run and the steward page
    min_records_by_source: dict[str, int] = Field(default_factory=dict)
    # share of records with residual PII that are quarantined one by one; above it the redactor is
    # presumed broken and the whole batch is quarantined (0: any residual PII fails the batch)
    max_residual_rate: float = Field(default=0.0, ge=0, le=1)


class RetentionPolicy(BaseModel):
    days: int = Field(default=730, ge=1)


class AuditAction(BaseModel):
    """A k-anonymity step: generalise one field of the records in small groups, or suppress them."""

    action: Literal["generalise", "suppress"]
    field: Literal["segment", "flags", "language", "channel"] | None = None

    @model_validator(mode="after")
    def _field_for_generalise(self) -> AuditAction:
        if (self.action == "generalise") != (self.field is not None):
            raise ValueError("generalise needs a field; suppress takes none")
        return self


class RepresentationBounds(BaseModel):
    ratio_min: float = 0.8  # the four-fifths rule: published share over extracted share
    ratio_max: float = 1.25
    min_group: int = Field(default=5, ge=1)  # groups extracted fewer times are reported, not judged
    # outside the ratio bounds counts only if the group's kept rate differs from the rest's beyond
    # chance (two-proportion test, two-sided p under this); None: the bounds alone decide
    significance: float | None = Field(default=0.05, gt=0, lt=1)
    action: Literal["warn", "block"] = "warn"


class DriftBounds(BaseModel):
    window_days: int = Field(default=30, ge=1)
    max_share_change: float = 0.15  # absolute change of a group's published share
    action: Literal["warn", "block"] = "warn"


class AuditPolicy(BaseModel):
    """Representation bounds and the k-anonymity rule for published record-level quasi-identifiers."""

    quasi_identifiers: list[str] = ["channel", "language", "segment", "interval", "flags"]
    k_min: int = Field(default=5, ge=1)
    actions: list[AuditAction] = [AuditAction(action="suppress")]
    dimensions: list[str] = ["source", "channel", "language", "segment"]
    bounds: RepresentationBounds = RepresentationBounds()
    drift: DriftBounds = DriftBounds()
    aggregate_dimensions: list[str] = ["topic", "channel", "segment"]
    # count organisations and places surviving in the text with the redaction policy's spaCy model
    indirect_ner: bool = True


class AuditSamplePolicy(BaseModel):
    count: int | None = Field(default=25, ge=0)  # records per published partition ...
    fraction: float | None = Field(default=None, gt=0, le=1)  # ... or this share of it (wins when set)
    seed: int = 0  # changes which records are drawn; the same seed draws the same sample on a rerun


class ReviewPolicy(BaseModel):
    audit_sample: AuditSamplePolicy = AuditSamplePolicy()
    exclude_reasons: list[str] = ["sensitive_content", "not_a_support_conversation", "identifying_context"]
    after_missed: Literal["requeue", "exclude"] = "requeue"  # once re-redacted: look again, or drop it


class ReleasePolicy(BaseModel):
    require_audit: bool = False  # a partition is released only once its audit sample is reviewed ...
    max_leak_upper: float = Field(default=0.15, gt=0, le=1)  # ... and the 95 % leak bound is below this


class PipelinePolicy(BaseModel):
    """The versioned pipeline policy (``support_curation/policies/pipeline_*.yaml``)."""

    version: str
    purpose: str
    scope_by_channel: dict[str, str]
    # the zone of source timestamps written without an offset (an IANA name); UTC unless said otherwise
    naive_timezone: str = "UTC"
    redaction_policy: str
    minimise: MinimisePolicy
    limits: LimitsPolicy = LimitsPolicy()
    validation: ValidationPolicy = ValidationPolicy()
    retention: RetentionPolicy = RetentionPolicy()
    review: ReviewPolicy = ReviewPolicy()
    release: ReleasePolicy = ReleasePolicy()
    audit: AuditPolicy = AuditPolicy()
    sha256: str = ""  # of the policy file, recorded in manifests

    @property
    def redaction_policy_path(self) -> Path:
        """The redaction policy it names: a shipped policy file (package data)."""
        return policy_file(self.redaction_policy)


@functools.cache
def get_settings() -> Settings:
    return Settings()


@functools.cache
def load_policy(path: Path | str | None = None) -> PipelinePolicy:
    """Load and validate a pipeline policy file (default: the one the settings name)."""
    policy_path = Path(path) if path else get_settings().policy_path
    raw = policy_path.read_bytes()
    return PipelinePolicy(**yaml.safe_load(raw), sha256=hashlib.sha256(raw).hexdigest())
