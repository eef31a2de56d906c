"""Gate quality (``make gate-eval``): recall on planted leaks and false alarms on clean redacted records.

The residual-PII gate (``support_curation.validation.gate``) is measured from outside, the way a leak
reaches it:

1. **Hosts.** Conversations are redacted by ``curate redact`` (the dev corpora under
   ``../shared/eval``, skipped when absent), by the pipeline's own extract -> consent -> redact stages
   (the demo data), and a seeded synthetic set of already-redacted support chats (placeholders,
   prices, dates, order numbers, companies, cities: everything a clean record keeps). A host is
   *clean* when none of its labelled values is left (``score.py``'s matching for the corpora, the
   demo truth for the demo data).
2. **False alarms**: the share of clean hosts the gate flags, per detector and for any detector.
3. **Recall**: seeded Faker values of each kind (several locales) are planted into clean hosts, as a
   new turn or inside an existing one, plain and in disguise (zero-width and soft-hyphen characters,
   Cyrillic lookalikes, full-width digits, spelled "at"/"dot"); a plant is caught when its detector's
   count rises above the host's own.

Targets (issue #14): recall >= 90 % per detector, false alarms <= 0.5 % per set. Redacted corpora are
cached under ``data/gate_eval/`` (keyed by the corpus and policy bytes). Figures only; never values.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from faker import Faker

from support_curation.config import PROJECT_ROOT
from support_curation.validation.gate import GATE_DETECTORS, scan_records

# The bench reads corpora and demo data only: the demo's record-id key is the right one here.
os.environ.setdefault("CURATION_DEMO", "1")
EVAL_DIR = Path(os.environ.get("CURATION_EVAL_DIR", PROJECT_ROOT.parent / "shared" / "eval"))
CORPORA = ("multidogo_dev", "presidio_synth", "abcd")
CACHE_DIR = PROJECT_ROOT / "data" / "gate_eval"
DEMO_DAYS = 3
RECALL_TARGET = 0.90
FALSE_ALARM_TARGET = 0.005
DISGUISES = ("zero_width", "soft_hyphen", "homoglyph", "full_width", "spelled")
# Locales values are drawn from: the English-speaking ones the helpdesk mostly serves, and European
# ones so the figures are not only about the name list the gate ships.
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES", "en_IE")


@dataclass
class Host:
    set_name: str
    turns: list[str]
    clean: bool
    counts: dict[str, int] = field(default_factory=dict)


# --- hosts ----------------------------------------------------------------------------------------


def _score_module() -> Any:
    spec = importlib.util.spec_from_file_location("eval_score", EVAL_DIR / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _redaction_policy_bytes() -> bytes:
    from support_curation.config import get_settings, load_policy

    policy = load_policy(get_settings().policy_path)
    return policy.redaction_policy_path.read_bytes()


def _redacted_corpus(name: str, limit: int | None) -> Path:
    source = EVAL_DIR / f"{name}.jsonl"
    digest = hashlib.sha256(source.read_bytes() + _redaction_policy_bytes()).hexdigest()[:16]
    out = CACHE_DIR / f"{name}-{digest}.redacted.jsonl"
    if not out.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        curate = Path(sys.executable).with_name("curate")
        tmp = out.with_suffix(".tmp")
        subprocess.run(
            [str(curate), "redact", "--input", str(source), "--output", str(tmp)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        tmp.rename(out)
    return out


def corpus_hosts(name: str, limit: int | None, rng: random.Random) -> list[Host]:
    score = _score_module()
    gold = score.load(str(EVAL_DIR / f"{name}.jsonl"))
    redacted = score.load(str(_redacted_corpus(name, limit)))
    ids = [i for i in gold if i in redacted and "error" not in redacted[i]]
    if limit and len(ids) > limit:
        ids = sorted(rng.sample(ids, limit), key=list(gold).index)
    hosts = []
    for record_id in ids:
        record = redacted[record_id]
        turns = [t["text"] for t in record["turns"]] if "turns" in record else [record["text"]]
        text = record.get("text") or "\n".join(turns)
        result = score.score_record(gold[record_id], text)
        clean = not result["any_leak"] and result["name_tok"][1] == 0
        hosts.append(Host(name, turns, clean))
    return hosts


def demo_hosts(limit: int | None) -> list[Host]:
    """The demo data as the pipeline redacts it (extract, consent, redact), clean = no truth value left."""
    from sqlalchemy import create_engine

    from support_curation import pipeline
    from support_curation.config import Settings
    from support_curation.demo import generate_demo
    from support_curation.records import read_jsonl_gz

    day = date(2024, 3, 4)
    with tempfile.TemporaryDirectory(prefix="gate-eval-demo-") as tmp:
        settings = Settings(data_dir=Path(tmp), chunk_size=100, demo=True)
        truth = generate_demo(
            create_engine(settings.resolved_helpdesk_url),
            settings.open_storage(settings.resolved_chat_root),
            start=day,
            days=DEMO_DAYS,
            seed=23,
            customers=200,
            tickets_per_day=100,
            chats_per_day=100,
        )
        values = sorted(truth.all_values(), key=len, reverse=True)
        patterns = [
            re.compile(r"(?<!\w)" + r"\s+".join(re.escape(p) for p in v.split()) + r"(?!\w)", re.IGNORECASE)
            for v in values
            if v.strip()
        ]
        hosts: list[Host] = []
        for offset in range(DEMO_DAYS):
            start = datetime.combine(day + timedelta(days=offset), datetime.min.time(), tzinfo=UTC)
            rt = pipeline.Runtime(pipeline.Interval(start, start + timedelta(days=1)), settings)
            extracts = [pipeline.extract(source, rt) for source in ("tickets", "chat")]
            for chunk in pipeline.consent_join(extracts, rt):
                result = pipeline.redact_chunk(chunk, rt)
                if not result["chunk"]:
                    continue
                for row in read_jsonl_gz(rt.staging, result["chunk"]):
                    turns = [m["content"] for m in row["record"]["messages"]]
                    text = "\n".join(turns)
                    clean = not any(p.search(text) for p in patterns)
                    hosts.append(Host("demo", turns, clean))
    return hosts[:limit] if limit else hosts


_PRODUCTS = ("router", "laptop", "headphones", "coffee machine", "phone case", "monitor", "printer", "tablet")
_SYNTH_TURNS = (
    "Hi, I'm <PERSON_1>. My order {order} hasn't arrived yet.",
    "Hello <PERSON_1>, thanks for reaching out to {company}. Let me check order {order} for you.",
    "I ordered the {product} on {date} and paid {price}.",
    "It was shipped from our {city} warehouse on {date} at {time}.",
    "Can you send the invoice to <EMAIL_1>? My number is <PHONE_1>.",
    "The delivery address is <ADDRESS_1>, <POSTCODE_1>.",
    "I've issued a refund of {price} to the card ending <LAST_DIGITS_1>; allow 3-5 working days.",
    "Our {city} store opens at 9am; ticket {ticket} is now closed.",
    "Thanks <PERSON_2>, that's all sorted. Have a great day!",
    "The {product} shows error {code} after the update to version {version}.",
    "Please try a factory reset: hold the power button for 10 seconds, then wait 2 minutes.",
    "I spoke with someone at {company} last week about this, reference {ticket}.",
    "We can offer a {percent}% discount on your next order with {company}.",
    "Best regards,\n<PERSON_2>\n{company} Customer Care",
    "My account <ACCOUNT_NUMBER_1> was charged twice on {date}.",
    "Our team in {city} will call you between 2 and 4pm on {weekday}.",
)


def synthetic_hosts(count: int, seed: int) -> list[Host]:
    """Seeded, already-redacted support chats: everything a clean record keeps, nothing it must not."""
    rng = random.Random(seed)
    fake = Faker(["en_US", "en_GB"])
    fake.seed_instance(seed)
    hosts = []
    for _ in range(count):
        turns = []
        for template in rng.sample(_SYNTH_TURNS, rng.randint(3, 7)):
            turns.append(
                template.format(
                    order=f"ORD-{rng.randint(100000, 9999999)}",
                    company=fake.company(),
                    product=rng.choice(_PRODUCTS),
                    date=fake.date_between("-1y").strftime(
                        rng.choice(("%Y-%m-%d", "%d/%m/%Y", "%B %d", "%d %b"))
                    ),
                    price=f"{rng.choice('$£€')}{rng.randint(5, 2000)}.{rng.randint(0, 99):02d}",
                    city=fake.city(),
                    time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                    ticket=f"{rng.randint(2020, 2026)}-{rng.randint(1, 999999):06d}",
                    code=f"E{rng.randint(10, 999)}",
                    version=f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
                    percent=rng.choice((5, 10, 15, 20, 25)),
                    weekday=fake.day_of_week(),
                )
            )
        hosts.append(Host("synthetic", turns, True))
    return hosts


# --- planted values -------------------------------------------------------------------------------

_CYRILLIC = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "A": "А", "E": "Е",
    "O": "О", "P": "Р", "C": "С", "T": "Т", "H": "Н", "K": "К", "M": "М", "B": "В",
}  # fmt: skip


def _insert_every(value: str, mark: str, rng: random.Random) -> str:
    positions = sorted(rng.sample(range(1, len(value)), min(3, max(1, len(value) - 1))))
    out, last = [], 0
    for p in positions:
        out += [value[last:p], mark]
        last = p
    return "".join([*out, value[last:]])


def disguise(kind: str, value: str, how: str, rng: random.Random) -> str:
    if how == "zero_width":
        return _insert_every(value, rng.choice(("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")), rng)
    if how == "soft_hyphen":
        return _insert_every(value, "\u00ad", rng)
    if how == "homoglyph":
        letters = [i for i, ch in enumerate(value) if ch in _CYRILLIC]
        swap = set(rng.sample(letters, min(len(letters), rng.randint(1, 3)))) if letters else set()
        return "".join(_CYRILLIC[ch] if i in swap else ch for i, ch in enumerate(value))
    if how == "full_width":
        return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() or ch == "@" else ch for ch in value)
    if how == "spelled" and kind == "email":
        local, _, domain = value.partition("@")
        dot = rng.choice((" dot ", " (dot) ", " [dot] "))
        at = rng.choice((" at ", " (at) ", " [at] "))
        return local.replace(".", dot) + at + domain.replace(".", dot)
    return value


def _fake(rng: random.Random, locales: tuple[str, ...] = LOCALES) -> Faker:
    fake = Faker(rng.choice(locales))
    fake.seed_instance(rng.randrange(2**32))
    return fake


def _dob(rng: random.Random, fake: Faker) -> str:
    born = fake.date_of_birth(minimum_age=18, maximum_age=90)
    fmt = rng.choice(
        ("%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%d-%m-%Y")
    )
    return born.strftime(fmt)


def _address(rng: random.Random) -> str:
    # a street without a house number is not an address that finds a person: those draws are redrawn
    for _ in range(20):
        value = " ".join(_fake(rng).street_address().split())
        if any(ch.isdigit() for ch in value):
            return value
    raise RuntimeError("no street address with a number")


def _postcode(rng: random.Random) -> str:
    locale = rng.choice(("en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES"))
    fake = _fake(rng, (locale,))
    if locale == "en_US":
        return rng.choice((f"{fake.city()}, {fake.state_abbr()} {fake.zipcode()}", fake.zipcode_plus4()))
    if locale == "en_GB":
        return fake.postcode()
    return f"{fake.postcode()} {fake.city()}"


def _profile(rng: random.Random, fake: Faker) -> str:
    user = re.sub(r"[^a-z0-9_]", "", fake.user_name().lower()) or "user"
    first, last = fake.first_name().lower(), fake.last_name().lower()
    return rng.choice(
        (
            f"@{user}",
            f"https://twitter.com/{user}",
            f"instagram.com/{user}",
            f"https://www.linkedin.com/in/{first}-{last}-{rng.randint(1000, 99999)}",
            f"https://www.facebook.com/{first}.{last}",
            f"https://www.tiktok.com/@{user}",
            f"github.com/{user}",
        )
    )


def _url(rng: random.Random, fake: Faker) -> str:
    key, value = rng.choice(
        (
            ("email", fake.email()),
            ("name", fake.name()),
            ("phone", fake.phone_number()),
            ("first_name", fake.first_name()),
            ("u", fake.free_email()),
            ("to", fake.email()),
            ("address", fake.street_address()),
            ("dob", fake.date_of_birth().isoformat()),
        )
    )
    params = [(key, value), ("utm_source", "newsletter"), ("id", str(rng.randint(1000, 99999)))]
    rng.shuffle(params)
    path = rng.choice(("track", "account/verify", "unsubscribe", "reset-password", "order/status"))
    return f"https://{fake.domain_name()}/{path}?{urlencode(params, quote_via=quote)}"


def plant_value(kind: str, rng: random.Random) -> str:
    fake = _fake(rng)
    us = _fake(rng, ("en_US",))
    generators = {
        "email": lambda: rng.choice((fake.email(), fake.free_email(), fake.company_email())),
        "phone": lambda: fake.phone_number(),
        "card": lambda: us.credit_card_number(),
        "iban": lambda: fake.iban() if rng.random() < 0.5 else " ".join(re.findall(".{1,4}", fake.iban())),
        "ssn": lambda: us.ssn(),
        "name": lambda: f"{fake.first_name()} {fake.last_name()}",
        "address": lambda: _address(rng),
        "postcode": lambda: _postcode(rng),
        "birth_date": lambda: _dob(rng, fake),
        "handle": lambda: _profile(rng, fake),
        "url_value": lambda: _url(rng, fake),
    }
    return generators[kind]()


_SENTENCES: dict[str, tuple[str, ...]] = {
    "email": ("You can email me at {v}", "my email is {v}", "{v}", "please send it to {v} thanks"),
    "phone": ("call me on {v}", "My number is {v}.", "{v}", "reach me at {v} after 5"),
    "card": ("my card number is {v}", "{v}", "charge it to {v} please", "card: {v} exp 09/27"),
    "iban": ("IBAN {v}", "please refund to {v}", "{v}", "my bank account is {v}"),
    "ssn": ("my SSN is {v}", "{v}", "social security number {v}", "ssn: {v}"),
    "name": (
        "My name is {v}.",
        "{v} here, I have a question about my bill.",
        "I spoke to {v} yesterday and nothing happened.",
        "Regards,\n{v}",
        "Thanks, {v}",
        "This is {v} from the accounts team.",
        "The parcel was signed for by {v} at reception.",
        "Please ask {v} to call me back.",
    ),
    "address": ("I live at {v}.", "ship it to {v} please", "my address is {v}", "{v}"),
    "postcode": ("my postcode is {v}", "{v}", "it's {v}", "zip code {v}"),
    "birth_date": (
        "I was born on {v}.",
        "DOB: {v}",
        "my date of birth is {v}",
        "{v} is my birthday",
        "birthday {v}",
    ),
    "handle": ("find me on {v}", "DM me at {v}", "my profile: {v}", "{v}"),
    "url_value": ("I clicked {v} and it failed", "the link was {v}", "{v}", "see {v}"),
}


def planted(host: Host, kind: str, how: str | None, rng: random.Random) -> list[str]:
    value = plant_value(kind, rng)
    if how:
        value = disguise(kind, value, how, rng)
    sentence = rng.choice(_SENTENCES[kind]).format(v=value)
    turns = list(host.turns)
    if rng.random() < 0.5 or not turns:
        turns.insert(rng.randint(0, len(turns)), sentence)
    else:
        index = rng.randrange(len(turns))
        turns[index] = f"{turns[index]} {sentence}"
    return turns


def disguises_for(kind: str) -> tuple[str, ...]:
    """The disguises that apply to a kind (spelled forms are for emails; full width needs digits)."""
    digits = kind in {"phone", "card", "iban", "ssn", "postcode", "birth_date", "address", "url_value"}
    return tuple(
        d
        for d in DISGUISES
        if (d != "spelled" or kind == "email")
        and (d != "full_width" or digits or kind in {"email", "handle"})
    )


# --- report ---------------------------------------------------------------------------------------


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f} %" if whole else "     n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--plants", type=int, default=200, help="planted leaks per detector (half disguised)")
    parser.add_argument("--corpus-limit", type=int, default=None, help="records per corpus (default: all)")
    parser.add_argument("--synthetic", type=int, default=600, help="synthetic clean conversations")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo data (it runs the pipeline)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.perf_counter()

    hosts: list[Host] = []
    if (EVAL_DIR / "score.py").exists():
        for name in CORPORA:
            if (EVAL_DIR / f"{name}.jsonl").exists():
                hosts += corpus_hosts(name, args.corpus_limit, rng)
    else:
        print(f"gate-eval: no corpora under {EVAL_DIR}; synthetic and demo sets only")
    if not args.no_demo:
        hosts += demo_hosts(None)
    hosts += synthetic_hosts(args.synthetic, args.seed)
    for host, counts in zip(hosts, scan_records([h.turns for h in hosts]), strict=True):
        host.counts = counts

    # false alarms on clean hosts, and (for information) real redactor leaks the gate sees
    sets = list(dict.fromkeys(h.set_name for h in hosts))
    print("\nFalse alarms on clean redacted records (target <= 0.5 %)")
    print(
        f"{'set':<16}{'clean':>7}{'flagged':>9}{'rate':>10}   {'by detector':<18} | redactor leaks, flagged"
    )
    worst = 0.0
    for name in sets:
        clean = [h for h in hosts if h.set_name == name and h.clean]
        leaky = [h for h in hosts if h.set_name == name and not h.clean]
        flagged = [h for h in clean if any(h.counts.values())]
        by = Counter(d for h in flagged for d, n in h.counts.items() if n)
        seen = sum(1 for h in leaky if any(h.counts.values()))
        worst = max(worst, len(flagged) / len(clean) if clean else 0.0)
        detail = ", ".join(f"{d} {n}" for d, n in sorted(by.items())) or "-"
        print(
            f"{name:<16}{len(clean):>7}{len(flagged):>9}{pct(len(flagged), len(clean)):>10}   "
            f"{detail:<18} | {len(leaky)}, {seen}"
        )

    # recall on planted leaks, in clean hosts the gate does not flag (so a hit is the plant's)
    quiet = [h for h in hosts if h.clean and not any(h.counts.values())]
    jobs: list[tuple[str, str | None, Host, list[str]]] = []
    for kind in GATE_DETECTORS:
        ways = disguises_for(kind)
        for i in range(args.plants):
            how = None if i % 2 == 0 else ways[(i // 2) % len(ways)]
            host = rng.choice(quiet)
            jobs.append((kind, how, host, planted(host, kind, how, rng)))
    results = scan_records([turns for _, _, _, turns in jobs])
    print(f"\nRecall on planted leaks (target >= 90 %), {args.plants} per detector, half of them disguised")
    print(
        f"{'detector':<12}{'planted':>8}{'caught':>8}{'recall':>10}{'plain':>10}{'disguised':>11}"
        "   missed disguises"
    )
    lowest = 1.0
    for kind in GATE_DETECTORS:
        rows = [(how, r) for (k, how, _, _), r in zip(jobs, results, strict=True) if k == kind]
        hit = [(how, r[kind] > 0) for how, r in rows]
        caught = sum(ok for _, ok in hit)
        plain = [ok for how, ok in hit if how is None]
        hidden = [ok for how, ok in hit if how is not None]
        missed = Counter(how for how, ok in hit if how and not ok)
        lowest = min(lowest, caught / len(hit))
        print(
            f"{kind:<12}{len(hit):>8}{caught:>8}{pct(caught, len(hit)):>10}{pct(sum(plain), len(plain)):>10}"
            f"{pct(sum(hidden), len(hidden)):>11}   {dict(missed) or '-'}"
        )
    ok = lowest >= RECALL_TARGET and worst <= FALSE_ALARM_TARGET
    print(
        f"\nlowest recall {100 * lowest:.1f} % (target >= {100 * RECALL_TARGET:.0f} %), "
        f"highest false-alarm rate {100 * worst:.2f} % (target <= {100 * FALSE_ALARM_TARGET:.1f} %): "
        f"{'PASS' if ok else 'FAIL'}; "
        f"{len(hosts)} hosts, {len(jobs)} plants, {time.perf_counter() - started:.0f} s"
    )
    print(
        json.dumps(
            {"lowest_recall": round(lowest, 4), "highest_false_alarm_rate": round(worst, 4), "pass": ok}
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
