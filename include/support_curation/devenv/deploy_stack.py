"""A real local Airflow 3 deployment of this project: used by ``make up`` and the deployment test.

Starts, all on 127.0.0.1: a PostgreSQL metadata database (``devenv.local_postgres``, unless
``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` is set), optionally an S3 endpoint (moto server), then
``airflow db migrate`` and the api-server, scheduler (LocalExecutor), dag-processor and triggerer, each in
its own process group with its log under ``<state>/logs/``. Login is Airflow's simple auth manager with
real passwords: users ``admin`` (admin) and ``steward`` (viewer), passwords in ``<state>/passwords.json``.

With Celery workers (``celery_workers=``, ``up --celery``) the scheduler runs the CeleryExecutor instead:
Debian's ``redis-server`` on a free 127.0.0.1 port is the broker (password from the state folder), the
metadata database is the result backend, and each worker is an ``airflow celery worker`` with its own
``--celery-hostname`` and queues. The tasks a worker runs record ``<worker>@<host>`` as their hostname
(``[core] hostname_callable`` = ``devenv.worker_name.hostname``), so the UI and the API show which
worker ran which mapped task. Every deployment gets the ``redaction`` pool (the DAG's redact task needs
it: a scheduler never runs a task whose pool does not exist), sized to the cores that redact.

CLI (what ``scripts/airflow_up.sh`` runs): ``python -m support_curation.devenv.deploy_stack up [--port 8080]
[--s3] [--celery]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
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
from typing import TYPE_CHECKING, Any

from support_curation.config import DAGS_DIR, PLUGINS_DIR
from support_curation.devenv import local_postgres

if TYPE_CHECKING:
    from collections.abc import Sequence

# a development tool: it serves the checkout's dags/ and plugins/ (an editable install of this repo)
REPO_ROOT = Path(__file__).resolve().parents[3]
USERS = {"admin": "admin", "steward": "viewer"}  # simple auth manager: user -> role
DAG_ID = "curate_support_conversations"
S3_CONN_ID = "curation_s3"
S3_BUCKET = "curation"
REDACTION_POOL = "redaction"  # the DAG's redact task: pool and Celery queue
CELERY_CONFIG_OPTIONS = "support_curation.devenv.celery_config.CELERY_CONFIG"
DEFAULT_QUEUE = "default"  # [operators] default_queue: every other task
REDIS_SERVER = os.environ.get("CURATION_REDIS_SERVER", "/usr/bin/redis-server")


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Worker:
    """One ``airflow celery worker``: its Celery hostname (``name@%h``), queues and process count."""

    name: str
    queues: tuple[str, ...]
    concurrency: int

    def argv(self, airflow: str) -> list[str]:
        return [
            airflow,
            "celery",
            "worker",
            "--celery-hostname",
            f"{self.name}@%h",
            "--queues",
            ",".join(self.queues),
            "--concurrency",
            str(self.concurrency),
            # the log server binds every interface; on one machine the api-server reads the shared folder
            "--skip-serve-logs",
        ]


def make_up_workers(n_cores: int | None = None) -> tuple[Worker, ...]:
    """``make up CELERY=1``: spaCy-heavy redaction on its own worker, one process per core; the rest
    (extract, consent join, validate, publish: light or I/O-bound) on a small ``default`` worker, so they
    never queue behind a day's redaction chunks."""
    return (
        Worker("redaction", (REDACTION_POOL,), n_cores or cores()),
        Worker("default", (DEFAULT_QUEUE,), 2),
    )


def redaction_slots(workers: Sequence[Worker]) -> int:
    """The redaction pool's size: the processes that serve the redaction queue (cores without Celery)."""
    if not workers:
        return cores()
    return sum(w.concurrency for w in workers if REDACTION_POOL in w.queues)


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
    state_dir: Path, port: int, sql_conn: str, *, use_job_schedule: bool = True, parallelism: int = 3
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
        "AIRFLOW__CORE__PARALLELISM": str(parallelism),
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
        # The task supervisor notices its task process has exited only at its next wake-up when the
        # process closes its sockets before it exits, and it sleeps up to this interval (default 5 s):
        # measured, a third of the redact tasks held their worker 5.0 s past their end. 1 s bounds that,
        # at the cost of a heartbeat a second per running task.
        "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
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

    def spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.log(name).parent.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("ab") as out:
            # own process group: stop() ends the component with every child it forked (task runners)
            self.procs[name] = subprocess.Popen(
                argv,
                env=env or self.env,
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

    def stop_one(self, name: str, timeout: float = 30) -> None:
        """End one component and every process of its group (a worker's task processes included)."""
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

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


def start_redis(stack: Stack) -> str:
    """Debian's redis-server on a free 127.0.0.1 port, password-protected, nothing persisted (the broker
    only holds queued task messages; a restart re-queues from the metadata DB); returns the broker URL."""
    if not Path(REDIS_SERVER).exists():
        raise RuntimeError(f"{REDIS_SERVER} missing: run scripts/ci_setup.sh (apt-get install redis-server)")
    port = free_port()
    password = _secret(stack.state_dir, "redis-password")
    workdir = stack.state_dir / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    # the password goes in a config file, not argv: a command line is readable by every local user
    conf = workdir / "redis.conf"
    conf.write_text(
        f'bind 127.0.0.1\nport {port}\nrequirepass {password}\nsave ""\nappendonly no\n'
        f"dir {workdir}\ndaemonize no\nprotected-mode yes\n"
    )
    conf.chmod(0o600)
    stack.spawn("redis", [REDIS_SERVER, str(conf)])
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(f"AUTH {password}\r\nPING\r\n".encode())
            if b"+PONG" in _read_some(sock):
                return f"redis://:{password}@127.0.0.1:{port}/0"
        stack.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError(f"redis-server on port {port} did not answer PING")
        time.sleep(0.3)


def _read_some(sock: socket.socket, timeout: float = 2) -> bytes:
    sock.settimeout(timeout)
    data = b""
    with contextlib.suppress(OSError):
        while b"PONG" not in data and b"-ERR" not in data:
            chunk = sock.recv(256)
            if not chunk:
                break
            data += chunk
    return data


def celery_env(broker_url: str) -> dict[str, str]:
    """CeleryExecutor settings of every Airflow process (the result backend defaults to the metadata DB)."""
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        # a worker takes one message per free process: a long redaction chunk never sits prefetched behind
        # another on a busy worker while an idle worker waits
        "AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER": "1",
        "AIRFLOW__CELERY__TASK_ACKS_LATE": "True",
        # the provider's config, and a redaction worker loads the models once before its pool forks
        "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": CELERY_CONFIG_OPTIONS,
    }


def start_workers(stack: Stack, workers: Sequence[Worker], airflow: str, timeout: float = 240) -> None:
    """Spawn the Celery workers and wait until each says it is ready (connected to the broker)."""
    for worker in workers:
        env = {
            **stack.env,
            "CURATION_WORKER_NAME": worker.name,
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "support_curation.devenv.worker_name.hostname",
        }
        stack.spawn(f"worker-{worker.name}", worker.argv(airflow), env=env)
    deadline = time.monotonic() + timeout
    pending = {w.name for w in workers}
    while pending:
        stack.check_alive()
        for name in list(pending):
            log = stack.log(f"worker-{name}").read_text(errors="replace")
            if re.search(rf"\b{re.escape(name)}@\S+ ready\.", log):
                pending.discard(name)
        if time.monotonic() > deadline:
            raise TimeoutError(f"Celery workers not ready after {timeout}s: {sorted(pending)}")
        time.sleep(1)


def ensure_pool(stack: Stack, slots: int) -> None:
    """The ``redaction`` pool, through the REST API as an operator would (created or resized)."""
    token = stack.token("admin")
    body = {"name": REDACTION_POOL, "slots": slots, "description": "one slot per core that redacts"}
    status, answer = stack.request("PATCH", f"/api/v2/pools/{REDACTION_POOL}", body, token=token)
    if status == 404:
        status, answer = stack.request("POST", "/api/v2/pools", body, token=token)
    if status not in (200, 201):
        raise RuntimeError(f"creating pool {REDACTION_POOL} failed: {status} {answer}")


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
    celery_workers: Sequence[Worker] = (),
) -> Stack:
    """Start the whole deployment and wait until it is healthy; on any failure nothing is left running.

    ``inherit_env=False`` drops the caller's ``AIRFLOW__*`` and ``CURATION_*`` variables (tests: the
    deployment must not pick up the test session's own Airflow home or settings). ``celery_workers``:
    run on the CeleryExecutor with these workers (empty: the LocalExecutor).
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
    # Celery: room for every worker process at once; LocalExecutor: a handful on two cores
    parallelism = max(3, sum(w.concurrency for w in celery_workers))
    env = {
        **base,
        **airflow_env(state_dir, port, sql_conn, use_job_schedule=use_job_schedule, parallelism=parallelism),
    }
    env["CURATION_DATA_DIR"] = str((data_dir or state_dir / "curation").resolve())
    env.update(extra_env or {})
    stack = Stack(state_dir, port, env, postgres=postgres)
    try:
        if s3:
            env.update(s3_env(start_moto(stack)))
        if celery_workers:
            env.update(celery_env(start_redis(stack)))
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
        ensure_pool(stack, redaction_slots(celery_workers))
        if celery_workers:
            start_workers(stack, celery_workers, airflow)
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
    workers = make_up_workers() if args.celery else ()
    extras = ("S3 (moto), " if args.s3 else "") + ("Redis, " if workers else "")
    print(f"up: starting PostgreSQL, {extras}Airflow on 127.0.0.1:{args.port} ...")
    stack = start(
        state_dir,
        port=args.port,
        data_dir=data_dir,
        s3=args.s3,
        demo_start=demo_start,
        celery_workers=workers,
    )
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
  executor:  {executor_line(workers)}
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


def executor_line(workers: Sequence[Worker]) -> str:
    if not workers:
        return f"LocalExecutor; pool {REDACTION_POOL}: {redaction_slots(workers)} slots"
    described = ", ".join(
        f"{w.name} (queues {','.join(w.queues)}, {w.concurrency} processes)" for w in workers
    )
    slots = redaction_slots(workers)
    return f"CeleryExecutor, Redis broker; workers {described}; pool {REDACTION_POOL}: {slots} slots"


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
    up.add_argument(
        "--celery",
        action="store_true",
        default=os.environ.get("AIRFLOW_UP_CELERY") == "1",
        help="CeleryExecutor: Redis broker, a redaction worker (one process per core) and a default worker",
    )
    up.set_defaults(handler=cmd_up)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
