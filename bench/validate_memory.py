"""Peak memory of the validate stage, chunked (the pipeline's) against one whole-frame GX run.

    .venv/bin/python bench/validate_memory.py [--sizes 10000 100000 1000000] [--whole-up-to 1000000]

For each size, N seeded synthetic redacted rows are staged exactly as ``pipeline.redact_chunk`` writes
them (gzip JSON lines of record, known identifiers, customer, scope and the gate's counts; 1 % of the
records carry residual-PII hits, the policy tolerates 10 %), with each chunk's validation frame rows
beside it (built by the redact task's own code, consent re-check included) and a SQLite helpdesk whose
consent ledger grants every customer, so the real ``pipeline.validate`` runs end to end: the frames,
GX, the report, the row-level quarantine and its review items. Each (size, variant) runs in a
fresh child process that reports its peak RSS (``VmHWM``) before and after validate, and the time.

The whole-frame variant is the same code with ``chunk_rows`` above N: one frame of every record, what
validate did before chunking. Writes bench/results/validate_memory.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from support_curation.config import Settings
    from support_curation.pipeline import Runtime

RESULTS = Path(__file__).resolve().parent / "results"
START = datetime(2024, 6, 3, tzinfo=UTC)
RUN_ID = "bench_validate_memory"
ROWS_PER_FILE = 10_000  # staged rows per redacted chunk file: a 1M day's chunk_size (bench/pipeline_scale.py)
FLAGGED_SHARE = 0.01  # "normal days flag about 1 %" (pipeline_v1.yaml)
HMAC_KEY = "bench-validate-memory-key-0123456789abcdef"
TEXTS = (
    "Hi, I'm <PERSON_1>. Order <ORDER_1> (3 items, $129.99) has not arrived since 2024-05-28.",
    "Sorry <PERSON_1>! We re-sent it at 10:30 to <ADDRESS_1>; you can reach us on <PHONE_1>.",
    "Thanks, the tracking page still says pending. Could you check with the courier please?",
    "Done: the courier confirms delivery tomorrow before noon. Anything else I can help with?",
)


def _settings(data_dir: Path, output: str) -> Settings:
    from support_curation.config import Settings

    return Settings(data_dir=data_dir, hmac_key=HMAC_KEY, output_root=str(data_dir / output), demo=True)


def _runtime(data_dir: Path, output: str) -> Runtime:
    from support_curation.pipeline import Interval, Runtime

    return Runtime(Interval(START, START + timedelta(days=1)), _settings(data_dir, output), run_id=RUN_ID)


def generate(data_dir: Path, size: int, seed: int = 5) -> list[dict]:
    """Stage ``size`` redacted rows and a consent ledger; returns the redact stage's results."""
    from sqlalchemy import create_engine, insert

    from support_curation.pipeline import _frame_rows
    from support_curation.records import write_jsonl_gz
    from support_curation.sources import helpdesk_schema as hs
    from support_curation.validation.gate import GATE_DETECTORS

    rng = random.Random(seed)
    rt = _runtime(data_dir, "lake")
    customers = [f"cust-{i:07d}" for i in range(max(40, size // 20))]
    engine = create_engine(rt.settings.resolved_helpdesk_url)
    hs.metadata.create_all(engine)
    granted_at = START - timedelta(days=30)
    with engine.begin() as conn:
        for at in range(0, len(customers), 20_000):
            conn.execute(
                insert(hs.consent_events),
                [
                    {
                        "event_id": f"cev-{c}-{scope}",
                        "customer_id": c,
                        "purpose": rt.policy.purpose,
                        "scope": scope,
                        "granted": True,
                        "notice_version": "v3",
                        "recorded_at": granted_at,
                    }
                    for c in customers[at : at + 20_000]
                    for scope in ("tickets", "chat")
                ],
            )
    policy_version = rt.policy_version
    clean = dict.fromkeys(GATE_DETECTORS, 0)
    redacted = []
    for number, first in enumerate(range(0, size, ROWS_PER_FILE)):
        rows = []
        for i in range(first, min(size, first + ROWS_PER_FILE)):
            source, scope = ("tickets", "tickets") if i % 2 else ("chat", "chat")
            turns = rng.randint(2, 4)
            gate = dict(clean)
            if rng.random() < FLAGGED_SHARE:
                gate[rng.choice(GATE_DETECTORS)] = 1
            record = {
                "record_id": f"{rng.getrandbits(128):032x}",
                "source": source,
                "interval": rt.interval.label,
                "channel": "email" if source == "tickets" else "chat",
                "language": "en",
                "segment": rng.choice(("smb", "enterprise", "consumer")),
                "messages": [
                    {"role": ("customer", "agent")[t % 2], "content": TEXTS[t % len(TEXTS)]}
                    for t in range(turns)
                ],
                "entities": {"PERSON": 1, "ADDRESS": 1},
                "flags": [],
                "policy_version": policy_version,
            }
            rows.append(
                {
                    "record": record,
                    "known_identifiers": sorted({f"Customer{i} Name", f"customer{i}@example.test"}),
                    "customer_id": rng.choice(customers),
                    "scope": scope,
                    "gate": gate,
                }
            )
        key = f"{rt.staging_prefix}/redacted/chunk-{number:05d}.jsonl.gz"
        write_jsonl_gz(rt.staging, key, rows)
        # the chunk's validation frame rows, staged beside it as the redact task does
        frame_key = key.replace("/redacted/", "/frames/")
        write_jsonl_gz(rt.staging, frame_key, _frame_rows(rt, rows))
        redacted.append(
            {
                "chunk": key,
                "frame": frame_key,
                "records": len(rows),
                "excluded": {},
                "quarantined": {},
                "entities": {},
            }
        )
    return redacted


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(data_dir: Path, variant: str, size: int, chunk_rows: int | None) -> dict:
    """One validate run in this (fresh) process: peak RSS before and after, time, the outcome."""
    from support_curation.pipeline import validate
    from support_curation.validation.chunked import CHUNK_ROWS

    redacted = json.loads((data_dir / "redacted.json").read_text())
    rt = _runtime(data_dir, f"lake-{variant}")
    rt.policy_version  # noqa: B018 - the redactor's policy version: validate needs it, load it first
    before = _hwm_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = validate(redacted, rt, chunk_rows=size + 1 if variant == "whole" else chunk_rows)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "size": size,
        "variant": variant,
        "chunk_rows": size + 1 if variant == "whole" else chunk_rows or CHUNK_ROWS,
        "peak_rss_mb": round(_hwm_mb(), 1),
        "rss_before_validate_mb": round(before, 1),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # a loaded machine stretches the wall time, not this
        "records": result["records"],
        "success": result["success"],
        "quarantined": result["quarantined"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--whole-up-to", type=int, default=1_000_000, help="largest size run whole-frame")
    parser.add_argument("--out", type=Path, default=RESULTS / "validate_memory.json")
    parser.add_argument(
        "--chunk-rows", type=int, default=None, help="records per GX run (default: CHUNK_ROWS)"
    )
    parser.add_argument("--child", nargs=3, metavar=("DATA_DIR", "VARIANT", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1], int(args.child[2]), args.chunk_rows)))
        return
    from support_curation.validation.chunked import CHUNK_ROWS

    runs = []
    for size in args.sizes:
        data_dir = Path(tempfile.mkdtemp(prefix="validate-memory-"))
        try:
            t0 = time.perf_counter()
            (data_dir / "redacted.json").write_text(json.dumps(generate(data_dir, size)))
            print(f"{size:>9,} rows staged in {time.perf_counter() - t0:.0f} s", flush=True)
            variants = ["chunked", "whole"] if size <= args.whole_up_to else ["chunked"]
            for variant in variants:
                done = subprocess.run(
                    [sys.executable, __file__, "--child", str(data_dir), variant, str(size)]
                    + (["--chunk-rows", str(args.chunk_rows)] if args.chunk_rows else []),
                    check=True,
                    capture_output=True,
                    text=True,
                )
                run = json.loads(done.stdout.strip().splitlines()[-1])
                runs.append(run)
                print(
                    f"{size:>9,} {variant:<8} peak {run['peak_rss_mb']:>7.1f} MB "
                    f"(before validate {run['rss_before_validate_mb']:.1f}) {run['seconds']:>7.1f} s "
                    f"{run['cpu_seconds']:>7.1f} CPU s "
                    f"success={run['success']} quarantined={run['quarantined']}",
                    flush=True,
                )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    by = {(r["size"], r["variant"]): r for r in runs}
    ratios = {
        str(size): round(by[(size, "whole")]["peak_rss_mb"] / by[(size, "chunked")]["peak_rss_mb"], 2)
        for size in args.sizes
        if (size, "whole") in by
    }
    for size, ratio in ratios.items():
        print(f"{int(size):>9,} whole/chunked peak RSS: {ratio}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"chunk_rows": CHUNK_ROWS, "rows_per_file": ROWS_PER_FILE, "runs": runs, "ratios": ratios},
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
