"""Synthetic demo data: a helpdesk database and chat exports full of realistic (fake) PII, plus the truth."""

from __future__ import annotations

from support_curation.demo.generator import DemoTruth, generate_demo

__all__ = ["DemoTruth", "generate_demo"]
