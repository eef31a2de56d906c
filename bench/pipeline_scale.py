"""Pipeline throughput at scale: N demo conversations through the DAG's task functions, stage by stage.

    .venv/bin/python bench/pipeline_scale.py --sizes 1000 10000 [--workers 1 2]
    .venv/bin/python bench/pipeline_scale.py --executor celery --sizes 10000 --workers 1 2
    .venv/bin/python bench/pipeline_scale.py --executor celery --sizes 100000 --workers 1 2 2 1  # ABBA
    .venv/bin/python bench/pipeline_scale.py --executor celery --sizes 1000000 --workers 2   # ~idle machine
    .venv/bin/python bench/pipeline_scale.py --executor celery --sizes 100000 --days 4 --workers 1 2

The demo day of each size is generated once (in a process of its own, not counted as the pipeline's
time) into ``bench/results/.demo-cache/`` and copied for every run, so ``--workers 1 2`` pays for one
generation (a 1M day: ~5-8 minutes, ~2 GB). ``--chunk-size`` defaults to ``size // 40`` within
[500, 10000]: each redaction chunk pays a hand-over (0.6-1 s from one chunk's end to the worker's next
start: the supervisor noticing the exit, Celery, the task process's start) and ~1 CPU s of task start on warm
workers, so chunks of a big day are big; 1M gets 10,000 (100 mapped tasks, under Airflow's
``max_map_length`` of 1,024, which the bench checks before it starts; a task's peak RSS grows by
~40 MB from 5,000 to 10,000). With ``--workers 1 2`` both runs use the same chunks, and the speed-up
from 1 to 2 workers is printed for the whole run and for the redaction stage. Repeated runs of a worker
count are averaged: on shared cores the machine's speed drifts by up to ~10 % between two runs, and the
ABBA order (``--workers 1 2 2 1``) cancels a steady drift.

``--executor celery``: the real thing. A local deployment (``devenv.deploy_stack``: PostgreSQL, Redis,
api-server, scheduler with the CeleryExecutor, dag-processor) with N Celery workers of one process each
serving the ``redaction`` queue (``--workers N``) and one ``default`` worker of two processes for the
other tasks, as ``make up CELERY=1`` deploys them; the redaction pool has N slots. The
day goes in as a one-day backfill through the REST API; wall time is the run's, time per stage is the
span of its task instances (first start to last end), and a sampler reads every process's peak RSS
(``VmHWM``) from /proc: each component (scheduler, workers, ...) and each task process, which Airflow
titles ``airflow worker -- <task instance id>`` and the REST API maps back to its task.

``--days D`` (celery): the same N conversations spread over D days (N / D each), which go in as one
backfill of D runs at once, as an operator backfills a month: one day's extract, validate and publish
(single tasks, on the ``default`` worker) overlap other days' redaction. The wall time is the
backfill's (the first run's start to the last run's end); the time per stage spans every day's tasks.

``--executor inprocess`` (default):

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
import contextlib
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import fmean
from typing import Any

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


def first_day(days: int) -> date:
    """The first of ``days`` days that end on DAY."""
    return DAY - timedelta(days=days - 1)


def _generate(data_dir: str, size: int, days: int) -> None:
    from sqlalchemy import create_engine

    from support_curation.config import Settings
    from support_curation.demo import generate_demo
    from support_curation.storage import open_storage

    settings = Settings(data_dir=Path(data_dir), demo=True)
    generate_demo(
        create_engine(settings.resolved_helpdesk_url),
        open_storage(settings.resolved_chat_root),
        start=first_day(days),
        days=days,
        seed=3,
        customers=max(40, size // 20),
        tickets_per_day=size // days // 2,
        chats_per_day=size // days - size // days // 2,
    )


CACHE = RESULTS / ".demo-cache"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TASK_TITLE = "airflow worker -- "  # a task process's title: ``airflow worker -- <task instance id>``
MAX_MAP_LENGTH = 1024  # Airflow's [core] max_map_length: a mapped task of more chunks fails its run


def auto_chunk_size(size: int) -> int:
    """Chunks of a big day are big: each pays a hand-over and a task start (module docstring)."""
    return min(10_000, max(500, size // 40))


def check_chunks(size: int, chunk_size: int) -> int:
    """The mapped redaction tasks a day of ``size`` makes (chunked per source: half tickets, half chats)."""
    chunks = -(-(size // 2) // chunk_size) + -(-(size - size // 2) // chunk_size)
    if chunks > MAX_MAP_LENGTH:
        raise SystemExit(
            f"{chunks} chunks of {chunk_size} for {size:,} conversations: more than Airflow's max_map_length "
            f"({MAX_MAP_LENGTH}); use --chunk-size {-(-size // MAX_MAP_LENGTH) + 1} or more"
        )
    return chunks


def demo_day(size: int, data_dir: Path, days: int = 1) -> float:
    """A copy of the size's demo days in ``data_dir`` (generated once, in a process of its own); the
    seconds the generation took (0 when the cached days were copied)."""
    import hashlib

    import support_curation.demo as demo

    # keyed by the generator's code too: a changed generator never serves a stale day
    code = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(demo.__file__).parent.glob("*.py"))))
    cached = CACHE / (f"{size}-{code.hexdigest()[:12]}" + (f"-{days}d" if days > 1 else ""))
    seconds = 0.0
    if not (cached / ".complete").exists():
        shutil.rmtree(cached, ignore_errors=True)
        t0 = time.perf_counter()
        generator = multiprocessing.get_context("spawn").Process(
            target=_generate, args=(str(cached), size, days)
        )
        generator.start()
        generator.join()
        if generator.exitcode:
            raise SystemExit(f"demo generation failed with exit code {generator.exitcode}")
        (cached / ".complete").touch()
        seconds = time.perf_counter() - t0
    shutil.copytree(cached, data_dir, ignore=shutil.ignore_patterns(".complete"))
    return seconds


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


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
    data_dir = Path(tempfile.mkdtemp(prefix="curation-scale-")) / "curation"
    settings = Settings(data_dir=data_dir, chunk_size=chunk_size, demo=True)
    timings: dict[str, float] = {"generate": demo_day(size, data_dir)}

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
    shutil.rmtree(data_dir.parent, ignore_errors=True)  # a million conversations take gigabytes

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
        "chunk_size": chunk_size,
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


class RssSampler(threading.Thread):
    """Peak RSS (``VmHWM``, the kernel's own high-water mark) and CPU time of every process in the given
    sessions. CPU seconds give rates per core that a busy machine does not distort as wall time does.

    Each deployment component is a session leader (``start_new_session``), and the task processes a worker
    forks stay in its session: polling the sessions catches each process's peak just before it exits.
    A process's CPU time is exact although it ran on after its last sample: when its parent (a task's
    supervisor) reaps it, the kernel adds all of it to the parent's ``cutime``/``cstime``, read at the next
    round. A round reads only the sessions' processes (others are looked at once), and a task process's
    title until it is final: the sampler's own CPU is part of what the machine has left for the run.
    """

    def __init__(
        self, sessions: dict[int, str], interval: float = 0.2, disk_root: Path | None = None
    ) -> None:
        super().__init__(daemon=True)
        self.sessions = sessions  # session id -> component name
        self.interval = interval
        self.peaks: dict[int, tuple[str, str, float]] = {}  # pid -> (component, title, MB)
        self.cpu: dict[int, float] = {}  # pid -> user + system seconds at its last sample (exact once reaped)
        self.parent: dict[int, int] = {}  # pid -> ppid
        self.reaped_cpu: dict[int, float] = {}  # pid -> CPU seconds of its children that it has reaped
        self.outsiders: set[int] = set()  # pids seen outside the sessions: not read again
        self.disk_root = disk_root  # also the peak size of this folder (input, staging, lake, logs)
        self.disk_peak_mb = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        rounds = 0
        alive: set[int] = set()
        while not self.stopped.is_set():
            before = {pid: self.reaped_cpu[pid] for pid in alive}
            pids = {int(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit()}
            self.outsiders &= pids  # an exited outsider's pid may come back as a session's process
            alive = {pid for pid in pids if self._sample(pid)}
            for pid in set(before) - alive:  # exited since the last round: its parent has reaped its CPU
                parent = self.parent[pid]
                if parent in alive and parent in before:
                    self.cpu[pid] = max(self.cpu[pid], self.reaped_cpu[parent] - before[parent])
            if self.disk_root is not None and rounds % 50 == 0:  # every ~10 s: a few hundred files
                with contextlib.suppress(OSError):  # a staged file removed while walking
                    self.disk_peak_mb = max(self.disk_peak_mb, disk_mb(self.disk_root))
            rounds += 1
            self.stopped.wait(self.interval)

    def _sample(self, pid: int) -> bool:
        """Sample ``pid`` if it is in one of the sessions; whether it is."""
        if pid in self.outsiders:
            return False
        member = False
        # StopIteration: a zombie (exited, not yet reaped) has no VmHWM line
        with contextlib.suppress(OSError, ValueError, IndexError, StopIteration):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            component = self.sessions.get(int(fields[3]))  # the session id
            if component is None:
                self.outsiders.add(pid)
                return False
            self.parent[pid] = int(fields[1])
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
            self.reaped_cpu[pid] = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS  # cutime + cstime
            member = True
            status = Path(f"/proc/{pid}/status").read_text()
            hwm = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
            mb = int(hwm.split()[1]) / 1024
            previous = self.peaks.get(pid)
            # a task process keeps the title Airflow gives it: read it until then
            title = previous[1] if previous and previous[1].startswith(TASK_TITLE) else _title(pid)
            if previous is None or mb > previous[2] or title != previous[1]:
                self.peaks[pid] = (component, title, max(mb, previous[2] if previous else 0.0))
        return member


def _title(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()


def _span(tis: list[dict]) -> float:
    starts = [datetime.fromisoformat(t["start_date"]) for t in tis if t.get("start_date")]
    ends = [datetime.fromisoformat(t["end_date"]) for t in tis if t.get("end_date")]
    return (max(ends) - min(starts)).total_seconds() if starts and ends else 0.0


def run_celery(size: int, workers: int, chunk_size: int, deadline_minutes: float, days: int = 1) -> dict:
    """``size`` conversations over ``days`` days through the scheduler and ``workers`` Celery workers."""
    from support_curation.devenv import deploy_stack as deploy

    state = Path(tempfile.mkdtemp(prefix="curation-scale-celery-"))
    data_dir = state / "curation"
    generate_s = demo_day(size, data_dir, days)
    # as `make up CELERY=1` deploys it: N redaction workers of one process each (they preload the
    # models) and one `default` worker of two processes, which runs the two sources' extracts side by
    # side and the single tasks without the redaction workers' preloaded pages in their RSS
    cluster = (
        *(deploy.Worker(f"w{i + 1}", ("redaction",), 1) for i in range(workers)),
        deploy.Worker("default", ("default",), 2),
    )
    stack = deploy.start(
        state,
        data_dir=data_dir,
        triggerer=False,
        use_job_schedule=False,
        inherit_env=False,
        extra_env={
            "CURATION_DEMO": "1",
            "CURATION_CHUNK_SIZE": str(chunk_size),
            "CURATION_CODE_VERSION": "bench",
            # the DAG file does not change during a run: re-parsing it every 30 s only takes CPU
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "3600",
        },
        celery_workers=cluster,
    )
    sampler = RssSampler({proc.pid: name for name, proc in stack.procs.items()}, disk_root=state)
    sampler.start()
    try:
        token = stack.token("admin")
        stack.wait_dag(token, deploy.DAG_ID)
        stack.request("PATCH", f"/api/v2/dags/{deploy.DAG_ID}", {"is_paused": False}, token=token)
        body = {
            "dag_id": deploy.DAG_ID,
            "from_date": f"{first_day(days).isoformat()}T00:00:00Z",
            "to_date": f"{DAY.isoformat()}T00:00:00Z",
            "reprocess_behavior": "none",
            "max_active_runs": days,  # every day at once: the pools and the queues share out the cores
            "run_backwards": False,
            "dag_run_conf": {},
        }
        status, backfill = stack.request("POST", "/api/v2/backfills", body, token=token)
        if status != 200:
            raise SystemExit(f"backfill refused: {status} {backfill}")
        deadline = time.monotonic() + deadline_minutes * 60
        while not backfill.get("completed_at"):
            stack.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(f"N={size:,} workers={workers}: not done after {deadline_minutes:g} minutes")
            time.sleep(3)
            token = stack.token("admin")  # a long day outlives one token
            backfill = stack.request("GET", f"/api/v2/backfills/{backfill['id']}", token=token)[1]
        time.sleep(1)  # the sampler's last look at the exited task processes' peers
        runs = stack.request("GET", f"/api/v2/dags/{deploy.DAG_ID}/dagRuns", token=token)[1]["dag_runs"]
        if len(runs) != days:
            raise SystemExit(f"N={size:,} workers={workers}: {len(runs)} runs for {days} days")
        tis: list[dict] = []
        for run in runs:
            tis += _task_instances(stack, token, run["dag_run_id"])
    finally:
        sampler.stopped.set()
        sampler.join()
        stack.stop()
    by_task: dict[str, list[dict]] = {}
    for ti in tis:
        by_task.setdefault(ti["task_id"], []).append(ti)
    ti_task = {ti["id"]: ti["task_id"] for ti in tis}
    components: dict[str, float] = {}
    tasks: dict[str, float] = {}
    task_cpu: dict[str, float] = {}
    component_cpu: dict[str, float] = {}
    for pid, (component, title, mb) in sampler.peaks.items():
        if title.startswith(TASK_TITLE):
            task = ti_task.get(title.removeprefix(TASK_TITLE).strip(), "?")
            tasks[task] = max(tasks.get(task, 0.0), mb)
            task_cpu[task] = task_cpu.get(task, 0.0) + sampler.cpu.get(pid, 0.0)
        elif not title.startswith("airflow task supervisor"):
            components[component] = max(components.get(component, 0.0), mb)
            component_cpu[component] = component_cpu.get(component, 0.0) + sampler.cpu.get(pid, 0.0)
    from support_curation.publish import read_manifest
    from support_curation.storage import open_storage

    lake = open_storage(str(data_dir / "lake"))
    manifests = [
        read_manifest(lake, "support_conversations", f"dt={first_day(days) + timedelta(days=d)}")
        for d in range(days)
    ]
    counts = _sum_counts([(m or {}).get("counts", {}) for m in manifests])
    redact_durations = [float(t["duration"] or 0) for t in by_task.get("redact", [])]
    shutil.rmtree(state, ignore_errors=True)
    # the backfill's: the first run's start to the last run's end (one day: the run's own)
    wall = (
        max(datetime.fromisoformat(r["end_date"]) for r in runs)
        - min(datetime.fromisoformat(r["start_date"]) for r in runs)
    ).total_seconds()
    # the DAG joins consent inside each redact task (after plan_chunks lists the extracted chunks)
    stages = ("extract", "plan_chunks", "redact", "validate", "publish")
    seconds = {stage: round(_span(by_task.get(stage, [])), 2) for stage in stages}
    extracted = counts.get("extracted", 0)
    per_stage = {
        "extract": extracted,
        "plan_chunks": extracted,
        # what redaction saw (each redact task joins its chunk's consent first): extracted less excluded
        "redact": extracted - sum(counts.get("excluded", {}).values()),
        "validate": counts.get("published", 0),
        "publish": counts.get("published", 0),
    }
    return {
        "executor": "celery",
        "size": size,
        "workers": workers,
        "days": days,
        "state": "+".join(sorted({r["state"] for r in runs})),
        "counts": counts,
        "generate_seconds": round(generate_s, 1),
        "seconds": seconds,
        "chunk_size": chunk_size,
        "redact_tasks": len(by_task.get("redact", [])),
        "redact_task_seconds_mean": round(sum(redact_durations) / max(1, len(redact_durations)), 1),
        # each source's extract (map index = position in SOURCES): the stage waits for the slowest
        "extract_task_seconds": [
            round(float(t["duration"] or 0), 1) for t in sorted(by_task.get("extract", []), key=_map_order)
        ],
        "redact_hosts": sorted({str(t.get("hostname")).split("@")[0] for t in by_task.get("redact", [])}),
        # a worker's idle time between one chunk's end and its next chunk's start: the scheduler's and
        # Celery's hand-over, paid once per chunk
        "redact_handover_seconds_mean": _handover_mean(by_task.get("redact", [])),
        "conversations_per_s": {
            stage: round(per_stage[stage] / seconds[stage], 1) if seconds[stage] else None for stage in stages
        },
        "pipeline_seconds": round(wall, 1),
        "peak_rss_mb_by_component": {k: round(v, 1) for k, v in sorted(components.items())},
        "peak_rss_mb_by_task": {k: round(v, 1) for k, v in sorted(tasks.items())},
        # all task processes of the task together (a mapped task's: every chunk's)
        "cpu_seconds_by_task": {k: round(v, 1) for k, v in sorted(task_cpu.items())},
        # what the deployment itself costs on the same cores (scheduler loop, api-server serving tasks)
        "cpu_seconds_by_component": {k: round(v, 1) for k, v in sorted(component_cpu.items())},
        "redact_conversations_per_cpu_second": (
            round(per_stage["redact"] / task_cpu["redact"], 1) if task_cpu.get("redact") else None
        ),
        "disk_peak_mb": round(sampler.disk_peak_mb, 1),
    }


def _map_order(ti: dict) -> tuple[str, int]:
    return ti.get("dag_run_id") or "", ti.get("map_index") or 0


def _task_instances(stack: Any, token: str, run_id: str) -> list[dict]:
    """A run's task instances, paged: the API caps a page at [api] maximum_page_limit (100)."""
    from support_curation.devenv import deploy_stack as deploy

    path = f"/api/v2/dags/{deploy.DAG_ID}/dagRuns/{run_id}/taskInstances?limit=100"
    tis: list[dict] = []
    while True:
        page = stack.request("GET", f"{path}&offset={len(tis)}", token=token)[1]
        tis += page["task_instances"]
        if len(page["task_instances"]) < 100 or len(tis) >= (page.get("total_entries") or 0) > 0:
            return tis


def _sum_counts(counts: list[dict]) -> dict:
    """Manifest counts added up over days: totals, and reason -> count maps with the pipeline's own sum."""
    from support_curation.records import add_counts

    total: dict = {}
    for day in counts:
        for key, value in day.items():
            total[key] = (
                add_counts(total.get(key, {}), value)
                if isinstance(value, dict)
                else total.get(key, 0) + value
            )
    return total


def _handover_mean(tis: list[dict]) -> float | None:
    """Mean seconds from a worker's task end to its next task's start, over the given task instances."""
    by_host: dict[str, list[tuple[datetime, datetime]]] = {}
    for ti in tis:
        if ti.get("start_date") and ti.get("end_date"):
            span = (datetime.fromisoformat(ti["start_date"]), datetime.fromisoformat(ti["end_date"]))
            by_host.setdefault(str(ti.get("hostname")), []).append(span)
    gaps = [
        (later[0] - earlier[1]).total_seconds()
        for spans in by_host.values()
        for earlier, later in zip(sorted(spans), sorted(spans)[1:], strict=False)
    ]
    return round(sum(gaps) / len(gaps), 2) if gaps else None


TARGET_SPEEDUP = 1.8  # #17: 2 workers at least this much faster than 1


def speedups(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Per size (and days) run with 1 and 2 workers: how much faster 2 were, for the whole run and for
    redaction. Keyed "100000" for one day, "100000/4d" for a backfill of 4 days.

    Repeated runs of a worker count are averaged: ``--workers 1 2 2 1`` (ABBA) cancels a steady drift in
    the machine's speed, which on shared cores reaches ~10 % within one pair of runs. ``cpu_rate_spread``:
    the fastest run's redaction conversations per CPU second over the slowest's (1.0: no drift seen).
    """
    by_size: dict[str, dict[int, list[dict]]] = {}
    for row in rows:
        runs = by_size.setdefault(_key(row["size"], row.get("days", 1)), {})
        runs.setdefault(row["workers"], []).append(row)
    out = {}
    for key, runs in by_size.items():
        if 1 in runs and 2 in runs:
            one, two = runs[1], runs[2]
            known = [
                r["redact_conversations_per_cpu_second"]
                for r in one + two
                if r.get("redact_conversations_per_cpu_second")
            ]
            run = [fmean(r["pipeline_seconds"] for r in rs) for rs in (one, two)]
            redact = [fmean(r["seconds"]["redact"] for r in rs) for rs in (one, two)]
            out[key] = {
                "run": round(run[0] / run[1], 2),
                "redact": round(redact[0] / redact[1], 2),
                "cpu_rate_spread": round(max(known) / min(known), 3) if known else None,
            }
    return out


def _key(size: int, days: int) -> str:
    return str(size) if days == 1 else f"{size}/{days}d"


def _print_row(row: dict, executor: str) -> None:
    if executor == "celery":
        print(
            f"N={row['size']:>9,} over {row.get('days', 1)} day(s) celery workers={row['workers']} "
            f"({row['state']})  "
            f"run {row['pipeline_seconds']:>8.1f} s  "
            + "  ".join(f"{k} {v} s" for k, v in row["seconds"].items())
            + f"\n   conv/s {row['conversations_per_s']}\n"
            f"   extract tasks {row.get('extract_task_seconds')} s\n   redact tasks {row['redact_tasks']} of "
            f"{row['chunk_size']} extracted conversations, {row['redact_task_seconds_mean']} s each "
            f"on average, on {row['redact_hosts']}; "
            f"{row.get('redact_handover_seconds_mean')} s from a chunk's end to the worker's next\n"
            f"   peak RSS MB components {row['peak_rss_mb_by_component']}\n"
            f"   peak RSS MB task processes {row['peak_rss_mb_by_task']}\n"
            f"   CPU s by task {row['cpu_seconds_by_task']}: redaction "
            f"{row['redact_conversations_per_cpu_second']} conversations per CPU second\n"
            f"   CPU s by component {row.get('cpu_seconds_by_component')}\n"
            f"   demo generation {row['generate_seconds']} s (not in the run), "
            f"peak disk {row['disk_peak_mb']} MB",
            flush=True,
        )
        return
    print(
        f"N={row['size']:>9,} workers={row['workers']}  pipeline {row['pipeline_seconds']:>8.1f} s  "
        f"peak RSS {row['peak_rss_mb']:>7.1f} MB, "
        f"redaction worker {row['peak_rss_worker_mb']:>7.1f} MB  "
        + "  ".join(f"{k} {v}/s" for k, v in row["conversations_per_s"].items()),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk-size", type=int, default=None, help="default: size // 40 in [500, 10000]")
    parser.add_argument("--executor", choices=("inprocess", "celery"), default="inprocess")
    parser.add_argument("--days", type=int, default=1, help="celery: spread each size over this many days")
    parser.add_argument(
        "--deadline-minutes", type=float, default=240, help="celery: give up on a run after this long"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # one measurement, in its own process
        if args.executor == "celery":
            row = run_celery(
                args.sizes[0], args.workers[0], args.chunk_size, args.deadline_minutes, args.days
            )
        else:
            row = run_one(args.sizes[0], args.workers[0], args.chunk_size)
        print(json.dumps(row))
        return

    if args.days > 1 and args.executor != "celery":
        parser.error("--days: celery only")
    # chunks as for one day of the day's size: a backfill's days are redacted as its days would be
    chunk_sizes = {size: args.chunk_size or auto_chunk_size(size // args.days) for size in args.sizes}
    if args.executor == "celery":  # before any run: a mapped task over max_map_length fails the day
        for size, chunk_size in chunk_sizes.items():
            check_chunks(size // args.days, chunk_size)
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
                str(chunk_sizes[size]),
                "--executor",
                args.executor,
                "--deadline-minutes",
                str(args.deadline_minutes),
                "--days",
                str(args.days),
            ]
            env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            _print_row(rows[-1], args.executor)
        if (key := _key(size, args.days)) in (ratios := speedups(rows)):
            ratio = ratios[key]
            met = min(ratio["run"], ratio["redact"]) >= TARGET_SPEEDUP
            print(
                f"N={size:,} over {args.days} day(s): 2 workers vs 1: whole run {ratio['run']:.2f}x, "
                f"redaction {ratio['redact']:.2f}x faster (target >= {TARGET_SPEEDUP}x: "
                f"{'met' if met else 'NOT met'}); redaction CPU rate, fastest run / slowest: "
                f"{ratio['cpu_rate_spread']}",
                flush=True,
            )
    RESULTS.mkdir(exist_ok=True)
    name = "pipeline_scale_celery.json" if args.executor == "celery" else "pipeline_scale.json"
    if args.days > 1:
        name = name.replace(".json", f"_{args.days}d.json")
    summary = {"runs": rows, "speedup_1_to_2_workers": speedups(rows)}
    (RESULTS / name).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
