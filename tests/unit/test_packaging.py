"""What a non-editable install needs: declared dependencies, package data, runtime apart from dev tools."""

from __future__ import annotations

import ast
import fnmatch
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from support_curation.config import PROJECT_ROOT, Settings
from support_curation.policies import policy_file

PACKAGE = PROJECT_ROOT / "include" / "support_curation"
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
DEV_TOOLS = {"pytest", "ruff", "mypy", "moto", "playwright", "hypothesis"}
# imported through another declared distribution (airflow.* is apache-airflow and its providers)
PROVIDED = {"airflow"}


def _names(requirements_file: Path) -> set[str]:
    names = set()
    for line in requirements_file.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonicalize_name(Requirement(line).name))
    return names


def _declared() -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}


def _third_party_imports() -> set[str]:
    """Top-level modules the package imports (at module level or inside functions), stdlib excluded."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {
        m for m in found if m not in sys.stdlib_module_names and m not in {"support_curation", "__future__"}
    }


def test_every_third_party_import_is_a_declared_dependency() -> None:
    declared = _declared()
    distributions = packages_distributions()
    undeclared = {}
    for module in sorted(_third_party_imports() - PROVIDED):
        dists = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not dists & declared:
            undeclared[module] = sorted(dists)
    assert not undeclared, f"imported but not in [project].dependencies: {undeclared}"


def test_runtime_requirements_pin_every_declared_dependency_and_no_dev_tool() -> None:
    runtime = _names(PROJECT_ROOT / "requirements.txt")
    declared = _declared()
    assert declared <= runtime, f"declared but not pinned: {sorted(declared - runtime)}"
    assert not runtime & DEV_TOOLS, f"dev tools in the runtime requirements: {sorted(runtime & DEV_TOOLS)}"
    dev = _names(PROJECT_ROOT / "requirements-dev.txt")
    assert {"pytest", "ruff", "mypy"} <= dev
    assert "-r requirements.txt" in (PROJECT_ROOT / "requirements-dev.txt").read_text()
    assert not re.search(r"pip install[^\n]*requirements-dev", (PROJECT_ROOT / "Dockerfile").read_text())


def test_every_data_file_of_the_package_is_package_data() -> None:
    """Every non-Python file under the package matches a package-data pattern (else a wheel lacks it)."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["*"]
    tracked = subprocess.run(
        ["git", "ls-files", "--", str(PACKAGE)], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data = [Path(f).name for f in tracked if not f.endswith(".py")]
    assert "pipeline_v1.yaml" in data
    missing = [name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert not missing, f"not shipped in a wheel: {missing}"


def test_policies_resolve_inside_the_package_and_the_setting_overrides(tmp_path: Path) -> None:
    assert policy_file("pipeline_v1.yaml").parent == PACKAGE / "policies"
    assert Settings(demo=True).policy_path == policy_file("pipeline_v1.yaml")
    custom = tmp_path / "pipeline_custom.yaml"
    custom.write_text(policy_file("pipeline_v1.yaml").read_text())
    assert Settings(demo=True, policy_path=custom).policy_path == custom
