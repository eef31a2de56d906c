"""Redaction quality and speed on the labelled corpora in ``../shared/eval`` (``make eval``).

For every corpus present: our redactor (through ``redact_jsonl``, as ``curate redact`` runs it) and a
vanilla Presidio baseline (default recognizers, the same spaCy model, analyze + anonymize per turn),
both scored by the corpus's ``score.py``. Prints one table and writes ``bench/results/eval.json``.
Skips cleanly when the corpora are absent.
Also the project's own seeded synthetic sets (``bench/eval_sets``: one per language, one per social
style), generated on the fly into ``bench/eval_sets/data/<split>/`` and scored by the same ``score.py``;
``--split dev`` is for tuning, ``test`` (the default) for the figures the README reports.
Usage: ``python bench/eval_redaction.py [--limit N] [--no-baseline] [--corpus STEM] [--split dev|test]
[--no-own-sets]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

RESULTS = Path(__file__).resolve().parent / "results" / "eval.json"
OWN_SETS = Path(__file__).resolve().parent / "eval_sets"
WARM_UP = [
    "warm up, Jane",
    "Bonjour, je voudrais changer l'adresse de livraison de ma commande, merci Hélène",
    "Guten Tag, meine Bestellung ist noch nicht angekommen, können Sie mir helfen? Jürgen",
    "Hola, mi pedido todavía no ha llegado, ¿me pueden ayudar por favor? Lucía",
    "Buongiorno, il mio ordine non è ancora arrivato, potete aiutarmi per favore? Giulia",
    "Hallo, mijn bestelling is nog niet aangekomen, kunnen jullie mij helpen alstublieft? Sanne",
]


def eval_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / "shared" / "eval"
    return Path(os.environ.get("CURATION_EVAL_DIR") or default)


def load(path: Path, limit: int | None) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
            if limit and len(records) >= limit:
                break
    return records


def as_text(out: dict[str, Any]) -> str:
    if "turns" in out:
        return "\n".join(f"{t['speaker']}: {t['text']}" for t in out["turns"])
    return out.get("text", "")


def run_ours(
    records: list[dict[str, Any]], work: Path, policy: Path | None = None
) -> tuple[list[dict[str, Any]], float]:
    from support_curation.redaction import get_redactor
    from support_curation.redaction.batch import redact_jsonl

    # load the models outside the clock
    for text in WARM_UP:  # the English model, the language detector and each language's tables
        get_redactor(policy).redact_conversation([{"role": "customer", "content": text}])
    src, dst = work / "in.jsonl", work / "ours.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for r in records:  # only what a caller would send: no labels
            f.write(json.dumps({k: r[k] for k in ("id", "text", "turns") if k in r}) + "\n")
    started = time.perf_counter()
    redact_jsonl(src, dst, policy)
    elapsed = time.perf_counter() - started
    outs = [json.loads(line) for line in dst.open(encoding="utf-8")]
    return [{"id": o["id"], "text": as_text(o)} for o in outs], elapsed


def vanilla_presidio() -> Callable[[str], str]:
    """Vanilla Presidio as a text -> redacted text function: default recognizers, the policy's spaCy
    model, ``analyze()`` + ``anonymize()`` (the reference of PERFORMANCE.md and the eval baseline)."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from support_curation.redaction.engine import offline_tldextract
    from support_curation.redaction.policy import load_redaction_policy

    offline_tldextract()
    model = load_redaction_policy().spacy_model
    nlp_engine = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    ).create_engine()
    analyzer, anonymizer = AnalyzerEngine(nlp_engine=nlp_engine), AnonymizerEngine()

    def redact(text: str) -> str:
        return anonymizer.anonymize(text, analyzer.analyze(text, language="en")).text

    return redact


def run_vanilla(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
    redact = vanilla_presidio()
    redact("warm up, Jane")
    started = time.perf_counter()
    outs = []
    for r in records:
        if r.get("turns"):
            text = "\n".join(f"{t['speaker']}: {redact(t['text'])}" for t in r["turns"])
        else:
            text = redact(r["text"])
        outs.append({"id": r["id"], "text": text})
    return outs, time.perf_counter() - started


def own_sets(split: str) -> list[Path]:
    """The seeded synthetic sets (per language, per social style), generated when missing."""
    data = OWN_SETS / "data" / split
    for generator in ("languages", "social", "world"):
        subprocess.run([sys.executable, str(OWN_SETS / f"{generator}.py")], check=True, capture_output=True)
    return sorted(data.glob("*.jsonl"))


def score(
    gold: Path, outs: list[dict[str, Any]], work: Path, name: str, limit: int | None, scorer: Path
) -> dict[str, Any]:
    path = work / f"{name}.scored.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for o in outs:
            f.write(json.dumps(o) + "\n")
    cmd = [sys.executable, str(scorer), str(gold), str(path), "--json-only"]
    if limit:
        cmd.append("--only-redacted")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="first N records of each corpus")
    parser.add_argument("--no-baseline", action="store_true", help="skip vanilla Presidio (faster)")
    parser.add_argument("--corpus", action="append", help="only these corpora (file stem)")
    parser.add_argument("--policy", type=Path, default=None, help="redaction policy YAML (default: v1)")
    parser.add_argument("--split", choices=["dev", "test"], default="test", help="split of the own sets")
    parser.add_argument("--no-own-sets", action="store_true", help="only the corpora of ../shared/eval")
    args = parser.parse_args()
    directory = eval_dir()
    corpora = sorted(p for p in directory.glob("*.jsonl")) if directory.is_dir() else []
    scorer = directory / "score.py"
    if not scorer.is_file():
        print(f"no score.py in {directory}: skipped")
        return 0
    if not args.no_own_sets:
        corpora += own_sets(args.split)
    if args.corpus:
        corpora = [p for p in corpora if p.stem in args.corpus]
    if not corpora:
        print(f"no eval corpora in {directory}: skipped")
        return 0
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for gold in corpora:
            records = load(gold, args.limit)
            chars = sum(len(r["text"]) for r in records)
            row: dict[str, Any] = {"records": len(records), "chars": chars}
            outs, seconds = run_ours(records, work, args.policy)
            row["ours"] = score(gold, outs, work, "ours", args.limit, scorer) | {
                "chars_per_s": chars / seconds
            }
            if not args.no_baseline:
                outs, seconds = run_vanilla(records)
                scored = score(gold, outs, work, "vanilla", args.limit, scorer)
                row["vanilla"] = scored | {"chars_per_s": chars / seconds}
            results[gold.stem] = row
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True))
    print(f"written {RESULTS}")
    return 0


def _metric(s: dict[str, Any], *names: str) -> float:
    for n in names:
        if n in s:
            return float(s[n])
    return float("nan")


def print_table(results: dict[str, Any]) -> None:
    head = (
        f"{'corpus':<16}{'who':<9}{'leak %':>8}{'rec leak %':>11}{'over %':>8}{'chars/s':>10}{'speed x':>9}"
    )
    print(head)
    print("-" * len(head))
    for corpus, row in results.items():
        base = row.get("vanilla", {}).get("chars_per_s")
        for who in ("ours", "vanilla"):
            s = row.get(who)
            if not s:
                continue
            ratio = s["chars_per_s"] / base if base else float("nan")
            print(
                f"{corpus:<16}{who:<9}{_metric(s, 'leak_rate', 'leak'):>8.2f}"
                f"{_metric(s, 'records_any_leak_rate'):>11.2f}"
                f"{_metric(s, 'over_redaction', 'over'):>8.2f}{s['chars_per_s']:>10.0f}{ratio:>9.2f}"
            )
        per_type = row["ours"].get("per_type", {})
        leaks = {t: f"{v['occ_leaked']}/{v['occ']}" for t, v in per_type.items() if v["occ_leaked"]}
        name_tokens = row["ours"].get("name_token", {}).get("leak_rate")
        print(f"  ours, leaked by type: {leaks}  name tokens: {name_tokens}%")


if __name__ == "__main__":
    sys.exit(main())
