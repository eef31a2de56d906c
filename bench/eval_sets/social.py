"""Social-media care and forum threads in English (``python bench/eval_sets/social.py``).

Two styles. ``social``: public mentions and direct messages to a brand's care account: @handles,
profile links, name hashtags, emoji, lower-case shorthand, agents' initials. ``forum``: community-forum
threads: author labels at line starts ("jane_doe wrote:", "Posted by u/jane"), quoted posts, signatures.
Writes ``bench/eval_sets/data/<split>/style_{social,forum}.jsonl`` for the dev and test splits.
"""

from __future__ import annotations

import random  # noqa: TC003
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import Filler, generate, pool, record, write  # noqa: E402

OUT = Path(__file__).resolve().parent / "data"
COUNT = 150

SOCIAL = {
    "open": [
        "@AcmeCare my parcel was supposed to arrive {weekday} and still nothing 😡😡 order {order}",
        "hey @AcmeCare, been waiting 3 weeks for a refund… not impressed tbh 🙄",
        "@AcmeCare why does the app keep logging me out?? 😤 #fail",
        "so @AcmeCare charged me twice this month 💸💸 can someone sort this out pls",
        "@AcmeCare hi! my {product} arrived broken 😢 what do i do",
        "honestly @AcmeCare your delivery guys left my package in the rain again 🌧️📦",
    ],
    "reply": [
        "Hi @{handle}, so sorry to hear this! Could you DM us your order number and full name? ^{agent_initials}",  # noqa: E501
        "Oh no @{handle} 😟 that's not the experience we want for you. Please send us a DM so we can look into it. -{agent}",  # noqa: E501
        "Hey @{handle}, thanks for reaching out! We've sent you a DM 💬 ^{agent_initials}",
        "@{handle} We're sorry about that! Pop us a DM with your email and we'll get it sorted 🙌 {agent}",
    ],
    "dm": [
        "hi its {name}, order {order}",
        "my name is {name} and email is {email}",
        "hey, it's {first} from the tweet 👋 my number is {phone}",
        "this is my profile {profile} btw, same name {name}",
        "name's {name} 🙂 acc email {email}",
        "ok so it's {first} {last}, phone {phone}",
    ],
    "agent_dm": [
        "Thanks {first}! I've found your order and the refund is on its way 💚 ^{agent_initials}",
        "Thank you {first}, I can see the double charge. It'll be reversed within 3-5 working days.",
        "Got it, thanks! I've escalated this to our Delivery team, you'll hear back in 48h. {agent}",
        "Cheers {first} 😊 a replacement {product} ships tomorrow.",
    ],
    "close": [
        "amazing thank you!! 🙏🙏 #happycustomer",
        "thanks, appreciate it {agent} 👍",
        "ok cool 👌 thx",
        "great service tbh, shoutout to {agent} 🙌 #{hashtag}",
        "thank u so much ❤️ – {first}",
    ],
}
FORUM = {
    "post": [
        "Posted by u/{handle}\nHas anyone else had their {product} stop charging after the latest firmware update? Mine is completely dead.",  # noqa: E501
        "{handle} wrote:\n> My router keeps dropping the connection every evening around 8pm.\nSame here, it's been going on since Tuesday.",  # noqa: E501
        "Hi all, first post here. My Premium subscription was renewed even though I cancelled in March. Any tips?\n\n--\n{name}\nSent from my iPhone",  # noqa: E501
        "Posted by u/{handle} · 3h\nAnyone know how to transfer my account to a new email? Support told me to ask here 🤷",  # noqa: E501
        "Hello everyone,\nI ordered the {product} two weeks ago and the tracking hasn't moved since it left the warehouse in Leeds.\nCheers,\n{first}",  # noqa: E501
    ],
    "reply": [
        "@{handle} try holding the power button for 30 seconds, that fixed it for me.",
        "{handle2} wrote:\n> try a factory reset\nDidn't work for me unfortunately 😕",
        "Moderator here (Community Team). @{handle}, I've passed this to the product team. Please don't post your order number publicly!",  # noqa: E501
        "Same issue here. Contacted support and {agent} sorted it out in a day. My profile: {profile}",
        "Replying to u/{handle}: yes, you need to log out on every device first.\n\n-- {name2}",
    ],
    "followup": [
        "Thanks @{handle2}, that worked! Marking as solved ✅",
        "Still broken for me. My account is under {email} if a mod can check.",
        "Update: support called me on {phone} and it's fixed now 🎉",
        "Thanks everyone 🙏\n{first}",
    ],
}
PRODUCTS = ["Galaxy Buds", "Kindle", "Fire TV stick", "Echo Dot", "Pixel 8", "Nest thermostat"]
WEEKDAYS = ["Monday", "Tuesday", "Friday", "Saturday"]
SITES = [
    "https://twitter.com/{h}",
    "https://www.instagram.com/{h}/",
    "https://x.com/{h}",
    "linkedin.com/in/{h}",
    "https://www.reddit.com/user/{h}",
    "https://community.acme.com/u/{h}",
]


def _handle(rng: random.Random, first: str, last: str) -> str:
    style = rng.randrange(4)
    base = [
        f"{first}_{last}",
        f"{first}{last}{rng.randrange(10, 99)}",
        f"{first[0]}{last}",
        f"{first}.{last}",
    ][style]
    return base.lower().replace("'", "")


def _values(rng: random.Random) -> dict[str, tuple[str, str | None]]:
    from faker import Faker

    fake = Faker(rng.choice(["en_US", "en_GB", "en_IE", "en_AU"]))
    fake.seed_instance(rng.randrange(1 << 30))
    first, last = fake.first_name(), fake.last_name()
    first2, last2 = fake.first_name(), fake.last_name()
    agent = fake.first_name()
    handle, handle2 = _handle(rng, first, last), _handle(rng, first2, last2)
    profile = rng.choice(SITES).format(h=handle)
    return {
        "first": (first, "PERSON"),
        "last": (last, "PERSON"),
        "name": (f"{first} {last}", "PERSON"),
        "name2": (f"{first2} {last2}", "PERSON"),
        "agent": (agent, "PERSON"),
        "agent_initials": (agent[:2].upper(), None),
        "handle": (handle, "USERNAME"),
        "handle2": (handle2, "USERNAME"),
        "profile": (profile, "USERNAME"),
        # a hashtag holds no apostrophe or hyphen: "#AlexandriaOKeefe"
        "hashtag": (f"{agent}{fake.last_name()}".replace("'", "").replace("-", ""), "PERSON")
        if rng.random() < 0.5
        else ("CustomerService", None),
        "email": (fake.free_email(), "EMAIL"),
        "phone": (fake.phone_number(), "PHONE"),
        "order": (str(rng.randrange(10_000_000, 99_999_999)), "ORDER_ID"),
        "product": (rng.choice(PRODUCTS), None),
        "weekday": (rng.choice(WEEKDAYS), None),
    }


def make_social(rng: random.Random, split: str, i: int) -> dict[str, Any]:
    t = SOCIAL
    turns = [("Customer", rng.choice(pool(t["open"], split))), ("Agent", rng.choice(pool(t["reply"], split)))]
    for _ in range(rng.randint(1, 2)):
        turns += [
            ("Customer", rng.choice(pool(t["dm"], split))),
            ("Agent", rng.choice(pool(t["agent_dm"], split))),
        ]
    turns.append(("Customer", rng.choice(pool(t["close"], split))))
    return record(f"social-{split}-{i:04d}", "synthetic_social", turns, Filler(_values(rng)))


def make_forum(rng: random.Random, split: str, i: int) -> dict[str, Any]:
    t = FORUM
    turns = [("Customer", rng.choice(pool(t["post"], split)))]
    for _ in range(rng.randint(1, 2)):
        turns.append(("Agent" if rng.random() < 0.3 else "Customer", rng.choice(pool(t["reply"], split))))
    turns.append(("Customer", rng.choice(pool(t["followup"], split))))
    return record(f"forum-{split}-{i:04d}", "synthetic_forum", turns, Filler(_values(rng)))


def main() -> int:
    for split in ("dev", "test"):
        write(OUT / split / "style_social.jsonl", generate("social", split, COUNT, make_social))
        write(OUT / split / "style_forum.jsonl", generate("forum", split, COUNT, make_forum))
    print(f"written {OUT}/{{dev,test}}/style_*.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
