"""Do the recognizers find the same on windows as on the whole text? (``redaction.windows``)

    .venv/bin/python bench/window_check.py [--force] [--records 400]

For every recognizer the windows apply to and every turn of the corpora (the eval corpora, the long
emails and tickets of ``long_text.py``, the synthetic chats, the per-language and per-style dev sets),
compares the results on the whole text with those on its windows (offsets, entity, score). ``--force``
windows every text, however short and however much of it the windows cover (``--margin``: with
narrower margins): the stronger test of the claim that no match reads past its margin. Prints the
count of texts and the differences (positions and recognizer only, never the text); exits 1 when any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

HERE = Path(__file__).resolve().parent


def corpus_texts(records: int) -> dict[str, list[str]]:
    from eval_redaction import eval_dir
    from long_text import long_texts
    from redaction_throughput import support_chats

    def turns(rows: list[dict[str, Any]]) -> list[str]:
        out = []
        for r in rows:
            out += [t["text"] for t in r["turns"]] if r.get("turns") else [r["text"]]
        return out

    def read(path: Path) -> list[dict[str, Any]]:
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line, _ in zip(f, range(records), strict=False) if line.strip()]

    corpora = {
        "long_text seed 11": turns(long_texts(records // 2, 11)),
        "long_text seed 7": turns(long_texts(records // 2, 7)),
        "support_chats": turns(support_chats(records // 4, 7)),
    }
    for path in sorted(eval_dir().glob("*.jsonl")) + sorted(
        (HERE / "eval_sets" / "data" / "dev").glob("*.jsonl")
    ):
        corpora[path.stem] = turns(read(path))
    return corpora


def results(recognizer: Any, text: str, spans: list[tuple[int, int]] | None) -> list[tuple[Any, ...]]:
    from support_curation.redaction.windows import analyze_windows

    if spans is None:
        found = [(0, r) for r in recognizer.analyze(text, recognizer.supported_entities, None)]
    else:
        found = analyze_windows(recognizer, text, spans)
    return sorted((r.start + o, r.end + o, r.entity_type, round(r.score, 6)) for o, r in found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="window every text (short ones too)")
    parser.add_argument("--records", type=int, default=400, help="records per corpus")
    parser.add_argument("--margin", type=int, default=None, help="with --force: a narrower margin")
    args = parser.parse_args()

    from support_curation.redaction import get_redactor
    from support_curation.redaction import windows as w

    analyzer, _, _ = get_redactor().engine
    recognizers = [r for r in analyzer.registry.recognizers if w.anchor_of(r) is not None]
    differences = 0
    for name, texts in corpus_texts(args.records).items():
        windowed = differing = 0
        for text in dict.fromkeys(texts):
            for recognizer in recognizers:
                anchor = w.anchor_of(recognizer)
                assert anchor is not None
                spans = (
                    w.windows(text, anchor, args.margin or w.MARGIN) if args.force else w.plan(text, anchor)
                )
                if spans is None:
                    continue
                windowed += 1
                whole, parts = results(recognizer, text, None), results(recognizer, text, spans)
                if whole != parts:
                    differing += 1
                    only_whole = sorted(set(whole) - set(parts))
                    only_parts = sorted(set(parts) - set(whole))
                    print(f"  {name}: {recognizer.name} whole-only {only_whole} windows-only {only_parts}")
        differences += differing
        print(f"{name}: {len(texts)} texts, {windowed} recognizer runs on windows, {differing} differ")
    print("identical" if not differences else f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
