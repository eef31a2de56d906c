"""The brand's own social accounts are kept, people's handles are not (policy ``brand`` settings)."""

from __future__ import annotations

import pytest

from support_curation.redaction.engine import make_recognizer
from support_curation.redaction.policy import BrandSettings, RedactionPolicy, load_redaction_policy
from support_curation.redaction.recognizers.social_handle import SocialHandleRecognizer


def handles(recognizer: SocialHandleRecognizer, text: str) -> list[str]:
    return [text[r.start : r.end] for r in recognizer.analyze(text, ["USERNAME"]) if r.score >= 0.45]


@pytest.mark.parametrize("brand", ["AcmeCare", "Uber_Support", "sprintcare", "XboxSupport", "hulu_support"])
def test_care_accounts_are_kept(brand: str) -> None:
    recognizer = make_recognizer(SocialHandleRecognizer, load_redaction_policy())
    assert handles(recognizer, f"@{brand} my parcel is late, cc @jane_doe") == ["jane_doe"]


@pytest.mark.parametrize("person", ["JaneHelps", "team_marta", "support", "kevin_b99", "DeltaAssist"])
def test_people_and_bare_care_words_stay_redacted(person: str) -> None:
    recognizer = make_recognizer(SocialHandleRecognizer, load_redaction_policy())
    assert handles(recognizer, f"thanks @{person}!") == [person]


def test_the_policy_decides() -> None:
    listed = RedactionPolicy(version="t", brand=BrandSettings(handles=["Globex"]))
    assert handles(make_recognizer(SocialHandleRecognizer, listed), "@Globex hi @AcmeCare") == ["AcmeCare"]
    # no social settings: every handle is a person's
    assert handles(SocialHandleRecognizer(), "@AcmeCare hi") == ["AcmeCare"]


def test_the_brands_names_are_not_a_persons() -> None:
    from support_curation.redaction.recognizers.person_name import PersonNameRecognizer

    text = "Dear Acme Support,\n\nmy order is late. Kind regards, Billy"
    recognizer = make_recognizer(PersonNameRecognizer, load_redaction_policy())
    found = [text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"], None)]
    assert "Acme" not in " ".join(found)
    assert "Acme" in [text[r.start : r.end] for r in PersonNameRecognizer().analyze(text, ["PERSON"], None)]


def test_other_languages_keep_the_brand_too(redactor) -> None:
    # French text goes through the French recognizers: they read the same brand settings
    texts = [
        "@AcmeCare bonjour, ma commande n'est pas arrivée. Merci, @marie_dupont",
        "Je vous ai envoyé un message privé avec le numéro de suivi, merci beaucoup.",
    ]
    messages = [{"role": "customer", "content": text} for text in texts]
    result = redactor.redact_conversation(messages)
    assert result.language == "fr"
    text = " ".join(m["content"] for m in result.messages)
    assert "@AcmeCare" in text
    assert "marie_dupont" not in text
