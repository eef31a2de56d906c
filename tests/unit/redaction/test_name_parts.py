"""A first name and the full name it belongs to share one placeholder, whichever comes first."""

from __future__ import annotations

import pytest

from support_curation.redaction import get_redactor


@pytest.mark.parametrize(
    "turns",
    [
        ["Hi, it's Odalys here.", "Dear Odalys, thanks for writing.", "Kind regards, Odalys Quenneville"],
        ["Kind regards, Odalys Quenneville", "Dear Odalys, thanks for writing.", "Thanks, Odalys"],
    ],
)
def test_first_name_shares_the_full_names_placeholder(turns: list[str]) -> None:
    roles = ["customer", "agent", "customer"]
    result = get_redactor().redact_conversation(
        [{"role": r, "content": t} for r, t in zip(roles, turns, strict=True)]
    )
    text = " ".join(m["content"] for m in result.messages)
    assert "Odalys" not in text and "Quenneville" not in text
    assert "<PERSON_1>" in text and "<PERSON_2>" not in text
