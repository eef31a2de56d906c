"""A real local Airflow 3 deployment of this project: used by ``make up`` and the deployment test.

Starts, all on 127.0.0.1: a PostgreSQL metadata database (``devenv.local_postgres``, unless
``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` is set), optionally an S3 endpoint (moto server), then
``airflow db migrate`` and the api-server, scheduler (LocalExecutor), dag-processor and triggerer, each in
its own process group with its log under ``<state>/logs/``. Login is Airflow's simple auth manager with
real passwords: users ``admin`` (admin) and ``steward`` (viewer), passwords in ``<state>/passwords.json``.

CLI (what ``scripts/airflow_up.sh`` runs): ``python -m support_curation.devenv.deploy_stack up [--port 8080]
[--s3]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from support_curation.config import DAGS_DIR, PLUGINS_DIR
from support_curation.devenv import local_postgres

# a development tool: it serves the checkout's dags/ and plugins/ (an editable install of this repo)
REPO_ROOT = Path(__file__).resolve().parents[3]
USERS = {"admin": "admin", "steward": "viewer"}  # simple auth manager: user -> role
DAG_ID = "curate_support_conversations"
S3_CONN_ID = "curation_s3"
S3_BUCKET = "curation"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_passwords(path: Path) -> dict[str, str]:
    """A passwords file for the simple auth manager, created once with random passwords (never logged)."""
    passwords = json.loads(path.read_text()) if path.exists() else {}
    missing = [user for user in USERS if user not in passwords]
    if missing:
        passwords.update({user: secrets.token_urlsafe(12) for user in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(passwords) + "\n")
        path.chmod(0o600)
    return passwords


def _secret(state_dir: Path, name: str) -> str:
    """A per-deployment secret kept in the state folder, so restarts keep sessions valid."""
    path = state_dir / f".{name}"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def airflow_env(
    state_dir: Path, port: int, sql_conn: str, *, use_job_schedule: bool = True
) -> dict[str, str]:
    """Configuration of every Airflow process of the deployment (environment only: no airflow.cfg edits)."""
    home = state_dir / "airflow-home"
    home.mkdir(parents=True, exist_ok=True)
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        # two cores: a handful of task processes at once (each may load the redaction models)
        "AIRFLOW__CORE__PARALLELISM": "3",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sql_conn,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API__SECRET_KEY": _secret(state_dir, "api-secret-key"),
        "AIRFLOW__API_AUTH__JWT_SECRET": _secret(state_dir, "jwt-secret"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{u}:{r}" for u, r in USERS.items()),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(state_dir / "passwords.json"),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(use_job_schedule),
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        # task logs readable by this user and its group (operators) only; Airflow's defaults, 0o664 and
        # 0o775, make every task log world-readable
        "AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FILE_PERMISSIONS": "0o640",
        "AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FOLDER_PERMISSIONS": "0o750",
        # `make up` is a demo deployment: the built-in demo HMAC key is accepted (refused everywhere else)
        "CURATION_DEMO": "1",
        "GX_ANALYTICS_ENABLED": "false",
        "NO_PROXY": "127.0.0.1,localhost",
    }


@dataclass
class Stack:
    """A running deployment; ``stop()`` ends every process it started and the database it created."""

    state_dir: Path
    port: int
    env: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    postgres: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def passwords(self) -> dict[str, str]:
        return json.loads((self.state_dir / "passwords.json").read_text())

    def log(self, name: str) -> Path:
        return self.state_dir / "logs" / f"{name}.log"

    def spawn(self, name: str, argv: list[str]) -> None:
        self.log(name).parent.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("ab") as out:
            # own process group: stop() ends the component with every child it forked (task runners)
            self.procs[name] = subprocess.Popen(
                argv,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
                start_new_session=True,
            )

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = self.log(name).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}; log tail:\n{tail}")

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # children may outlive their leader: end the rest of the group too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None

    # --- REST API helpers (what the UI calls) ------------------------------------------------------------

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 30
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as err:
            raw, status = err.read(), err.code
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def token(self, user: str = "admin") -> str:
        status, body = self.request(
            "POST", "/auth/token", {"username": user, "password": self.passwords[user]}
        )
        if status not in (200, 201):
            raise RuntimeError(f"login as {user} failed: {status} {body}")
        return str(body["access_token"])

    def wait_healthy(self, timeout: float = 240) -> None:
        """Until the api-server answers and the scheduler and dag-processor report a heartbeat."""
        deadline = time.monotonic() + timeout
        body: Any = None
        while time.monotonic() < deadline:
            self.check_alive()
            with contextlib.suppress(OSError):
                status, body = self.request("GET", "/api/v2/monitor/health", timeout=5)
                components = (
                    "metadatabase",
                    "scheduler",
                    *(("dag_processor",) if "dag-processor" in self.procs else ()),
                )
                if status == 200 and all((body.get(c) or {}).get("status") == "healthy" for c in components):
                    return
            time.sleep(2)
        raise TimeoutError(f"Airflow not healthy after {timeout}s: {body}")

    def wait_dag(self, token: str, dag_id: str = DAG_ID, timeout: float = 240) -> dict[str, Any]:
        """Until the dag-processor has parsed and serialized the DAG (the API knows it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            status, body = self.request("GET", f"/api/v2/dags/{dag_id}", token=token)
            if status == 200:
                return dict(body)
            time.sleep(2)
        errors = self.request("GET", "/api/v2/importErrors", token=token)[1]
        raise TimeoutError(f"DAG {dag_id} not parsed after {timeout}s; import errors: {errors}")


def start_moto(stack: Stack) -> str:
    """An S3 endpoint (moto server) on 127.0.0.1 with bucket ``curation``; returns its URL."""
    port = free_port()
    stack.spawn("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)])
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=2).close()
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            stack.check_alive()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    import boto3

    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        region_name="us-east-1",
    ).create_bucket(Bucket=S3_BUCKET)
    return endpoint


def s3_env(endpoint: str) -> dict[str, str]:
    """Pipeline output on the S3 endpoint, through an Airflow connection (the deployment's way)."""
    conn = {
        "conn_type": "aws",
        "login": "local",
        "password": "local",
        "extra": {"endpoint_url": endpoint, "region_name": "us-east-1"},
    }
    return {
        f"AIRFLOW_CONN_{S3_CONN_ID.upper()}": json.dumps(conn),
        "CURATION_AWS_CONN_ID": S3_CONN_ID,
        "CURATION_OUTPUT_ROOT": f"s3://{S3_BUCKET}/lake",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def generate_demo(env: dict[str, str], start: str, days: int) -> None:
    """Demo helpdesk + chat exports into the deployment's CURATION_DATA_DIR (child process: its settings)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "support_curation.devenv.demo_data",
            "--start",
            start,
            "--days",
            str(days),
        ],
        env=env,
        check=True,
        cwd=REPO_ROOT,
    )


def start(
    state_dir: Path,
    *,
    port: int | None = None,
    data_dir: Path | None = None,
    s3: bool = False,
    triggerer: bool = True,
    use_job_schedule: bool = True,
    demo_start: str | None = None,
    demo_days: int = 3,
    extra_env: dict[str, str] | None = None,
    inherit_env: bool = True,
) -> Stack:
    """Start the whole deployment and wait until it is healthy; on any failure nothing is left running.

    ``inherit_env=False`` drops the caller's ``AIRFLOW__*`` and ``CURATION_*`` variables (tests: the
    deployment must not pick up the test session's own Airflow home or settings).
    """
    state_dir = state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    ensure_passwords(state_dir / "passwords.json")
    postgres = None
    sql_conn = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "") if inherit_env else ""
    if not sql_conn or sql_conn.startswith("sqlite"):
        postgres = local_postgres.start("airflow")
        sql_conn = postgres.url
    base = {
        k: v for k, v in os.environ.items() if inherit_env or not k.startswith(("AIRFLOW__", "CURATION_"))
    }
    env = {**base, **airflow_env(state_dir, port, sql_conn, use_job_schedule=use_job_schedule)}
    env["CURATION_DATA_DIR"] = str((data_dir or state_dir / "curation").resolve())
    env.update(extra_env or {})
    stack = Stack(state_dir, port, env, postgres=postgres)
    try:
        if s3:
            env.update(s3_env(start_moto(stack)))
        if demo_start:
            generate_demo(env, demo_start, demo_days)
        airflow = str(Path(sys.executable).with_name("airflow"))
        migrate = subprocess.run(
            [airflow, "db", "migrate"], env=env, capture_output=True, text=True, check=False
        )
        if migrate.returncode:
            raise RuntimeError(f"airflow db migrate failed:\n{migrate.stderr[-3000:]}")
        stack.spawn("api-server", [airflow, "api-server", "-H", "127.0.0.1", "-p", str(port), "-w", "1"])
        # --skip-serve-logs: the log servers bind every interface; on one machine the api-server reads
        # task logs from the shared log folder, so they are not needed
        stack.spawn("scheduler", [airflow, "scheduler", "--skip-serve-logs"])
        stack.spawn("dag-processor", [airflow, "dag-processor"])
        if triggerer:
            stack.spawn("triggerer", [airflow, "triggerer", "--skip-serve-logs"])
        stack.wait_healthy()
    except BaseException:
        stack.stop()
        raise
    return stack


def cmd_up(args: argparse.Namespace) -> int:
    state_dir = Path(args.state_dir)
    data_dir = Path(os.environ.get("CURATION_DATA_DIR", state_dir / "curation"))
    demo_start = None
    if not (data_dir / "helpdesk.db").exists() and not os.environ.get("CURATION_HELPDESK_URL"):
        # the last three complete days, so a backfill from the UI has something to curate
        demo_start = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()
    print(f"up: starting PostgreSQL, {'S3 (moto), ' if args.s3 else ''}Airflow on 127.0.0.1:{args.port} ...")
    stack = start(state_dir, port=args.port, data_dir=data_dir, s3=args.s3, demo_start=demo_start)
    output = stack.env.get("CURATION_OUTPUT_ROOT", str(data_dir / "lake"))
    passwords = stack.passwords
    print(
        f"""
Airflow is up: {stack.url}
  log in:    admin / {passwords["admin"]}     (operator: trigger, backfill)
             steward / {passwords["steward"]}   (viewer: read runs and the Training data page)
             passwords live in {state_dir / "passwords.json"}
  DAG:       {stack.url}/dags/{DAG_ID}  (paused at first start: unpause it, then Trigger -> Backfill)
  stewards:  {stack.url}/plugin/training-data   (published partitions, quarantine, validation reports)
  data:      demo helpdesk in {data_dir}, output in {output}
  logs:      {state_dir / "logs"}/<component>.log
Ctrl-C stops every process (the PostgreSQL metadata database is throwaway; data and logs stay).
"""
    )
    try:
        while True:
            stack.check_alive()
            time.sleep(5)
    except KeyboardInterrupt:
        print("\nup: stopping ...")
    finally:
        stack.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start everything and wait for Ctrl-C")
    up.add_argument("--port", type=int, default=int(os.environ.get("AIRFLOW_UP_PORT", "8080")))
    up.add_argument("--state-dir", default=str(REPO_ROOT / "data" / "airflow-up"))
    up.add_argument(
        "--s3",
        action="store_true",
        default=os.environ.get("AIRFLOW_UP_S3") == "1",
        help="pipeline output on a local S3 endpoint (moto server) instead of a folder",
    )
    up.set_defaults(handler=cmd_up)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
