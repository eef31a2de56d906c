"""Redaction speed on one core: our redactor vs vanilla Presidio, on seeded synthetic support chats.

    .venv/bin/python bench/redaction_throughput.py [--conversations 300] [--runs 3] [--seed 7]

Vanilla Presidio is the reference of PERFORMANCE.md: default recognizers, the policy's spaCy model,
one ``analyze()`` + ``anonymize()`` per conversation. Both see the same conversations (1-2 kB, Faker
values, agent macros that repeat as in real helpdesks); each run uses fresh text so caches only help
within a run, as in production. Prints chars/s (median of runs), the ratio, and for each side the
share of planted values still present afterwards (so speed is never bought with leaks). Writes
bench/results/redaction_throughput.json. The figures are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "redaction_throughput.json"

AGENT_MACROS = [
    "Thank you for contacting support, my name is {agent}. How can I help you today?",
    "I'm sorry to hear that. Could you please confirm the email address on the account?",
    "Thanks! May I have your full name, please?",
    "Let me look into this for you, it will take a moment.",
    "Could you give me the order number?",
    "Is there anything else I can help you with today?",
    "I have updated the ticket {ticket}. You will receive a confirmation by email shortly.",
    "Thank you for your patience. Have a great day!",
]
CUSTOMER_LINES = [
    "hi, my order hasn't arrived yet and it's been two weeks",
    "sure, it's {email}",
    "{name}",
    "my name is {name} and my order number is {order}",
    "you can call me back on {phone} after 5pm",
    "it should go to {address}, that's where I live",
    "the card ending in {last4} was charged twice",
    "I already wrote to you about this, ticket {ticket}",
    "no that's all, thanks a lot",
    "this is {first} again, any update on {order}?",
    "can you send it to my work address instead? I work at {company}",
    "ok I will wait, hope it gets sorted soon",
]


def make_conversations(n: int, seed: int) -> list[dict[str, Any]]:
    """Conversations of alternating turns, with the values planted in each (for the leak check)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        first, last = fake.first_name(), fake.last_name()
        values = {
            "name": f"{first} {last}",
            "first": first,
            "email": fake.email(),
            "phone": fake.numerify("(###) ###-####"),
            "order": fake.bothify("ORD-#######"),
            "ticket": fake.bothify("TCK-######"),
            "address": fake.street_address(),
            "last4": fake.numerify("####"),
            "company": fake.company(),
            "agent": fake.first_name(),
        }
        messages = []
        for i in range(rng.randint(8, 14)):
            if i % 2 == 0:
                line = rng.choice(CUSTOMER_LINES)
                messages.append({"role": "customer", "content": line.format(**values)})
            else:
                messages.append({"role": "agent", "content": rng.choice(AGENT_MACROS).format(**values)})
        planted = {k: v for k, v in values.items() if k not in ("company", "agent")}
        out.append({"messages": messages, "planted": planted})
    return out


def leaked(texts: list[str], planted: dict[str, str]) -> tuple[int, int]:
    """(planted values mentioned, of them still present anywhere in the output)."""
    mentioned, left = 0, 0
    out = " ".join(texts).lower()
    for value in planted.values():
        mentioned += 1
        left += value.lower() in out
    return mentioned, left


def bench_ours(convs: list[dict[str, Any]], cold: bool = False) -> tuple[float, list[list[str]]]:
    """cold: forget the per-turn cache before each conversation (no help from repeated agent macros
    across conversations: the pessimistic figure)."""
    from support_curation.redaction import get_redactor

    redactor = get_redactor()
    outs = []
    started = time.perf_counter()
    for c in convs:
        if cold:
            redactor._cache.clear()
        outs.append([m["content"] for m in redactor.redact_conversation(c["messages"]).messages])
    return time.perf_counter() - started, outs


def vanilla_engines() -> tuple[Any, Any]:
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
    return AnalyzerEngine(nlp_engine=nlp_engine), AnonymizerEngine()


def bench_vanilla(convs: list[dict[str, Any]], engines: tuple[Any, Any]) -> tuple[float, list[list[str]]]:
    analyzer, anonymizer = engines
    started = time.perf_counter()
    outs = []
    for c in convs:
        text = "\n".join(m["content"] for m in c["messages"])
        outs.append([anonymizer.anonymize(text, analyzer.analyze(text, language="en")).text])
    return time.perf_counter() - started, outs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the figures claim
    engines = vanilla_engines()
    from support_curation.redaction import get_redactor

    get_redactor().redact_conversation([{"role": "customer", "content": "warm up, Jane"}])
    sides = ("ours", "ours_cold", "vanilla")
    figures: dict[str, Any] = {who: [] for who in sides}
    leaks = {who: [0, 0] for who in sides}
    chars_total = 0
    for run in range(args.runs):
        convs = make_conversations(args.conversations, args.seed + run)
        chars = sum(len(m["content"]) for c in convs for m in c["messages"])
        chars_total += chars
        for who in sides:
            if who == "vanilla":
                seconds, outs = bench_vanilla(convs, engines)
            else:
                seconds, outs = bench_ours(convs, cold=who == "ours_cold")
            figures[who].append(chars / seconds)
            for conv, texts in zip(convs, outs, strict=True):
                mentioned = {
                    k: v
                    for k, v in conv["planted"].items()
                    if any(v.lower() in m["content"].lower() for m in conv["messages"])
                }
                n, left = leaked(texts, mentioned)
                leaks[who][0] += n
                leaks[who][1] += left
    result = {
        who: {
            "chars_per_s_median": statistics.median(v),
            "chars_per_s_runs": v,
            "planted_values": leaks[who][0],
            "planted_left": leaks[who][1],
            "leak_rate": leaks[who][1] / leaks[who][0] if leaks[who][0] else 0.0,
        }
        for who, v in figures.items()
    }
    result["ratio"] = result["ours"]["chars_per_s_median"] / result["vanilla"]["chars_per_s_median"]
    result["ratio_cold"] = result["ours_cold"]["chars_per_s_median"] / result["vanilla"]["chars_per_s_median"]
    result["conversations_per_run"] = args.conversations
    result["chars_per_run"] = chars_total / args.runs
    print(f"{'who':<10}{'chars/s':>10}{'leak %':>8}  runs")
    for who in sides:
        r = result[who]
        runs = ", ".join(f"{x:.0f}" for x in r["chars_per_s_runs"])
        print(f"{who:<10}{r['chars_per_s_median']:>10.0f}{100 * r['leak_rate']:>8.2f}  {runs}")
    print(
        f"ratio ours/vanilla: {result['ratio']:.2f}x, cold cache {result['ratio_cold']:.2f}x"
        f" (one core, {args.conversations} conversations per run)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
