"""bench/pipeline_scale.py's own arithmetic: the 1 -> 2 worker speed-up and the per-process CPU sampler."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "pipeline_scale.py"


@pytest.fixture(scope="module")
def scale():
    spec = importlib.util.spec_from_file_location("pipeline_scale", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(workers: int, run: float, redact: float, rate: float) -> dict:
    return {
        "size": 100_000,
        "workers": workers,
        "pipeline_seconds": run,
        "seconds": {"redact": redact},
        "redact_conversations_per_cpu_second": rate,
    }


def test_repeated_runs_are_averaged_abba(scale):
    # the machine sped up between the first and last run: ABBA averages the drift away
    rows = [_row(1, 600, 500, 90), _row(2, 330, 260, 95), _row(2, 310, 250, 99), _row(1, 560, 470, 99)]
    ratio = scale.speedups(rows)["100000"]
    assert ratio["run"] == round(580 / 320, 2)
    assert ratio["redact"] == round(485 / 255, 2)
    assert ratio["cpu_rate_spread"] == 1.1


def test_no_ratio_without_both_worker_counts(scale):
    assert scale.speedups([_row(2, 330, 260, 95)]) == {}


def test_a_reaped_process_counts_all_its_cpu(scale):
    # the child burns 0.6 CPU s after the sampler's first look at it and exits before its next: only its
    # parent's cutime, read after the reaping, holds the CPU it used after its last sample
    code = (
        "import os, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    time.sleep(0.2)\n"
        "    start = time.process_time()\n"
        "    while time.process_time() - start < 0.6: pass\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "time.sleep(2.5)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    sampler = scale.RssSampler({parent.pid: "parent"}, interval=0.5)
    sampler.start()
    parent.wait()
    time.sleep(0.2)
    sampler.stopped.set()
    sampler.join()
    children = [pid for pid in sampler.cpu if pid != parent.pid]
    assert len(children) == 1
    assert sampler.cpu[children[0]] >= 0.59
