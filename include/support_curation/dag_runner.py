"""Run the main DAG for given days with ``dag.test()`` (real Airflow runtime, no scheduler needed).

Started by ``curate demo`` in a child process whose environment points Airflow at the local home.
Prints one ``RESULT {json}`` line per day: the run's state and the partition's counts (no values).
"""

from __future__ import annotations

import argparse
import json
import logging
from datetime import UTC, date, datetime, timedelta

DAG_ID = "curate_support_conversations"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("days", nargs="+", type=date.fromisoformat)
    parser.add_argument("--chunk-size", type=int, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    from airflow.dag_processing.dagbag import DagBag

    from support_curation.config import DATASET, get_settings
    from support_curation.layout import partition_name
    from support_curation.publish import read_manifest

    bag = DagBag()
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {sorted(bag.import_errors)}")
    dag = bag.dags[DAG_ID]
    settings = get_settings()
    output = settings.output_storage()
    for day in args.days:
        # a manual run covers the last complete interval before its logical date (as "Trigger" in the UI)
        logical_date = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        run = dag.test(logical_date=logical_date, run_conf={"chunk_size": args.chunk_size})
        manifest = read_manifest(output, DATASET, partition_name(day))
        counts = manifest["counts"] if manifest and run.state == "success" else {}
        print("RESULT " + json.dumps({"day": day.isoformat(), "state": str(run.state), "counts": counts}))


if __name__ == "__main__":
    main()
