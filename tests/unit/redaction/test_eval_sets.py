"""The seeded eval sets (bench/eval_sets): labels point at their values, and a split is reproducible."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SETS = Path(__file__).resolve().parents[3] / "bench" / "eval_sets"


def _load(name: str):  # noqa: ANN202
    sys.path.insert(0, str(SETS))
    try:
        spec = importlib.util.spec_from_file_location(f"eval_sets_{name}", SETS / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SETS))


def _records(kind: str, split: str) -> list[dict]:
    build = _load("build")
    if kind == "social":
        social = _load("social")
        return build.generate("social", split, 8, social.make_social) + build.generate(
            "forum", split, 8, social.make_forum
        )
    if kind == "world":
        world = _load("world")
        return build.generate("world", split, 12, world.make_world) + build.generate(
            "email", split, 6, world.make_email
        )
    languages = _load("languages")
    return [
        r
        for lang in languages.T
        for r in build.generate(f"lang_{lang}", split, 6, languages.make_dialogue(lang))
    ]


@pytest.mark.parametrize("kind", ["languages", "social", "world"])
def test_every_label_spans_its_value_and_the_split_is_seeded(kind: str) -> None:
    records = _records(kind, "dev")
    assert records == _records(kind, "dev")  # same seed, same set
    assert [r["text"] for r in records] != [r["text"] for r in _records(kind, "test")]
    for record in records:
        for entry in record["pii"] + record["quasi"]:
            start, end = entry["span"]
            assert record["text"][start:end] == entry["value"]
        assert record["text"] == "\n".join(f"{t['speaker']}: {t['text']}" for t in record["turns"])
        assert record["pii"]


def test_dev_holds_templates_back_from_test() -> None:
    build = _load("build")
    templates = [f"t{i}" for i in range(9)]
    assert set(build.pool(templates, "test")) - set(build.pool(templates, "dev")) == {"t2", "t5", "t8"}


def test_a_set_does_not_depend_on_the_hash_seed() -> None:
    """Set order follows PYTHONHASHSEED (Faker's it_IT city list is built from a set): two processes
    with different seeds must write the same records, or eval figures would move between runs."""
    import json
    import os
    import subprocess

    code = (
        f"import sys, json; sys.path.insert(0, {str(SETS)!r}); import build, languages; "
        "print(json.dumps([r['text'] for lang in languages.T "
        "for r in build.generate(f'lang_{lang}', 'dev', 6, languages.make_dialogue(lang))]))"
    )
    outputs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", code],
                env=os.environ | {"PYTHONHASHSEED": seed},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1]
