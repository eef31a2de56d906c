"""Phrasebook for synthetic support conversations.

Placeholders are filled per conversation; every personal value the templates can insert comes from the
customer or agent profile, or is added to the truth when minted (order numbers, internal codes ...).
All phrases live in module-level tuples so the name filter can reject names that occur inside them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One kind of support issue: what the customer says first, what detail they add, how it is solved."""

    key: str
    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    details: tuple[str, ...]
    resolutions: tuple[str, ...]
    sensitive: str | None = None  # health | financial_hardship | bereavement


TOPICS: tuple[Topic, ...] = (
    Topic(
        "delivery",
        ("Where is my order {order}?", "Parcel not delivered", "Late delivery - {order}"),
        (
            "My order {order} was supposed to arrive on Tuesday and it still hasn't shown up. "
            "Tracking hasn't updated in four days.",
            "i ordered a {product} (order {order}) and the courier says delivered but nothing is here",
        ),
        (
            "The delivery address is {address}, {postcode}. You can reach me on {phone}.",
            "It should have gone to {address}. My number is {phone} if the driver needs it.",
        ),
        (
            "I've chased the courier and arranged a replacement for {order}; it should arrive within "
            "2 working days.",
            "The parcel was left at the wrong address. A replacement is on its way and you'll get a "
            "tracking email shortly.",
        ),
    ),
    Topic(
        "refund",
        ("Refund not received", "Refund for {order}", "Still waiting for my money back"),
        (
            "I returned the {product} three weeks ago and I still don't have my refund. I paid with the "
            "card {card}.",
            "Can you tell me when my refund for order {order} will be processed? It's been ages.",
        ),
        (
            "The order number is {order} and the card I used was {card}, expiry 09/27.",
            "It was order {order}. Account number {account} if that helps.",
        ),
        (
            "The return was received. I've issued the refund of {amount} to the original card; please "
            "allow 3-5 working days for it to show.",
            "Sorry for the wait. The refund of {amount} has now been approved and sent back to your card.",
        ),
    ),
    Topic(
        "card_declined",
        ("Payment declined", "Card keeps getting declined", "Can't pay for my order"),
        (
            "My card keeps getting declined when I try to pay for the {product}. The number is {card}.",
            "every time I check out it says payment failed?? tried twice with {card}",
        ),
        (
            "The billing address on the card is {address}, {postcode}.",
            "Card is {card}, and the account is under {email}.",
        ),
        (
            "The bank's fraud check blocked the payment. It should go through now, and I've held the "
            "basket for you for 24 hours.",
            "The billing postcode didn't match. I've updated it on your account so please try again.",
        ),
    ),
    Topic(
        "account_access",
        ("Can't log in", "Locked out of my account", "Password reset not arriving"),
        (
            "I'm locked out of my account. The email on it is {email} and the account number is {account}.",
            "reset password emails never arrive, i've checked spam. my email is {email}",
        ),
        (
            "My date of birth is {dob} and my phone number is {phone}.",
            "The account number is {account}, date of birth {dob}.",
        ),
        (
            "I've unlocked the account and sent a fresh reset link; it's valid for 30 minutes.",
            "Your email had a typo on our side. I've corrected it and sent a new reset link.",
        ),
    ),
    Topic(
        "direct_debit",
        ("Update bank details", "Change direct debit", "New bank account"),
        (
            "I'd like to move my monthly payment to my new bank account, IBAN {iban}. Please stop using "
            "the old one.",
            "Can you update the direct debit on account {account}? New IBAN is {iban}",
        ),
        (
            "To confirm, the IBAN is {iban} and the account holder is me, {cname}.",
            "Yes the new one is {iban}. Old account can be removed.",
        ),
        (
            "The new mandate is set up and will be used from your next payment date.",
            "Done: the direct debit now points to the new account, you'll get a confirmation letter.",
        ),
    ),
    Topic(
        "address_change",
        ("Change of address", "Moved house - update details", "Update my address"),
        (
            "I've moved, please update my address to {address}, {postcode}.",
            "hi can you change the address on account {account} to {address}",
        ),
        (
            "My date of birth is {dob} if you need it to verify me.",
            "Postcode is {postcode}, and you can call me on {phone}.",
        ),
        (
            "Your address is updated and any open orders will go to the new address.",
            "All updated. I've also moved your pending order {order} to the new address.",
        ),
    ),
    Topic(
        "cancel",
        ("Cancel subscription", "Charged twice", "Please cancel my plan"),
        (
            "Please cancel my {product} subscription on account {account}. I was charged twice this month.",
            "I want to cancel. I've been billed {amount} twice on my card {card}.",
        ),
        (
            "The account is {account} and the email is {email}.",
            "My name is {cname} and the account number is {account}.",
        ),
        (
            "The subscription is cancelled and the duplicate charge of {amount} has been refunded.",
            "I've cancelled it from the end of this billing period and refunded the double charge.",
        ),
    ),
    Topic(
        "hardship",
        ("Payment difficulty", "Can't pay this month", "Request to pause payments"),
        (
            "I lost my job last month and I can't pay my bills right now. Is there any way to pause "
            "payments on account {account}? I'm really struggling.",
            "i was made redundant and i'm behind on everything, can i get a payment holiday on {account}",
        ),
        (
            "I can probably pay something from my new job in a couple of months. My number is {phone}.",
            "My bank is {iban} but there's nothing in it until universal credit comes through.",
        ),
        (
            "I've set up a three month payment break with no fees, and noted that you may need extra "
            "support. There's also free debt advice available if that would help.",
            "There's no need to worry: payments are paused for 90 days and no late fees will be charged.",
        ),
        sensitive="financial_hardship",
    ),
    Topic(
        "health",
        ("Missed delivery", "Redelivery please - medical reasons", "Need help with my order"),
        (
            "I was in hospital for chemotherapy last week so I missed the delivery of {order}. Could it "
            "be redelivered?",
            "I have multiple sclerosis and can't get to the collection point for order {order}.",
        ),
        (
            "Please deliver to {address}, {postcode}, and ask the driver to wait, I'm slow to the door.",
            "My carer can take the parcel, her number is on the account, or call me on {phone}.",
        ),
        (
            "I've booked a redelivery and added a note for the driver to allow extra time at the door.",
            "I've arranged a free redelivery to your home address and flagged the account for extra "
            "support with deliveries.",
        ),
        sensitive="health",
    ),
    Topic(
        "bereavement",
        ("Closing an account", "Account of someone who has died", "Bereavement - close account"),
        (
            "My father passed away two weeks ago and I need to close his account {account}.",
            "sorry, i don't really know how this works. my mum died last month and her account "
            "{account} is still taking payments",
        ),
        (
            "The account holder's date of birth was {dob} and the address was {address}.",
            "I have the death certificate. The card on the account was {card}.",
        ),
        (
            "I'm very sorry for your loss. I've closed the account, stopped all payments and will "
            "refund anything taken since the date of death.",
            "I'm so sorry. The account is now closed and we won't contact you about it again.",
        ),
        sensitive="bereavement",
    ),
)

PRODUCTS = (
    "wireless headphones", "coffee machine", "broadband plan", "mobile plan", "smart speaker",
    "laptop stand", "premium membership", "streaming bundle", "air fryer", "electric toothbrush",
)  # fmt: skip
TEAMS = ("Billing", "Logistics", "Accounts", "Technical Support", "Customer Care", "Retention")
SEGMENTS = ("consumer", "consumer", "consumer", "business", "premium")

CUSTOMER_GREETINGS = (
    "Hi,", "Hello,", "Hi there,", "hi", "Good morning,", "Hello, this is {cname}.",
    "Hi, it's {cfirst} here.", "Dear support team,", "hello this is {cname}",
)  # fmt: skip
CUSTOMER_SIGNOFFS = (
    "Thanks, {cfirst}", "Thanks,\n{cname}", "Regards,\n{cname}\n{phone}", "cheers {cfirst}", "{cname}",
    "Kind regards,\n{cname}\n{address}", "Many thanks\n{cfirst}", "Sent from my phone",
)  # fmt: skip
CUSTOMER_FOLLOWUPS = (
    "Sure. {detail}", "{detail}", "Of course - {detail}", "ok. {detail}", "Yes. {detail} Thanks, {cfirst}",
)  # fmt: skip
CUSTOMER_CLOSINGS = (
    "Thank you so much, that's sorted it.", "great, thanks {afirst}!", "Brilliant, thanks for your help.",
    "ok thanks", "Thanks {afirst}, really appreciate it.\n{cname}",
)  # fmt: skip
AGENT_GREETINGS = (
    "Hi {cfirst},\n\nThanks for getting in touch, this is {afirst} from the {team} team.",
    "Hello {cname},\n\n{afirst} here from {team}. I've logged this under {ticket}.",
    "Dear {cfirst},\n\nThank you for contacting us about {ticket}.",
    "Hi {cfirst}, my name is {afirst} and I'll be looking after your request.",
)  # fmt: skip
AGENT_VERIFY = (
    "To check I'm speaking to the account holder, could you confirm your date of birth and the postcode "
    "on the account?",
    "So I can find your account, could you send me your account number and the phone number we have for you?",
    "Could you confirm the order number and the email address you used?",
)
AGENT_SIGNOFFS = (
    "Kind regards,\n{aname}\n{team} team | Ref: {ticket}", "Best wishes,\n{afirst}",
    "Thanks,\n{afirst} ({aemail})", "Regards,\n{aname}", "{afirst}\nCustomer Support",
)  # fmt: skip
INTERNAL_NOTES = (
    "{code}: ID verified ({dob}, {postcode}). Customer {cname} on {phone}. Escalated to {team}.",
    "{code} refund override approved by team lead. Card {card} (do NOT paste full PAN in notes!).",
    "Vulnerable customer flag added ({sensitive}). {code}. Contact {email} only, no calls.",
    "{code} - checked account {account}, address on file {address}. Nothing unusual.",
    "Spoke to {cfirst} again, promised callback on {phone} tomorrow. Ref {code}.",
)  # fmt: skip
SYSTEM_MESSAGES = (
    "Ticket {ticket} created via {channel}.", "Assigned to {team} queue.",
    "Auto-reply sent: we have received your request and will reply within 24 hours.",
    "SLA warning: first response overdue.", "Status changed from open to pending.",
    "Satisfaction survey sent to {email}.", "Ticket merged into {ticket}.",
)  # fmt: skip
CALL_OPENINGS = (
    "Call recording, auto-transcribed. Duration {duration}. Queue: {team}.",
    "Inbound call transcript ({duration}), speaker labels automatic.",
)  # fmt: skip
CALL_AGENT = (
    "thank you for calling you're speaking with {afirst} how can i help",
    "hi there, you're through to {afirst} in {team}, can i start with your full name please",
)  # fmt: skip
CALL_CUSTOMER_NAME = (
    "yeah hi it's {cname}", "um hi yes my name is {cname}", "hello, it's {cfirst}, {cname}",
)  # fmt: skip
CALL_AGENT_VERIFY = (
    "thanks {cfirst} and can i take the phone number on the account",
    "lovely, and just for security your date of birth please",
)  # fmt: skip
CALL_CUSTOMER_VERIFY = (  # answers to CALL_AGENT_VERIFY, same order
    ("it's {phone_spoken}", "uh yeah that's {phone_spoken}", "{phone}"),
    ("{dob}", "it's the {dob} i think yes"),
)
CALL_AGENT_CLOSE = (
    "okay i've put a note on it under {ticket}, is there anything else",
    "right that's all done for you {cfirst}, you'll get an email to {email} confirming",
)  # fmt: skip
BOT_LINES = (
    "Hi! I'm the virtual assistant. What can I help you with today?",
    "Thanks. Before I connect you, can you tell me the email address on your account?",
    "Thanks! I'm connecting you to one of our team now, please hold on.",
    "All our agents are busy, you are number 3 in the queue.",
)  # fmt: skip
CHAT_AGENT_GREETINGS = (
    "Hi {cfirst}, you're chatting with {afirst}. Let me take a look.",
    "Hello {cname}, {afirst} here from {team}. I can see your account now.",
    "Hi {cfirst}! I'm {afirst}, thanks for waiting.",
)  # fmt: skip
CHAT_AGENT_CLOSE = (
    "Is there anything else I can help with today? I've logged this as {ticket}.",
    "You're all set. Have a lovely day {cfirst}!",
    "That's done. Thanks for chatting with us - {afirst}",
)  # fmt: skip
LONG_LOG_LINE = "ERROR 502 gateway timeout while loading checkout page, retrying request id {n}\n"

# Words the name filter also rejects: pipeline placeholder and entity names a redacted text may contain,
# and everyday words that double as names.
EXTRA_VOCABULARY = (
    "person email_address phone_number location address credit_card iban_code date_time us_ssn nrp "
    "organization url ip_address redacted placeholder customer agent bot system internal order account "
    "ticket number surrogate unknown"
)
COMMON_WORD_NAMES = frozenset(
    """will may hope grant bill mark rose june april august faith joy grace hunter summer autumn dawn frank
    sue art guy jack max ray dean chase cash miles price young long king hill wood stone brown green white
    black gray grey hall lane page ward bell rich love little small day park reed rice cook baker carter
    mason fisher porter lord power major church cross field short moon case banks holiday best sharp lamb
    fox burns chance fields waters rivers summers wells mills hale bright gold silver penny ruby pearl
    amber holly ivy heather daisy lily iris violet olive hazel jade crystal sky river rock storm wolf bear
    buck drew pat rob sam ted tom don ben dick nick kit lee bob joe jim tim kim bud gene jean lou val
    sage paris sydney virginia georgia carolina dallas houston austin denver aurora dakota phoenix
    cliff glen dale rusty sandy skip sunny trinity destiny harmony melody patience prudence charity
    constance earnest ernest noble royal sterling young wise strong swift sweet goodman free freeman
    gill lamb nash north south west east bush shepherd knight bishop abbott baron duke earl prince""".split()  # noqa: SIM905 - a word list reads better as text
)
