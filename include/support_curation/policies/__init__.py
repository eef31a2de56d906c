"""The versioned pipeline and redaction policies (YAML), shipped inside the package.

They are package data, found through ``importlib.resources``, so a wheel install has them too; a
deployment can still point ``CURATION_POLICY_PATH`` at its own file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def policy_file(name: str) -> Path:
    """The path of a policy file shipped with the package (e.g. ``"redaction_v1.yaml"``)."""
    resource = resources.files(__name__) / name
    # pip installs packages as plain folders, so the resource is a real file callers can open by path
    # (a zipimport would give no path: refuse it rather than hand out a path that does not exist)
    if not isinstance(resource, Path):
        raise RuntimeError(f"policy {name} is not on the filesystem ({type(resource).__name__})")
    if not resource.is_file():
        raise FileNotFoundError(f"no shipped policy named {name}")
    return resource
