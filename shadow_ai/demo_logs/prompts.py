"""Prompt texts for the demo's JSON Lines file, with planted personal data.

Each prompt has a task (writing, coding, analysis, customer communication, summarisation,
translation, other) chosen by the author's department. About a third carry personal data or
secrets of the kinds shadow_ai.scrub removes, generated so the checksums pass (a real Luhn
digit, a real IBAN check, an SSN in an issued range); a few carry look-alikes that fail their
checksum and must survive scrubbing. `planted` in each sample says what was put in, so tests
and the seeder can check the scrubber against the generator.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from stdnum import iban, luhn

CUSTOMERS = ["Maria Lopez", "James O'Connor", "Aiko Tanaka", "Pierre Martin", "Fatima Khan",
             "Lars Nilsson", "Chen Wei", "Olivia Brown"]  # fmt: skip
COMPANIES = ["Northwind Traders", "Globex Retail", "Initech", "Umbrella Logistics",
             "Stark Components", "Wayne Foods"]  # fmt: skip
LANGUAGES = ["German", "French", "Spanish", "Japanese", "Dutch", "Italian"]

# Task -> templates. "{pii}" is where planted personal data goes (sometimes empty).
TEMPLATES: dict[str, tuple[str, ...]] = {
    "writing": (
        "Write a LinkedIn post announcing our partnership with {company}. Keep it upbeat, "
        "under 150 words.{pii}",
        "Draft a job description for a senior {role} in our {dept} team.{pii}",
        "Improve the tone of this paragraph for our quarterly newsletter: 'We delivered the "
        "project late but the client was happy in the end.'{pii}",
    ),
    "coding": (
        "Why does this Python raise KeyError? data = load_config(); token = data['auth']"
        "['token']{pii}",
        "Write a SQL query that returns monthly active users per plan from tables users and "
        "events, excluding internal accounts.{pii}",
        "Refactor this function to be async and add retries with exponential backoff:\n"
        "def fetch(url):\n    return requests.get(url, timeout=5).json(){pii}",
        "Our CI fails with 'permission denied (publickey)' when cloning. Here is the config:{pii}",
    ),
    "analysis": (
        "Here are Q3 numbers by region: EMEA 1.2M, NA 2.4M, APAC 0.8M. What trends stand out "
        "and what should we ask the regional leads?{pii}",
        "Compare these three vendor quotes and recommend one, with risks:{pii}",
        "Build a simple churn model outline from these columns: tenure, plan, tickets_30d, "
        "nps.{pii}",
    ),
    "customer_communication": (
        "Reply politely to {customer} from {company} who complains that the invoice was "
        "charged twice.{pii}",
        "Write an apology email to {customer} about the delayed delivery, offering a 10% "
        "discount.{pii}",
        "Draft a follow-up to {customer} after yesterday's demo, summarising next steps.{pii}",
    ),
    "summarisation": (
        "Summarise this meeting transcript in five bullet points with owners and dates:\n"
        "{customer}: we need the migration done by March. Us: agreed, pending budget.{pii}",
        "TL;DR of this contract clause for a non-lawyer: the supplier shall indemnify the "
        "customer against third-party claims arising from ...{pii}",
        "Summarise the attached incident report for the leadership team.{pii}",
    ),
    "translation": (
        "Translate into {language}: 'Thank you for your order. Your parcel will arrive within "
        "three working days.'{pii}",
        "Translate this customer message from {language} into English and suggest a reply.{pii}",
    ),
    "other": (
        "Give me ten name ideas for our internal hackathon.{pii}",
        "Plan a two-day offsite agenda for 25 people near Lisbon.{pii}",
        "What is the difference between a 401(k) and an IRA?{pii}",
    ),
}

TASKS_BY_GROUP: dict[str, dict[str, float]] = {
    "engineering": {"coding": 6, "analysis": 2, "writing": 1, "summarisation": 1, "other": 0.5},
    "sales": {
        "customer_communication": 5,
        "writing": 2,
        "summarisation": 2,
        "translation": 1,
        "analysis": 1,
        "other": 0.5,
    },
    "marketing": {
        "writing": 6,
        "translation": 1.5,
        "summarisation": 1,
        "analysis": 1,
        "other": 1,
    },
    "support": {
        "customer_communication": 6,
        "translation": 2.5,
        "summarisation": 1.5,
        "writing": 1,
    },
    "back_office": {
        "analysis": 3,
        "summarisation": 3,
        "writing": 2,
        "customer_communication": 1,
        "other": 1.5,
    },
}

ROLES = ["data engineer", "account executive", "product designer", "support specialist"]

# IBAN bank parts (country, BBAN) whose check digits are computed at run time.
BBANS = [("DE", "370400440532013000"), ("NL", "ABNA0417164300"), ("GB", "WEST12345698765432"),
         ("FR", "20041010050500013M02606"), ("ES", "21000418450200051332")]  # fmt: skip


@dataclass(frozen=True)
class PromptSample:
    task: str
    text: str
    planted: dict[str, int] = field(default_factory=dict)  # kind -> values planted
    look_alikes: tuple[str, ...] = ()  # values that must survive scrubbing


def _card(rnd: random.Random) -> str:
    body = "4" + "".join(rnd.choice(string.digits) for _ in range(14))
    number = body + luhn.calc_check_digit(body)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def _bad_card(rnd: random.Random) -> str:
    good = _card(rnd).replace(" ", "")
    last = str((int(good[-1]) + 1 + rnd.randrange(8)) % 10)  # any other digit fails Luhn
    bad = good[:-1] + last
    return " ".join(bad[i : i + 4] for i in range(0, 16, 4))


def _iban(rnd: random.Random) -> str:
    country, bban = rnd.choice(BBANS)
    check = iban.calc_check_digits(f"{country}00{bban}")
    compact = f"{country}{check}{bban}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _bad_iban(rnd: random.Random) -> str:
    good = _iban(rnd)
    check = int(good[2:4])
    return f"{good[:2]}{(check + 1) % 97 or 2:02d}{good[4:]}"


def _ssn(rnd: random.Random) -> str:
    area = rnd.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rnd.randint(1, 99):02d}-{rnd.randint(1, 9999):04d}"


def _secret(rnd: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    if rnd.random() < 0.5:
        return "sk-proj-" + "".join(rnd.choice(alphabet) for _ in range(40))
    return "AKIA" + "".join(rnd.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def _phone(rnd: random.Random) -> str:
    # Real, assignable numbers (phonenumbers VALID): US area codes and a UK London number.
    if rnd.random() < 0.6:
        area = rnd.choice(["212", "415", "617", "312", "206"])
        exchange = rnd.choice([e for e in range(200, 990) if e % 100 != 11])  # no N11 codes
        return f"+1 {area} {exchange} {rnd.randint(1000, 9999)}"
    return f"+44 20 7{rnd.randint(100, 999)} {rnd.randint(1000, 9999)}"


def _email(rnd: random.Random) -> str:
    first, last = rnd.choice(CUSTOMERS).lower().replace("'", "").split(" ", 1)
    return f"{first}.{last}@{rnd.choice(['gmail.com', 'northwind.example', 'outlook.com'])}"


PLANTERS = {
    "email": lambda rnd: f" Contact: {_email(rnd)}.",
    "phone": lambda rnd: f" Call them on {_phone(rnd)}.",
    "card": lambda rnd: f" Card used: {_card(rnd)}.",
    "iban": lambda rnd: f" Refund to IBAN {_iban(rnd)}.",
    "national_id": lambda rnd: f" Their SSN is {_ssn(rnd)}.",
    "secret": lambda rnd: f" The key is {_secret(rnd)}",
    "ip": lambda rnd: f" The server is at 10.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.7.",
}
PLANT_WEIGHTS = {"email": 5, "phone": 3, "card": 1.5, "iban": 1.5, "national_id": 1,
                 "secret": 1.5, "ip": 1.5}  # fmt: skip


def prompt_sample(rnd: random.Random, group: str, *, pii_share: float = 0.33) -> PromptSample:
    tasks = TASKS_BY_GROUP.get(group, TASKS_BY_GROUP["back_office"])
    task = rnd.choices(list(tasks), list(tasks.values()))[0]
    template = rnd.choice(TEMPLATES[task])
    planted: dict[str, int] = {}
    look_alikes: list[str] = []
    pii = ""
    if rnd.random() < pii_share:
        kinds = rnd.choices(list(PLANT_WEIGHTS), list(PLANT_WEIGHTS.values()), k=rnd.randint(1, 2))
        for kind in dict.fromkeys(kinds):  # no kind twice: counts stay one per kind
            pii += PLANTERS[kind](rnd)
            planted[kind] = 1
    elif rnd.random() < 0.06:
        # A number that looks like a card or IBAN but fails its checksum: must be kept.
        value = _bad_card(rnd) if rnd.random() < 0.5 else _bad_iban(rnd)
        look_alikes.append(value)
        pii = f" Reference number: {value}."
    text = template.format(
        company=rnd.choice(COMPANIES),
        customer=rnd.choice(CUSTOMERS),
        language=rnd.choice(LANGUAGES),
        role=rnd.choice(ROLES),
        dept=group.replace("_", " "),
        pii=pii,
    )
    return PromptSample(task=task, text=text, planted=planted, look_alikes=tuple(look_alikes))
