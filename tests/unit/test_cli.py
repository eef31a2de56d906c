"""``curate`` subcommands, called through ``main([...])`` with settings pointed at temporary folders."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from faker import Faker
from sqlalchemy import create_engine

from support_curation import cli
from support_curation.config import DATASET, get_settings, load_policy
from support_curation.demo import generate_demo
from support_curation.layout import partition_name
from support_curation.publish import read_manifest
from support_curation.storage import open_storage

if TYPE_CHECKING:
    from collections.abc import Iterator

DAY = date(2024, 5, 6)
HMAC_KEY = "cli-test-key-not-secret-0123456789abcdef"  # 32+ bytes: the settings refuse less


@pytest.fixture(autouse=True)
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings are read from the environment (and cached): a key for every test, a fresh read each."""
    monkeypatch.setenv("CURATION_HMAC_KEY", HMAC_KEY)
    get_settings.cache_clear()
    load_policy.cache_clear()
    yield
    get_settings.cache_clear()
    load_policy.cache_clear()


def test_redact_writes_redacted_lines_and_an_error_entry_per_bad_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = Faker()
    fake.seed_instance(5)
    email = fake.email()
    phone = "+1 415 555 0134"
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "s1", "text": f"mail me at {email} or call {phone}"})
        + "\n{not json\n"
        + json.dumps({"id": "s3", "turns": [{"speaker": "Agent", "text": "How can I help?"}]})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    assert cli.main(["redact", "--input", str(source), "--output", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["records"] == 2 and summary["errors"] == 1
    assert summary["entities"].get("EMAIL", 0) >= 1
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["s1", "line 2", "s3"]
    assert email not in lines[0]["text"] and "555 0134" not in lines[0]["text"]
    assert lines[1] == {"id": "line 2", "error": "JSONDecodeError"}
    assert lines[2]["turns"] == [{"speaker": "Agent", "text": "How can I help?"}]


def test_redact_with_an_explicit_policy_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "my email is jo.smith@example.org"}) + "\n")
    policy = load_policy().redaction_policy_path
    out = tmp_path / "out.jsonl"
    assert cli.main(["redact", "--input", str(source), "--output", str(out), "--policy", str(policy)]) == 0
    assert "jo.smith@example.org" not in out.read_text()
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(FileNotFoundError):
        cli.main(["redact", "--input", str(source), "--output", str(out), "--policy", str(missing)])


@pytest.mark.parametrize(
    "argv", [[], ["run"], ["redact", "--input", "x.jsonl"], ["locate"], ["erase"], ["nonsense"]]
)
def test_parser_refuses_incomplete_commands(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2


def test_airflow_env_points_at_this_projects_dags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_HOME", raising=False)
    monkeypatch.delenv("AIRFLOW__CORE__DAGS_FOLDER", raising=False)
    monkeypatch.setenv("CURATION_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        env = cli.airflow_env()
    finally:
        get_settings.cache_clear()
    assert env["AIRFLOW_HOME"] == str(tmp_path / "airflow")
    assert (Path(env["AIRFLOW__CORE__DAGS_FOLDER"]) / "curate_support_conversations.py").is_file()
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A demo helpdesk for one day, run through ``curate run``; settings from the environment."""
    data_dir = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CURATION_DATA_DIR", str(data_dir))
        mp.setenv("CURATION_HMAC_KEY", HMAC_KEY)
        mp.setenv("CURATION_CHUNK_SIZE", "5")
        get_settings.cache_clear()
        settings = get_settings()
        truth = generate_demo(
            create_engine(settings.resolved_helpdesk_url),
            open_storage(settings.resolved_chat_root),
            start=DAY,
            days=1,
            seed=3,
            # enough consented conversations that k-anonymity (k_min 5) leaves some published
            customers=20,
            tickets_per_day=12,
            chats_per_day=12,
        )
        yield {"settings": settings, "truth": truth}
        get_settings.cache_clear()


def test_run_publishes_the_day(published: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--date", DAY.isoformat()]) == 0
    result = json.loads(capsys.readouterr().out)
    output = get_settings().output_storage()
    manifest = read_manifest(output, DATASET, partition_name(DAY))
    assert manifest is not None
    assert result["counts"] == manifest["counts"]
    assert result["counts"]["published"] > 0
    # staging (raw text) is gone after the run
    staging = get_settings().open_storage(get_settings().resolved_staging_root)
    assert staging.list("") == []


def test_locate_then_erase_removes_the_customer_everywhere(
    published: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    truth = published["truth"]
    output = get_settings().output_storage()
    if read_manifest(output, DATASET, partition_name(DAY)) is None:
        assert cli.main(["run", "--date", DAY.isoformat()]) == 0
    capsys.readouterr()
    located = {}
    for customer_id, state in truth.consent.items():  # type: ignore[attr-defined]
        assert cli.main(["locate", "--customer-id", customer_id]) == 0
        located[customer_id] = capsys.readouterr().out
        if state == "never_asked":
            assert located[customer_id].startswith("no published partition"), state
    holders = [c for c, out in located.items() if out.startswith(f"customer {c}:")]
    assert holders, "some consented customer must have published conversations"
    customer_id = holders[0]
    assert partition_name(DAY) in located[customer_id]

    before = read_manifest(output, DATASET, partition_name(DAY))
    assert cli.main(["erase", "--customer-id", customer_id]) == 0
    erased = capsys.readouterr().out
    assert "records removed: 0" not in erased
    after = read_manifest(output, DATASET, partition_name(DAY))
    assert before is not None and after is not None
    assert after["records"] < before["records"]

    assert cli.main(["locate", "--customer-id", customer_id]) == 0
    assert capsys.readouterr().out.startswith("no published partition")
