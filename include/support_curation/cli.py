"""``curate``: the platform's commands for operators and stewards, usable without a scheduler.

curate demo                 demo data + the DAG (real Airflow, dag.test) for the last 3 days
curate run --date D         one interval through every stage in this process
curate redact --input IN.jsonl --output OUT.jsonl [--policy P]
curate scan --input IN.jsonl --output OUT.jsonl   residual-PII counts per record (no values)
curate sweep-staging        remove staging (raw text) left by runs killed before their cleanup
curate locate --customer-id ID   published partitions holding that customer's conversations
curate erase --customer-id ID    record an erasure request and enforce it on every published partition
curate review list [--partition dt=...] [--kind K] [--json]   items waiting for a steward
curate review show ITEM | decide ITEM (--approve | --exclude REASON | --missed TYPE --span S:E) | apply
curate audit-pack --from DATE --to DATE --out DIR   cards, manifests, audit reports and checksums of a window
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

    # the demo is the one command that runs on the built-in demo key (the DAG runner child inherits it)
    os.environ.setdefault("CURATION_DEMO", "1")
    get_settings.cache_clear()
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
    print(f"reports:       {output_root}/{area_prefix(Area.REPORTS, DATASET)}dt=*/")
    print(f"quarantine:    {output_root}/{area_prefix(Area.QUARANTINE, DATASET)}")
    _print_review_queue(settings)
    _print_audit(settings, days)
    return 0 if all(state == "success" for _, state, _ in results) else 1


def airflow_env() -> dict[str, str]:
    """Environment for a local Airflow: this project's DAGs, a SQLite metadata DB under data/."""
    from support_curation.config import DAGS_DIR, PLUGINS_DIR, get_settings

    env = dict(os.environ)
    env.setdefault("AIRFLOW_HOME", str(get_settings().data_dir / "airflow"))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_DIR))
    env.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(PLUGINS_DIR))
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


def cmd_sweep_staging(args: argparse.Namespace) -> int:
    from support_curation.config import get_settings
    from support_curation.pipeline import sweep_staging

    settings = get_settings()
    if args.older_than_hours is not None:
        settings = settings.model_copy(update={"staging_orphan_hours": args.older_than_hours})
    swept = sweep_staging(settings)
    print(f"removed the staging of {len(swept)} orphaned runs")
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from support_curation.validation.scan import scan_jsonl

    summary = scan_jsonl(args.input, args.output)
    print(json.dumps(summary, indent=2))
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


# --- curate review ...: stewards' queue, decisions and their application ------------------------------


def _review_context() -> Any:
    from support_curation.config import get_settings
    from support_curation.review.apply import context_from_settings

    return context_from_settings(get_settings(), datetime.now(UTC))


def _review_row(item: dict[str, Any]) -> dict[str, Any]:
    """What a listing shows of an item: references and metadata, never text."""
    fields = ("item", "partition", "kind", "state", "source", "channel", "flags", "queued_at")
    return {name: item.get(name) for name in fields}


def cmd_review_list(args: argparse.Namespace) -> int:
    from support_curation.review.items import list_items

    ctx = _review_context()
    found = list_items(
        ctx.storage,
        ctx.dataset,
        partition=args.partition,
        kind=args.kind,
        states=None if args.all else ("pending",),
    )
    for item in found:
        row = _review_row(item)
        if args.json:
            print(json.dumps(row, sort_keys=True))
        else:
            print(
                f"{row['item']}  {row['partition']}  {row['kind']:16} {row['state']:9} "
                f"{row['source']}/{row['channel']}  {','.join(row['flags'] or [])}"
            )
    if not args.json:
        print(f"{len(found)} item(s)")
    return 0


def cmd_review_show(args: argparse.Namespace) -> int:
    from support_curation.review.items import find_item, message_offsets

    ctx = _review_context()
    item = find_item(ctx.storage, ctx.dataset, args.item)
    if item is None:
        print("no such review item", file=sys.stderr)
        return 2
    for key, value in _review_row(item).items():
        print(f"{key:10} {value}")
    record = item.get("record")
    if record is None:
        print("(resolved: the text is no longer kept here)")
        return 0
    print("\nredacted text (spans for `decide --missed` are offsets START:END into it):")
    for (start, end), message in zip(message_offsets(record), record.get("messages") or [], strict=True):
        print(f"[{start}:{end}] {message.get('role')}: {message.get('content')}")
    return 0


def cmd_review_decide(args: argparse.Namespace) -> int:
    import getpass

    from support_curation.review.decide import InvalidDecision, decide, parse_span
    from support_curation.review.names import Action

    ctx = _review_context()
    action = Action.APPROVE if args.approve else Action.EXCLUDE if args.exclude else Action.MISSED
    try:
        decision = decide(
            ctx.storage,
            ctx.store,
            ctx.policy,
            dataset=ctx.dataset,
            item=args.item,
            action=action,
            who=args.who or getpass.getuser(),
            reason=args.exclude,
            entity_type=args.missed,
            span=parse_span(args.span) if args.span else None,
        )
    except InvalidDecision as problem:
        print(f"not recorded: {problem}", file=sys.stderr)
        return 2
    print(json.dumps(decision.public(), sort_keys=True))
    return 0


def cmd_review_apply(args: argparse.Namespace) -> int:
    from support_curation.review.apply import apply_all

    for summary in apply_all(_review_context(), args.partition):
        print(json.dumps(summary, sort_keys=True))
    return 0


def cmd_review_report(args: argparse.Namespace) -> int:
    from support_curation.review.report import leak_report

    ctx = _review_context()
    print(json.dumps(leak_report(ctx.storage, ctx.dataset, args.since, args.until), indent=2))
    return 0


def _print_review_queue(settings: Any) -> None:
    """The demo's last lines: how many items wait for a steward, by kind."""
    from support_curation.config import DATASET
    from support_curation.layout import Area, area_prefix
    from support_curation.review.items import list_items

    waiting = list_items(settings.output_storage(), DATASET)
    by_kind: dict[str, int] = {}
    for item in waiting:
        by_kind[item["kind"]] = by_kind.get(item["kind"], 0) + 1
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items())) or "none"
    print(f"review queue:  {settings.resolved_output_root}/{area_prefix(Area.REVIEW, DATASET)}")
    print(f"  {len(waiting)} items wait for review ({kinds}): `curate review list`, then decide and apply")


def _add_review_commands(commands: Any) -> None:
    review = commands.add_parser("review", help="stewards' review queue: list, show, decide, apply, report")
    sub = review.add_subparsers(dest="review_command", required=True)

    listing = sub.add_parser("list", help="items waiting for a decision")
    listing.add_argument("--partition", help="dt=YYYY-MM-DD")
    listing.add_argument("--kind", help="review_required, audit_sample or residual_pii")
    listing.add_argument("--all", action="store_true", help="also items already decided")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=cmd_review_list)

    show = sub.add_parser("show", help="an item's metadata and redacted text")
    show.add_argument("item")
    show.set_defaults(handler=cmd_review_show)

    decide = sub.add_parser("decide", help="record a decision (applied by `curate review apply`)")
    decide.add_argument("item")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--approve", action="store_true", help="publish it (or confirm a sample clean)")
    choice.add_argument("--exclude", metavar="REASON", help="keep it out, for a reason from the policy")
    choice.add_argument("--missed", metavar="TYPE", help="personal data the redactor missed, of this type")
    decide.add_argument("--span", metavar="START:END", help="with --missed: offsets shown by `review show`")
    decide.add_argument("--who", help="the steward (default: the login name)")
    decide.set_defaults(handler=cmd_review_decide)

    apply = sub.add_parser("apply", help="apply recorded decisions to their partitions")
    apply.add_argument("--partition", help="dt=YYYY-MM-DD (default: every partition with decisions)")
    apply.set_defaults(handler=cmd_review_apply)

    report = sub.add_parser("report", help="leak estimate per partition and window; missed types")
    report.add_argument("--since", help="first partition of the window, dt=YYYY-MM-DD")
    report.add_argument("--until", help="last partition of the window, dt=YYYY-MM-DD")
    report.set_defaults(handler=cmd_review_report)


def _print_audit(settings: Any, days: list[date]) -> None:
    from support_curation.audit.publication import audit_lines
    from support_curation.config import DATASET
    from support_curation.layout import Area, area_prefix, partition_name

    output_root = settings.resolved_output_root
    print(f"cards:         {output_root}/{area_prefix(Area.TRAINING, DATASET)}dt=*/_datacard.md")
    print(
        f"audit:         {output_root}/{area_prefix(Area.AUDIT, DATASET)}dt=*/ (representation, risk, charts)"
    )
    print(f"aggregates:    {output_root}/{area_prefix(Area.AGGREGATES, DATASET)}")
    print("\ndataset audit (representation flags by likely cause, k-anonymity):")
    for line in audit_lines(settings.output_storage(), DATASET, [partition_name(d) for d in days]):
        print(f"  {line}")


def cmd_audit_pack(args: argparse.Namespace) -> int:
    from support_curation.audit.pack import PackError, write_pack
    from support_curation.config import DATASET, get_settings, load_policy

    settings = get_settings()
    try:
        summary = write_pack(
            settings.output_storage(),
            args.out,
            dataset=DATASET,
            start=args.date_from,
            end=args.date_to,
            policy=load_policy(settings.policy_path),
        )
    except PackError as error:
        print(f"audit-pack: {error}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
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

    scan = commands.add_parser(
        "scan", help="count residual PII per record of a redacted JSONL file (the validation gate)"
    )
    scan.add_argument("--input", required=True, type=Path, help="JSONL (or .jsonl.gz) as curate redact reads")
    scan.add_argument("--output", required=True, type=Path, help='one {"id", "residual": {...}} per line')
    scan.set_defaults(handler=cmd_scan)

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
    _add_review_commands(commands)

    pack = commands.add_parser(
        "audit-pack", help="bundle cards, manifests, validation and audit reports of a window, with checksums"
    )
    pack.add_argument("--from", dest="date_from", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    pack.add_argument("--to", dest="date_to", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    pack.add_argument("--out", required=True, type=Path, help="a new or empty folder")
    pack.set_defaults(handler=cmd_audit_pack)

    sweep = commands.add_parser(
        "sweep-staging", help="remove staging (raw text) left by runs killed before their cleanup"
    )
    sweep.add_argument(
        "--older-than-hours", type=float, default=None, help="default: CURATION_STAGING_ORPHAN_HOURS (24)"
    )
    sweep.set_defaults(handler=cmd_sweep_staging)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from support_curation import logscrub

    logscrub.install()  # the last line of defence: no record text on the console either
    args = build_parser().parse_args(argv)
    from support_curation.config import HmacKeyRefused

    try:
        return args.handler(args)
    except HmacKeyRefused as refused:  # a configuration error, not a crash: say what to set
        print(f"curate: {refused}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
