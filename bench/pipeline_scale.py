"""Pipeline throughput at scale: N demo conversations through the DAG's task functions, stage by stage.

    .venv/bin/python bench/pipeline_scale.py --sizes 1000 10000 [--workers 1 2]

Each size runs in a fresh child process on a fresh local data folder. The demo generator writes one day
of N conversations (half tickets, half chats) in a process of its own, so that neither its memory nor
its time counts as the pipeline's; then extract -> consent join -> redact -> validate -> publish run
exactly as the DAG's tasks call them. Redaction chunks go to a pool of --workers fresh (spawned)
processes, as mapped tasks go to Celery workers; each reports its own peak RSS. Prints conversations/s
per stage, wall time, the peak RSS of the orchestrating process and of the largest redaction worker,
and writes JSON to bench/results/pipeline_scale.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DAY = date(2024, 6, 3)


def _redact_worker(args: tuple[dict, str, str]) -> tuple[dict, float]:
    """One mapped redaction task: (its result, this worker's peak RSS in MB so far)."""
    from support_curation.config import Settings
    from support_curation.pipeline import Interval, Runtime, redact_chunk

    chunk, data_dir, start = args
    start_dt = datetime.fromisoformat(start)
    settings = Settings(data_dir=Path(data_dir), demo=True)  # synthetic data: the demo key is fine
    rt = Runtime(Interval(start_dt, start_dt + timedelta(days=1)), settings)
    return redact_chunk(chunk, rt), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(data_dir: str, size: int) -> None:
    from sqlalchemy import create_engine

    from support_curation.config import Settings
    from support_curation.demo import generate_demo
    from support_curation.storage import open_storage

    settings = Settings(data_dir=Path(data_dir), demo=True)
    generate_demo(
        create_engine(settings.resolved_helpdesk_url),
        open_storage(settings.resolved_chat_root),
        start=DAY,
        days=1,
        seed=3,
        customers=max(40, size // 20),
        tickets_per_day=size // 2,
        chats_per_day=size - size // 2,
    )


def run_one(size: int, workers: int, chunk_size: int) -> dict:
    from support_curation.config import Settings
    from support_curation.pipeline import (
        Interval,
        Runtime,
        cleanup_staging,
        consent_join,
        extract,
        publish_interval,
        validate,
    )

    spawn = multiprocessing.get_context("spawn")  # workers start clean, as task processes do
    data_dir = Path(tempfile.mkdtemp(prefix="curation-scale-"))
    settings = Settings(data_dir=data_dir, chunk_size=chunk_size, demo=True)
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    generator = spawn.Process(target=_generate, args=(str(data_dir), size))
    generator.start()
    generator.join()
    if generator.exitcode:
        raise SystemExit(f"demo generation failed with exit code {generator.exitcode}")
    timings["generate"] = time.perf_counter() - t0

    start = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
    rt = Runtime(Interval(start, start + timedelta(days=1)), settings)
    t0 = time.perf_counter()
    extracts = [extract(source, rt) for source in ("tickets", "chat")]
    timings["extract"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    consented = consent_join(extracts, rt)
    timings["consent_join"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    jobs = [(chunk, str(data_dir), start.isoformat()) for chunk in consented]
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        results = list(pool.map(_redact_worker, jobs))
    redacted = [result for result, _ in results]
    worker_rss = max((rss for _, rss in results), default=0.0)
    timings["redact"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    validation = validate(redacted, rt)
    timings["validate"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    published = publish_interval(extracts, consented, redacted, validation, rt)
    timings["publish"] = time.perf_counter() - t0
    cleanup_staging(rt)
    shutil.rmtree(data_dir, ignore_errors=True)  # a million conversations take gigabytes

    counts = published["counts"]
    per_stage = {
        "extract": counts["extracted"],
        "consent_join": counts["extracted"],
        "redact": sum(c["consented"] for c in consented),
        "validate": counts["published"],
        "publish": counts["published"],
    }
    return {
        "size": size,
        "workers": workers,
        "counts": counts,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "conversations_per_s": {
            stage: round(per_stage[stage] / timings[stage], 1) if timings[stage] else None
            for stage in per_stage
        },
        "pipeline_seconds": round(sum(v for k, v in timings.items() if k != "generate"), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(worker_rss, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # one measurement, in its own process
        print(json.dumps(run_one(args.sizes[0], args.workers[0], args.chunk_size)))
        return

    rows = []
    for size in args.sizes:
        for workers in args.workers:
            cmd = [
                sys.executable,
                __file__,
                "--child",
                "--sizes",
                str(size),
                "--workers",
                str(workers),
                "--chunk-size",
                str(args.chunk_size),
            ]
            env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            row = rows[-1]
            print(
                f"N={size:>9,} workers={workers}  pipeline {row['pipeline_seconds']:>8.1f} s  "
                f"peak RSS {row['peak_rss_mb']:>7.1f} MB, "
                f"redaction worker {row['peak_rss_worker_mb']:>7.1f} MB  "
                + "  ".join(f"{k} {v}/s" for k, v in row["conversations_per_s"].items()),
                flush=True,
            )
    by_size: dict[int, dict[int, float]] = {}
    for row in rows:
        by_size.setdefault(row["size"], {})[row["workers"]] = row["seconds"]["redact"]
    for size, times in by_size.items():
        if 1 in times and 2 in times:
            print(f"N={size:,}: redaction speed-up from 1 to 2 worker processes: {times[1] / times[2]:.2f}x")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pipeline_scale.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
