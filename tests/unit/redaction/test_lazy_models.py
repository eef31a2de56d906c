"""The other languages' models load on the first conversation that needs them, never before.

A redaction task process (one per chunk on Celery) that sees only English must not pay for the language
detector's n-gram models or the French spaCy pipeline: each is ~100 MB and seconds of load per task.
Checked in a fresh interpreter, since this test session's redactor may already have loaded them.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from support_curation.redaction import get_redactor

redactor = get_redactor()
messages = [
    {"role": "customer", "content": %r},
    {"role": "agent", "content": "Thanks, I have updated the delivery address on your order."},
]
result = redactor.redact_conversation(messages)
print(json.dumps({
    "language": result.language,
    "redacted": result.messages[0]["content"],
    "lingua": any(name == "lingua" or name.startswith("lingua.") for name in sys.modules),
    "locales": sorted(redactor._locales),
    "models": sorted(name for name in sys.modules if name.startswith(("fr_core", "de_core", "es_core"))),
}))
"""


def _probe(text: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE % text], check=True, capture_output=True, text=True, timeout=300
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_english_loads_no_other_language_model() -> None:
    probe = _probe("Hi, my order has not arrived yet and I would like to know when it will be delivered.")
    assert probe["language"] == "en"
    assert probe == probe | {"lingua": False, "locales": [], "models": []}


def test_french_loads_its_model_on_first_use() -> None:
    probe = _probe(
        "Bonjour, je voudrais savoir pourquoi ma commande n'est toujours pas arrivée, "
        "je l'attends depuis deux semaines et personne ne me répond."
    )
    assert probe["language"] == "fr"
    # the probe sees loading when it happens: the detector ran, the French redactor was built
    assert probe["lingua"] is True
    assert probe["locales"] == ["fr"]
