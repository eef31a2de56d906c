"""Presidio set-up from the policy: the analyzer with the chosen recognizers, and a lean spaCy pipeline.

Built once per process (see ``get_redactor``), never at import time.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from spacy.language import Language

    from support_curation.redaction.policy import RedactionPolicy

# spaCy components Presidio does not need here: only the NER (with its own tok2vec) runs
_UNUSED_PIPES = ["parser", "tagger", "attribute_ruler", "lemmatizer", "senter", "morphologizer"]


def offline_tldextract() -> None:
    """Presidio's email and URL recognizers call tldextract, which fetches a suffix list on first use:
    point it at the snapshot bundled with the package instead (no network on workers)."""
    import tldextract

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    # a module-level function replaced by an extractor instance (callable the same way)
    tldextract.extract = extractor  # type: ignore[assignment]
    tldextract.tldextract.TLD_EXTRACTOR = extractor


def project_recognizers() -> dict[str, type]:
    """Every recognizer class in ``redaction.recognizers``, by class name."""
    from support_curation.redaction import recognizers

    found: dict[str, type] = {}
    for module in pkgutil.iter_modules(recognizers.__path__):
        if module.name.startswith("_") or module.name == "base":
            continue
        loaded = importlib.import_module(f"{recognizers.__name__}.{module.name}")
        for name, value in vars(loaded).items():
            if (
                name.endswith("Recognizer")
                and isinstance(value, type)
                and value.__module__ == loaded.__name__
            ):
                found[name] = value
    return found


def make_recognizer(cls: type, policy: RedactionPolicy) -> Any:
    """An instance of a project recognizer: from the policy's settings when it reads any (``from_policy``,
    e.g. the brand's own social handles), else with its defaults."""
    from_policy = getattr(cls, "from_policy", None)
    return from_policy(policy) if from_policy is not None else cls()


def build_engine(policy: RedactionPolicy) -> tuple[AnalyzerEngine, Language, Any]:
    """(analyzer, spaCy pipeline, Presidio NLP engine) for the policy."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer import predefined_recognizers as predefined
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    offline_tldextract()
    nlp = spacy.load(policy.spacy_model, exclude=_UNUSED_PIPES)
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": policy.spacy_model}])
    # the lean pipeline above, not a second full copy (Presidio declares the attribute as None)
    nlp_engine.nlp = {"en": nlp}  # type: ignore[assignment]

    registry = RecognizerRegistry(supported_languages=["en"])
    for name in policy.presidio_recognizers:
        registry.add_recognizer(getattr(predefined, name)(supported_language="en"))
    available = project_recognizers()
    unknown = set(policy.recognizers) - set(available)
    if unknown:
        raise ValueError(f"policy names unknown recognizers: {sorted(unknown)}")
    for name in policy.recognizers:
        registry.add_recognizer(make_recognizer(available[name], policy))
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    return analyzer, nlp, nlp_engine
