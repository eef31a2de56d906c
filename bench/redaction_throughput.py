"""Redaction speed on one core: the project's redactor vs vanilla Presidio, same corpus, same run.

    .venv/bin/python bench/redaction_throughput.py [--runs 3] [--limit N] [--conversations 300]

Corpora:
- ``dev``: the labelled dev corpus ``../shared/eval/multidogo_dev.jsonl`` (``CURATION_EVAL_DIR``), leak
  scored by the corpus's ``score.py``; when absent, the demo generator's conversations instead, leak =
  share of the generator's planted values still present afterwards;
- ``support_chats``: seeded Faker chats with agent macros and capitalised names, the turns where the NER
  gate works hardest (leak = planted values left);
- ``long_text``: seeded long formal emails and multi-message tickets, 2–5k characters each, properly cased
  (``long_text.py``), scored by the eval corpus's ``score.py`` when present (else planted values left).

Each side runs in its own child process pinned to one core, so peak RSS is per side: models load outside
the clock, then ``--runs`` passes over the corpus; ours starts every pass with an empty per-turn cache
(repeats help only within a pass, as within a production chunk), ``ours_nocache`` clears it before every
conversation (the pessimistic figure), ``ours_chunk`` redacts as the pipeline's redact task does: the
redactor primed with a chunk of ``CHUNK`` conversations (its NER batched across them), then each one.
Vanilla Presidio is PERFORMANCE.md's reference: default
recognizers, the policy's spaCy model, one ``analyze()`` + ``anonymize()`` per conversation.
Prints chars/s (median of runs, wall clock and CPU time: on a contended machine the CPU figure is the
per-core one), the ratio to vanilla, peak RSS and leak, and the load average before and after;
writes bench/results/redaction_throughput.json. The figures are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_redaction import eval_dir, load, score, vanilla_presidio  # noqa: E402
from long_text import long_texts  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "redaction_throughput.json"
SIDES = ("vanilla", "ours", "ours_nocache", "ours_chunk")
CHUNK = 500  # conversations per pipeline chunk (pipeline.redact primes the redactor with one chunk)

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


def _record(rid: str, turns: list[tuple[str, str]], planted: list[str]) -> dict[str, Any]:
    return {
        "id": rid,
        "text": "\n".join(f"{speaker}: {text}" for speaker, text in turns),
        "turns": [{"speaker": speaker, "text": text} for speaker, text in turns],
        "planted": [v for v in planted if any(v.lower() in t.lower() for _, t in turns)],
    }


def support_chats(n: int, seed: int) -> list[dict[str, Any]]:
    """Alternating customer/agent turns, with the values planted in each (for the leak check)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    out = []
    for i in range(n):
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
        turns = []
        for t in range(rng.randint(8, 14)):
            if t % 2 == 0:
                turns.append(("Customer", rng.choice(CUSTOMER_LINES).format(**values)))
            else:
                turns.append(("Agent", rng.choice(AGENT_MACROS).format(**values)))
        planted = [v for k, v in values.items() if k not in ("company", "agent")]
        out.append(_record(f"chat-{seed}-{i}", turns, planted))
    return out


def demo_conversations(n: int, seed: int) -> list[dict[str, Any]]:
    """One day of the demo generator's tickets and chats, read back through the pipeline's extract."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import create_engine

    from support_curation.config import Settings
    from support_curation.demo import generate_demo
    from support_curation.pipeline import Interval, Runtime, extract
    from support_curation.records import read_jsonl_gz
    from support_curation.storage import open_storage

    day = date(2024, 6, 3)
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        settings = Settings(data_dir=Path(tmp), demo=True)  # synthetic data: the demo key is fine
        truth = generate_demo(
            create_engine(settings.resolved_helpdesk_url),
            open_storage(settings.resolved_chat_root),
            start=day,
            days=1,
            seed=seed,
            customers=max(40, n // 5),
            tickets_per_day=n // 2,
            chats_per_day=n - n // 2,
        )
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        rt = Runtime(Interval(start, start + timedelta(days=1)), settings)
        values = sorted(truth.embedded)
        out = []
        for source in ("tickets", "chat"):
            for key in extract(source, rt)["chunks"]:
                for conv in read_jsonl_gz(rt.staging, key):
                    turns = [(m["role"].capitalize(), m["content"]) for m in conv["messages"]]
                    out.append(_record(conv["record_id"], turns, values))
    return out


def corpus_chars(records: list[dict[str, Any]]) -> int:
    return sum(sum(len(t["text"]) for t in r["turns"]) if r.get("turns") else len(r["text"]) for r in records)


# --- the child: one side, one corpus, timed passes -------------------------------------------------


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _vanilla() -> Any:
    redact_text = vanilla_presidio()

    def redact(record: dict[str, Any], _before_each: Any) -> str:
        return redact_text(record["text"])  # one call per conversation

    return redact


def _ours() -> Any:
    from support_curation.redaction import get_redactor
    from support_curation.redaction.batch import redact_record

    get_redactor()  # loads the models (outside the clock)

    def redact(record: dict[str, Any], before_each: Any) -> str:
        before_each()
        return redact_record({k: record[k] for k in ("id", "text", "turns") if k in record})["text"]

    return redact


def _messages(record: dict[str, Any]) -> list[dict[str, str]]:
    """The conversation as ``redact_record`` hands it to the redactor (roles, turn texts), to prime with."""
    from support_curation.redaction.batch import TURN_LINE, _role

    if isinstance(record.get("turns"), list):
        return [
            {"role": _role(str(t.get("speaker", ""))), "content": str(t.get("text", ""))}
            for t in record["turns"]
        ]
    lines = record["text"].split("\n")
    parsed = [m for m in map(TURN_LINE.match, lines) if m is not None]
    if len(lines) > 1 and len(parsed) == len(lines):
        return [{"role": _role(m["speaker"]), "content": m["text"]} for m in parsed]
    return [{"role": "customer", "content": record["text"]}]


def _redact_all(
    records: list[dict[str, Any]], redact: Any, before_each: Any, prime: Any
) -> list[dict[str, Any]]:
    outs = []
    for i in range(0, len(records), CHUNK):
        chunk = records[i : i + CHUNK]
        if prime is not None:
            prime(_messages(r) for r in chunk)
        outs += [{"id": r["id"], "text": redact(r, before_each)} for r in chunk]
    return outs


def child(side: str, input_path: Path, output_path: Path, runs: int) -> dict[str, Any]:
    from support_curation.redaction import get_redactor

    _pin_one_core()
    records = load(input_path, None)
    redact = _vanilla() if side == "vanilla" else _ours()
    redact({"id": "warm-up", "text": "Customer: warm up, Jane Miller"}, lambda: None)
    clear_cache = get_redactor()._cache.clear if side != "vanilla" else lambda: None
    per_conversation = clear_cache if side == "ours_nocache" else lambda: None
    prime = get_redactor().prime if side == "ours_chunk" else None
    chars = corpus_chars(records)
    speeds, cpu_speeds, outs = [], [], []
    for _ in range(runs):
        clear_cache()  # nothing carried over from the previous pass
        started, cpu_started = time.perf_counter(), time.process_time()
        outs = _redact_all(records, redact, per_conversation, prime)
        speeds.append(chars / (time.perf_counter() - started))
        cpu_speeds.append(chars / (time.process_time() - cpu_started))
    with output_path.open("w", encoding="utf-8") as f:
        for o in outs:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    return {
        "chars_per_s_runs": speeds,
        "cpu_chars_per_s_runs": cpu_speeds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --- the parent: corpora, children, leak, table ---------------------------------------------------


def planted_leak(records: list[dict[str, Any]], outs: list[dict[str, Any]]) -> dict[str, float]:
    mentioned = left = records_leaking = 0
    for record, out in zip(records, outs, strict=True):
        lowered = out["text"].lower()
        here = sum(v.lower() in lowered for v in record["planted"])
        mentioned += len(record["planted"])
        left += here
        records_leaking += here > 0
    return {
        "leak_rate": 100 * left / mentioned if mentioned else 0.0,
        "records_any_leak_rate": 100 * records_leaking / len(records) if records else 0.0,
    }


def run_side(
    side: str, input_path: Path, work: Path, runs: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    output = work / f"{input_path.stem}.{side}.jsonl"
    cmd = [sys.executable, __file__, "--child", side, "--input", str(input_path), "--output", str(output)]
    proc = subprocess.run([*cmd, "--runs", str(runs)], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{side} on {input_path.stem} failed:\n{proc.stderr[-3000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["chars_per_s"] = statistics.median(figures["chars_per_s_runs"])
    figures["cpu_chars_per_s"] = statistics.median(figures["cpu_chars_per_s_runs"])
    return figures, load(output, None)


def bench_corpus(
    name: str, records: list[dict[str, Any]], gold: Path | None, work: Path, runs: int
) -> dict[str, Any]:
    input_path = work / f"{name}.jsonl"
    with input_path.open("w", encoding="utf-8") as f:
        for r in records:  # only what a caller would send: no labels
            f.write(
                json.dumps({k: r[k] for k in ("id", "text", "turns") if k in r}, ensure_ascii=False) + "\n"
            )
    row: dict[str, Any] = {"records": len(records), "chars": corpus_chars(records)}
    for side in SIDES:
        figures, outs = run_side(side, input_path, work, runs)
        if gold is not None:
            limit = len(records) if len(records) < _lines(gold) else None
            leak = score(gold, outs, work, side, limit, eval_dir() / "score.py")
            figures |= {
                k: leak[k] for k in ("leak_rate", "records_any_leak_rate", "over_redaction") if k in leak
            }
        else:
            figures |= planted_leak(records, outs)
        row[side] = figures
    base, cpu_base = row["vanilla"]["chars_per_s"], row["vanilla"]["cpu_chars_per_s"]
    for side in SIDES:
        row[side]["ratio"] = row[side]["chars_per_s"] / base
        row[side]["cpu_ratio"] = row[side]["cpu_chars_per_s"] / cpu_base
    return row


def long_text_corpus(n: int, seed: int, work: Path) -> tuple[list[dict[str, Any]], Path | None]:
    """The long-text records and their gold file (for ``score.py``; None when no scorer is at hand,
    and the planted values are checked instead)."""
    records = long_texts(n, seed)
    for r in records:
        r["planted"] = sorted({p["value"] for p in r["pii"]})
    if not (eval_dir() / "score.py").is_file():
        return records, None
    gold = work / "long_text.gold.jsonl"
    with gold.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({k: v for k, v in r.items() if k != "planted"}, ensure_ascii=False) + "\n")
    return records, gold


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as f:
        return sum(1 for line in f if line.strip())


def print_table(results: dict[str, Any]) -> None:
    head = (
        f"{'corpus':<28}{'who':<14}{'chars/s':>10}{'x vanilla':>11}{'cpu ch/s':>10}{'x (cpu)':>9}"
        f"{'peak RSS MB':>13}{'leak %':>8}{'rec leak %':>12}{'over %':>8}"
    )
    print(head)
    print("-" * len(head))
    for corpus, row in results.items():
        for side in SIDES:
            s = row[side]
            over = s.get("over_redaction", float("nan"))  # scored corpora only
            print(
                f"{corpus:<28}{side:<14}{s['chars_per_s']:>10.0f}{s['ratio']:>11.2f}"
                f"{s['cpu_chars_per_s']:>10.0f}{s['cpu_ratio']:>9.2f}{s['peak_rss_mb']:>13.0f}"
                f"{s['leak_rate']:>8.2f}{s['records_any_leak_rate']:>12.2f}{over:>8.2f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed passes per side (median reported)")
    parser.add_argument("--limit", type=int, default=None, help="first N records of the dev corpus")
    parser.add_argument("--conversations", type=int, default=300, help="synthetic / demo conversations")
    parser.add_argument("--long-texts", type=int, default=80, help="long emails and tickets (0: none)")
    parser.add_argument("--corpus", action="append", help="only corpora whose name starts with this")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.input, args.output, args.runs)))
        return 0

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    gold = eval_dir() / "multidogo_dev.jsonl"
    corpora: list[tuple[str, list[dict[str, Any]], Path | None]] = []
    if gold.is_file():
        corpora.append(("dev: multidogo_dev", load(gold, args.limit), gold))
    else:
        print(f"{gold} absent: the demo generator's conversations stand in for the dev corpus")
        corpora.append(("dev: demo generator", demo_conversations(args.conversations, args.seed), None))
    corpora.append(("support_chats (synthetic)", support_chats(args.conversations, args.seed), None))
    results: dict[str, Any] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-redaction-") as tmp:
        if args.long_texts:
            long_records, long_gold = long_text_corpus(args.long_texts, args.seed, Path(tmp))
            corpora.append(("long_text: emails+tickets", long_records, long_gold))
        if args.corpus:
            corpora = [c for c in corpora if any(c[0].startswith(prefix) for prefix in args.corpus)]
        for i, (name, records, gold_path) in enumerate(corpora):
            results[name] = bench_corpus(f"corpus{i}", records, gold_path, Path(tmp), args.runs)
    load_after = os.getloadavg()
    print_table(results)
    for name, row in results.items():
        print(
            f"{name}: ours/vanilla {row['ours']['ratio']:.2f}x"
            f" (cpu time {row['ours']['cpu_ratio']:.2f}x, no cache {row['ours_nocache']['ratio']:.2f}x;"
            f" as the pipeline, chunk-primed: {row['ours_chunk']['ratio']:.2f}x,"
            f" cpu {row['ours_chunk']['cpu_ratio']:.2f}x), "
            f"leak {row['ours']['leak_rate']:.2f} % vs {row['vanilla']['leak_rate']:.2f} %, "
            f"{row['records']} conversations, {row['chars']:,} chars, {args.runs} runs, one core"
        )
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}")
    results["_load_average"] = {"before": load_before, "after": load_after}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
