"""Demo helpdesk (SQLite) and chat exports for a local deployment, in the settings' ``CURATION_DATA_DIR``.

Run by ``devenv.deploy_stack`` (``python -m support_curation.devenv.demo_data``) in a child process whose
environment is the deployment's, so the project's settings (``support_curation.config``) resolve the same
paths the DAG's tasks will use. Writes ``demo_truth.json`` next to the data (the planted PII, for
evaluation; never published).
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from sqlalchemy import create_engine

from support_curation.config import get_settings
from support_curation.demo import generate_demo
from support_curation.storage import open_storage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", required=True, type=date.fromisoformat, help="first day (UTC)")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    truth = generate_demo(
        create_engine(settings.resolved_helpdesk_url),
        open_storage(settings.resolved_chat_root),
        start=args.start,
        days=args.days,
        seed=args.seed,
    )
    (settings.data_dir / "demo_truth.json").write_text(json.dumps(truth.to_json(), indent=1))
    print(f"demo data: {args.days} days from {args.start} in {settings.data_dir}")


if __name__ == "__main__":
    main()
