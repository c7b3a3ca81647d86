"""Who visits what, when: the traffic model behind the demo logs (no I/O here).

The model is deliberately simple but shaped like real gateway data:

- about 60% of requests are ordinary business and news traffic, never AI;
- catalogued AI tools have a popularity that depends on the department (engineering uses
  coding assistants and model APIs, sales uses meeting recorders and writing tools, ...);
- roughly a third of people never touch an AI tool, and a few heavy users make much of the
  traffic, so "share of people using AI" and "share of traffic" differ as they do in reality;
- a small group uses tools the demo organisation prohibits (DeepSeek, Character.AI);
- some hosts are AI start-ups that are not in the catalogue (for the classifier), and a few
  are look-alike phishing hosts that must not match a catalogue tool;
- office hours on weekdays, little at weekends, and AI use growing over the period.

All randomness comes from the random.Random passed in, so a seed gives the same files.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import NamedTuple

from shadow_ai.demo_logs.sites import (
    AI_SITES,
    BACKGROUND_SITES,
    GROUPS,
    LOOKALIKE_SITES,
    PROHIBITED_SITES,
    UNKNOWN_AI_SITES,
    Site,
)

# Shares of requests by kind; AI shares are per person (Profile.ai_share, growing over the
# period) and background is the rest, about 60% overall.
UNKNOWN_SHARE = 0.025
LOOKALIKE_SHARE = 0.003
PROHIBITED_SHARE_OF_USERS = 0.08  # people who sometimes use a prohibited tool
PROHIBITED_SHARE_OF_THEIR_AI = 0.15
AI_ADOPTION = {  # share of people in each group who use AI at all
    "engineering": 0.88,
    "marketing": 0.8,
    "sales": 0.72,
    "support": 0.62,
    "back_office": 0.48,
}


def department_group(department: str | None) -> str:
    """Which usage profile a department follows, from its name."""
    name = (department or "").lower()
    words = set(re.split(r"[^a-z]+", name))
    if "it" in words or any(w in name for w in ("engineer", "product", "data", "develop", "tech")):
        return "engineering"
    if "sales" in name or "account" in name or "business dev" in name:
        return "sales"
    if "market" in name or "brand" in name or "communication" in name:
        return "marketing"
    if "support" in name or "service" in name or "success" in name:
        return "support"
    return "back_office"


# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    email: str
    username: str
    ip: str
    department: str


@dataclass
class Profile:
    """A person's (or an unmatched identity's) behaviour in the generated traffic."""

    email: str
    username: str
    ip: str
    department: str
    group: str
    activity: float
    ai_share: float  # share of this person's requests that go to AI tools
    ai_cum: list[float]  # cumulative weights over AI_SITES for this person
    prohibited: bool


def _cum(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


def build_profiles(people: list[DemoPerson], rnd: random.Random) -> list[Profile]:
    profiles = []
    for person in people:
        group = department_group(person.department)
        uses_ai = rnd.random() < AI_ADOPTION[group]
        favourites = set(rnd.sample(range(len(AI_SITES)), 3))
        weights = []
        for i, site in enumerate(AI_SITES):
            w = site.weight * dict(site.departments).get(group, 1.0)
            weights.append(w * (4.0 if i in favourites else 1.0))
        profiles.append(
            Profile(
                email=person.email,
                username=person.username,
                ip=person.ip,
                department=person.department,
                group=group,
                # Heavy-tailed: a few people make much of the traffic.
                activity=rnd.lognormvariate(0, 0.8),
                ai_share=rnd.uniform(0.35, 0.8) if uses_ai else 0.0,
                ai_cum=_cum(weights),
                prohibited=uses_ai and rnd.random() < PROHIBITED_SHARE_OF_USERS,
            )
        )
    return profiles


def unmatched_profiles(rnd: random.Random, count: int = 6) -> list[Profile]:
    """Contractors and a shared kiosk account: identities no member alias will match, so the
    admin has something to map."""
    out = []
    for i in range(count):
        weights = [site.weight for site in AI_SITES]
        out.append(
            Profile(
                email=f"contractor{i + 1:02d}@partner-agency.example",
                username=f"ext-contractor{i + 1:02d}",
                ip=f"10.99.0.{20 + i}",
                department="",
                group="back_office",
                activity=0.6,
                ai_share=0.35,
                ai_cum=_cum(weights),
                prohibited=False,
            )
        )
    return out


def demo_people(
    count: int = 300, *, seed: int = 7, domain: str = "acme.example"
) -> list[DemoPerson]:
    """Synthetic people for tests and benchmarks that have no database at hand."""
    rnd = random.Random(seed)
    departments = ["Engineering", "Product", "Marketing", "Sales", "Customer Support", "People",
                   "Finance", "Operations"]  # fmt: skip
    shares = [0.3, 0.08, 0.1, 0.18, 0.14, 0.06, 0.07, 0.07]
    people = []
    for i in range(count):
        dept = rnd.choices(departments, shares)[0]
        username = f"user{i + 1:04d}"
        people.append(
            DemoPerson(
                email=f"{username}@{domain}",
                username=username,
                ip=f"10.{20 + i // 250}.{(i // 250) % 4}.{i % 250 + 2}",
                department=dept,
            )
        )
    return people


# --- events ----------------------------------------------------------------------------------


class Event(NamedTuple):
    ts: float
    person: Profile
    site: Site
    host: str
    method: str  # GET, POST or CONNECT (decided per format: CONNECT when TLS is not inspected)
    path: str
    bytes_out: int
    bytes_in: int
    blocked: bool


# Hour-of-day weights (UTC is used as local time: the demo company sits in one timezone).
WEEKDAY_HOURS = [0.15, 0.08, 0.05, 0.05, 0.06, 0.15, 0.5, 1.6, 4.2, 7.0, 8.0, 7.4,
                 5.0, 6.6, 7.6, 7.2, 6.1, 4.2, 2.1, 1.3, 1.0, 0.8, 0.5, 0.3]  # fmt: skip
WEEKEND_HOURS = [0.2, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5, 0.9, 1.2, 1.3,
                 1.2, 1.1, 1.1, 1.0, 1.0, 0.9, 0.8, 0.8, 0.7, 0.6, 0.4, 0.3]  # fmt: skip
WEEKEND_FACTOR = 0.1  # a weekend day carries about a tenth of a weekday's requests


def day_weights(days: int, end: date) -> list[tuple[date, float]]:
    start = end - timedelta(days=days - 1)
    out = []
    for i in range(days):
        day = start + timedelta(days=i)
        out.append((day, WEEKEND_FACTOR if day.weekday() >= 5 else 1.0))
    return out


class TrafficModel:
    """Draws events for a set of profiles. One instance per output file keeps files
    independent of each other's length while staying deterministic."""

    def __init__(self, profiles: list[Profile], rnd: random.Random) -> None:
        self.rnd = rnd
        self.profiles = profiles
        self.person_cum = _cum([p.activity for p in profiles])
        # For AI-only sources (an AI gateway sees nothing else): people who use AI at all.
        self.ai_people = [p for p in profiles if p.ai_share > 0] or profiles
        self.ai_person_cum = _cum([p.activity for p in self.ai_people])
        self.bg_cum = {
            group: _cum([s.weight * dict(s.departments).get(group, 1.0) for s in BACKGROUND_SITES])
            for group in GROUPS
        }
        self.unknown_cum = {
            group: _cum([s.weight * dict(s.departments).get(group, 1.0) for s in UNKNOWN_AI_SITES])
            for group in GROUPS
        }
        self.prohibited_cum = _cum([s.weight for s in PROHIBITED_SITES])
        self.host_cum = {
            id(site): (_cum([w for _, w in site.hosts]), [h for h, _ in site.hosts])
            for site in (*AI_SITES, *PROHIBITED_SITES, *UNKNOWN_AI_SITES, *LOOKALIKE_SITES,
                         *BACKGROUND_SITES)
        }  # fmt: skip

    def _pick(self, cum: list[float]) -> int:
        return bisect(cum, self.rnd.random() * cum[-1])

    def _host(self, site: Site) -> str:
        cum, hosts = self.host_cum[id(site)]
        return hosts[min(self._pick(cum), len(hosts) - 1)]

    def pick_site(self, person: Profile, growth: float) -> Site:
        """The destination of one request by `person`; growth scales AI use over time."""
        r = self.rnd.random()
        if r < LOOKALIKE_SHARE:
            return LOOKALIKE_SITES[0]
        r -= LOOKALIKE_SHARE
        ai = person.ai_share * growth
        if r < ai:
            if person.prohibited and self.rnd.random() < PROHIBITED_SHARE_OF_THEIR_AI:
                return PROHIBITED_SITES[self._pick(self.prohibited_cum)]
            return AI_SITES[min(self._pick(person.ai_cum), len(AI_SITES) - 1)]
        r -= ai
        if person.ai_share and r < UNKNOWN_SHARE * growth:
            return UNKNOWN_AI_SITES[self._pick(self.unknown_cum[person.group])]
        return BACKGROUND_SITES[
            min(self._pick(self.bg_cum[person.group]), len(BACKGROUND_SITES) - 1)
        ]

    def events(self, n: int, days: int, end: date, *, ai_only: bool = False) -> Iterator[Event]:
        """n events over `days` days ending on `end` (inclusive), in time order. A generator,
        so a file of any size is written without holding its events in memory. ai_only:
        leave out background traffic (for sources that only see AI tools)."""
        people, people_cum = (
            (self.ai_people, self.ai_person_cum) if ai_only else (self.profiles, self.person_cum)
        )
        rnd = self.rnd
        plan = day_weights(days, end)
        total = sum(w for _, w in plan)
        weekday_cum = _cum(WEEKDAY_HOURS)
        weekend_cum = _cum(WEEKEND_HOURS)
        remaining = n
        for index, (day, weight) in enumerate(plan):
            # Spread n over the days by weight; the last day takes the rounding remainder.
            count = remaining if index == len(plan) - 1 else round(n * weight / total)
            count = min(count, remaining)
            remaining -= count
            # AI use grows from 75% to 125% of its average over the period.
            growth = 0.75 + 0.5 * index / max(1, len(plan) - 1)
            midnight = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
            hours = weekend_cum if day.weekday() >= 5 else weekday_cum
            times = sorted(
                midnight
                + 3600 * min(23, bisect(hours, rnd.random() * hours[-1]))
                + rnd.random() * 3600
                for _ in range(count)
            )
            for ts in times:
                person = people[min(self._pick(people_cum), len(people) - 1)]
                site = self.pick_site(person, growth)
                tries = 0
                while ai_only and site.kind == "background":
                    tries += 1
                    site = (
                        self.pick_site(person, growth)
                        if tries < 30
                        else AI_SITES[min(self._pick(person.ai_cum), len(AI_SITES) - 1)]
                    )
                post = rnd.random() < site.post_share
                bytes_out = int(rnd.lognormvariate(7.5 if post else 6.2, 1.0))
                bytes_in = int(rnd.lognormvariate(9.0, 1.3))
                blocked = site.kind == "lookalike" and rnd.random() < 0.7
                yield Event(
                    ts=ts,
                    person=person,
                    site=site,
                    host=self._host(site),
                    method="POST" if post else "GET",
                    path=rnd.choice(site.paths),
                    bytes_out=bytes_out,
                    bytes_in=0 if blocked else bytes_in,
                    blocked=blocked,
                )
