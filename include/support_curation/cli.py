"""``curate``: the platform's commands for operators and stewards, usable without a scheduler.

curate demo                 demo data + the DAG (real Airflow, dag.test) for the last 3 days
curate run --date D         one interval through every stage in this process
curate redact --input IN.jsonl --output OUT.jsonl [--policy P]
curate locate --customer-id ID   published partitions holding that customer's conversations
curate erase --customer-id ID    record an erasure request and enforce it on every published partition
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any


def _day_interval(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def cmd_demo(args: argparse.Namespace) -> int:
    from sqlalchemy import create_engine

    from support_curation.config import DATASET, get_settings
    from support_curation.demo import generate_demo
    from support_curation.layout import Area, area_prefix

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    today = datetime.now(UTC).date()
    days = [today - timedelta(days=n) for n in range(args.days, 0, -1)]
    print(f"demo: writing helpdesk and chat exports for {days[0]} .. {days[-1]} under {settings.data_dir}")
    truth = generate_demo(
        create_engine(settings.resolved_helpdesk_url),
        settings.open_storage(settings.resolved_chat_root),
        start=days[0],
        days=len(days),
        seed=args.seed,
    )
    truth_path = settings.data_dir / "demo_truth.json"
    truth_path.write_text(json.dumps(truth.to_json(), indent=1))
    results = run_dag_test(days, chunk_size=args.chunk_size)
    output_root = settings.resolved_output_root
    print("\nrun summary (counts per day):")
    for day, state, counts in results:
        print(f"  {day}  {state:8}  {json.dumps(counts)}")
    print(f"\ntraining set:  {output_root}/{area_prefix(Area.TRAINING, DATASET)}")
    print(f"reports:       {output_root}/{area_prefix(Area.REPORTS, DATASET)}dt=*/index.html")
    print(f"quarantine:    {output_root}/{area_prefix(Area.QUARANTINE, DATASET)}")
    return 0 if all(state == "success" for _, state, _ in results) else 1


def airflow_env() -> dict[str, str]:
    """Environment for a local Airflow: this project's DAGs, a SQLite metadata DB under data/."""
    from support_curation.config import PROJECT_ROOT, get_settings

    env = dict(os.environ)
    env.setdefault("AIRFLOW_HOME", str(get_settings().data_dir / "airflow"))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_ROOT / "dags"))
    env.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(PROJECT_ROOT / "plugins"))
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("GX_ANALYTICS_ENABLED", "false")
    return env


def run_dag_test(days: list[date], chunk_size: int | None = None) -> list[tuple[date, str, dict[str, Any]]]:
    """Run the DAG once per day with the real Airflow runtime (``dag.test``), in a child process.

    A child process keeps Airflow's configuration (read once, at import) pointed at the local home.
    """
    env = airflow_env()
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    airflow = str(Path(sys.executable).with_name("airflow"))
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    script = Path(__file__).with_name("dag_runner.py")
    argv = [sys.executable, str(script), *(d.isoformat() for d in days)]
    if chunk_size:
        argv += ["--chunk-size", str(chunk_size)]
    completed = subprocess.run(argv, env=env, check=False, capture_output=True, text=True)
    sys.stderr.write(completed.stderr[-4000:] if completed.returncode else "")
    results = []
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            row = json.loads(line.removeprefix("RESULT "))
            results.append((date.fromisoformat(row["day"]), row["state"], row["counts"]))
    if not results:
        raise SystemExit("the DAG runner produced no result; see the log above")
    return results


def cmd_run(args: argparse.Namespace) -> int:
    from support_curation.pipeline import Interval, run_interval

    start, end = _day_interval(date.fromisoformat(args.date))
    result = run_interval(Interval(start, end))
    print(json.dumps(result, indent=2))
    return 0


def cmd_redact(args: argparse.Namespace) -> int:
    from support_curation.redaction.batch import redact_jsonl

    summary = redact_jsonl(args.input, args.output, policy_path=args.policy)
    print(json.dumps(summary, indent=2))
    return 0


def _output_storage() -> Any:
    from support_curation.config import get_settings

    return get_settings().output_storage()


def cmd_locate(args: argparse.Namespace) -> int:
    from support_curation.config import DATASET, get_settings
    from support_curation.lifecycle.customer import locate

    key = get_settings().hmac_key.get_secret_value()
    found = locate(_output_storage(), key, args.customer_id, DATASET)
    if not found:
        print(f"no published partition holds conversations of customer {args.customer_id}")
        return 0
    total = sum(f["records"] for f in found)
    print(f"customer {args.customer_id}: {total} conversations in {len(found)} partitions")
    for row in found:
        print(f"  {row['partition']}  {row['records']} records")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from support_curation.config import DATASET, get_settings, load_policy
    from support_curation.lifecycle.audit import policy_ref
    from support_curation.lifecycle.customer import erase_customer
    from support_curation.sources.helpdesk import helpdesk_engine

    settings = get_settings()
    policy = load_policy(settings.policy_path)
    result = erase_customer(
        _output_storage(),
        helpdesk_engine(settings),
        hmac_key=settings.hmac_key.get_secret_value(),
        customer_id=args.customer_id,
        dataset=DATASET,
        policy=policy_ref(policy.version, policy.sha256),
        at=datetime.now(UTC),  # when the steward asked: the request's and the audit entry's time
    )
    print(f"erasure recorded for customer {args.customer_id} and enforced:")
    for row in result["partitions"]:
        print(f"  {row['partition']}  removed {row['removed']} records")
    print(
        f"records removed: {result['records_removed']}; review items removed: "
        f"{result['review_items_removed']}; quarantine items removed: "
        f"{sum(q['removed'] for q in result['quarantine'])}; audit entry: {result['audit']}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="curate", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="create demo data and run the DAG for the last days")
    demo.add_argument("--days", type=int, default=3)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--chunk-size", type=int, default=None)
    demo.set_defaults(handler=cmd_demo)

    run = commands.add_parser("run", help="run one day through every stage without a scheduler")
    run.add_argument("--date", required=True, help="the day (UTC), YYYY-MM-DD")
    run.set_defaults(handler=cmd_run)

    redact = commands.add_parser("redact", help="redact a JSONL file of samples with a policy")
    redact.add_argument("--input", required=True, type=Path)
    redact.add_argument("--output", required=True, type=Path)
    redact.add_argument("--policy", type=Path, default=None, help="redaction policy YAML")
    redact.set_defaults(handler=cmd_redact)

    locate = commands.add_parser(
        "locate", help="list published partitions holding a customer's conversations"
    )
    locate.add_argument("--customer-id", required=True, help="the helpdesk customer id")
    locate.set_defaults(handler=cmd_locate)

    erase = commands.add_parser(
        "erase", help="record an erasure request and remove the customer everywhere now"
    )
    erase.add_argument("--customer-id", required=True, help="the helpdesk customer id")
    erase.set_defaults(handler=cmd_erase)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
