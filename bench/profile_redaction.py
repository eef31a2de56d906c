"""Where the redactor's time goes, by step and by recognizer (``make profile``).

    .venv/bin/python bench/profile_redaction.py [--corpus demo|dev|chats|long] [--conversations 1000]

Wraps the redactor's steps (the pattern recognizers one by one, the NER, value propagation, merging,
replacement, topics, language) with timers and redacts the corpus as a pipeline chunk does (primed per 500
conversations); prints each step's seconds and share of the wall time, and the share of the characters
the NER was given (its windows; ``long``: the long formal emails and tickets of ``long_text.py``).
Timers, not cProfile: a profiler's per-call overhead would inflate the many small regex calls.
For reading, not asserting.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

CHUNK = 500


def _timed(spent: Counter, key: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - started

    return wrapper


def conversations(corpus: str, n: int) -> list[list[dict[str, str]]]:
    from eval_redaction import eval_dir, load
    from long_text import long_texts
    from redaction_throughput import demo_conversations, support_chats

    if corpus == "dev":
        records = load(eval_dir() / "multidogo_dev.jsonl", n)
    elif corpus == "long":
        records = [
            r if r.get("turns") else r | {"turns": [{"speaker": "Customer", "text": r["text"]}]}
            for r in long_texts(n, 11)
        ]
    elif corpus == "chats":
        records = support_chats(n, 7)
    else:
        records = demo_conversations(n, 5)
    return [[{"role": t["speaker"].lower(), "content": t["text"]} for t in r["turns"]] for r in records]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=("demo", "dev", "chats", "long"), default="demo")
    parser.add_argument("--conversations", type=int, default=1000)
    args = parser.parse_args()

    from support_curation.redaction import get_redactor
    from support_curation.redaction import redactor as module

    convs = conversations(args.corpus, args.conversations)
    redactor = get_redactor()
    redactor.redact_conversation([{"role": "customer", "content": "warm up, Jane"}])
    analyzer, nlp, _ = redactor.engine

    spent: Counter = Counter()
    for recognizer in analyzer.registry.recognizers:
        recognizer.analyze = _timed(spent, f"recognizer {recognizer.name}", recognizer.analyze)
    nlp_pipe = nlp.pipe
    ner_chars = [0]

    def pipe(texts: Any, **kw: Any) -> list[Any]:
        texts = list(texts)
        ner_chars[0] += sum(map(len, texts))
        return _timed(spent, "NER (spaCy)", lambda: list(nlp_pipe(texts, **kw)))()

    nlp.pipe = pipe
    for name in ("propagate", "merge", "known_recognizers", "answer_spans"):
        setattr(module, name, _timed(spent, name, getattr(module, name)))
    for name in ("_replace", "topics", "_wants_ner", "language_of"):
        if hasattr(redactor, name):
            setattr(redactor, name, _timed(spent, name, getattr(redactor, name)))
    try:
        redactor._cache.clear()
        started = time.perf_counter()
        for i in range(0, len(convs), CHUNK):
            chunk = convs[i : i + CHUNK]
            redactor.prime(chunk)
            for conv in chunk:
                redactor.redact_conversation(conv)
        wall = time.perf_counter() - started
    finally:
        nlp.pipe = nlp_pipe
    chars = sum(len(m["content"]) for c in convs for m in c)
    patterns = sum(v for k, v in spent.items() if k.startswith("recognizer "))
    print(
        f"{args.corpus}: {len(convs)} conversations, {chars:,} chars, {wall:.2f} s, "
        f"{chars / wall:,.0f} chars/s; the NER read {ner_chars[0]:,} chars"
        f" ({100 * ner_chars[0] / chars:.1f} %)"
    )
    print(f"{'step':<46}{'seconds':>9}{'share':>8}")
    rows = [("pattern recognizers (all)", patterns), *spent.most_common()]
    rows.append(
        (
            "other (loops, caching, bookkeeping)",
            wall - patterns - sum(v for k, v in spent.items() if not k.startswith("recognizer ")),
        )
    )
    for key, seconds in rows:
        if seconds >= 0.005 * wall or not key.startswith("recognizer "):
            print(f"{key:<46}{seconds:>9.2f}{100 * seconds / wall:>7.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
