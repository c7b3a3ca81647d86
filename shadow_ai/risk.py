"""The risk score of a shadow-AI tool: a documented formula, pure functions, no Django.

    risk = 100 x T x S x (0.5 + 0.5 x E) x (0.5 + 0.5 x D)          (0 to 100)

T, the tool's own risk (0-1), adds the weight of every risk attribute that is not shown
to be safe. An unknown attribute (a discovered tool has none) counts as unsafe: the
burden of proof is on the tool.

    trains on user data by default (or unknown)        0.30
    retention longer than 30 days (or unknown)         0.15   (30 days or less: 0.05)
    no enterprise plan                                 0.15
    no data-residency choice                           0.15
    no SSO                                             0.10
    no SOC 2                                           0.10
    no ISO 27001                                       0.05

S, the sanction status: approved 0.2, approved with conditions 0.4, under review 0.7,
unreviewed 0.8, prohibited 1.0 (use of a prohibited tool is a breach of policy).

E, exposure (0-1), how much the tool is used in the period:
    E = 0.6 x sqrt(users / members) + 0.4 x log10(1 + events) / log10(1 + max_events)
where max_events is the largest event count of any tool of the organisation in the period.
The square root lets a tool used by a quarter of the organisation count half.

D, sensitivity of the departments using it (0-1): the user-weighted mean of each
department's sensitivity (from the job tracks of its people; see DEPARTMENT_SENSITIVITY).

Exposure and sensitivity are halved and floored at 0.5 so that a prohibited, untrustworthy
tool used by one person in marketing still scores 25 - the tool's risk is not hidden by low
use - while use by everyone in finance doubles it.

Privacy: users, events and the department mix come from privacy releases. When the tool's
users are withheld (fewer than the anonymity threshold), the caller passes the threshold as
users and volume None (taken as 0.5), and the mean sensitivity of the organisation's
departments: the score then says nothing about the few people.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

ATTRIBUTE_WEIGHTS = {
    "trains_on_user_data": 0.30,
    "retention": 0.15,
    "enterprise_plan": 0.15,
    "data_residency": 0.15,
    "sso": 0.10,
    "soc2": 0.10,
    "iso27001": 0.05,
}
SHORT_RETENTION_DAYS = 30
SHORT_RETENTION_WEIGHT = 0.05

STATUS_FACTOR = {
    "approved": 0.2,
    "approved_with_conditions": 0.4,
    "under_review": 0.7,
    "unreviewed": 0.8,
    "prohibited": 1.0,
}

# How sensitive the data a job track handles is, 0-1. A department's sensitivity is the
# mean over its people's tracks (people with no track count as DEFAULT_SENSITIVITY).
DEPARTMENT_SENSITIVITY = {
    "hr": 1.0,
    "finance": 1.0,
    "leadership": 0.9,
    "customer_support": 0.8,
    "sales": 0.6,
    "engineering": 0.6,
    "operations": 0.5,
    "product": 0.4,
    "marketing": 0.4,
}
DEFAULT_SENSITIVITY = 0.5

BANDS = ((50.0, "high"), (20.0, "medium"), (0.0, "low"))


@dataclass(frozen=True)
class ToolAttributes:
    """The catalogue's risk attributes; None means unknown (a discovered tool)."""

    trains_on_user_data: bool | None = None
    retention_days: int | None = None
    enterprise_plan: bool | None = None
    sso: bool | None = None
    soc2: bool | None = None
    iso27001: bool | None = None
    data_residency: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RiskInputs:
    attributes: ToolAttributes
    status: str
    users: int  # people using the tool in the period (or the threshold when withheld)
    members: int  # active members of the organisation
    events: int | None  # None when withheld
    max_events: int  # the largest event count of any tool in the period
    department_sensitivity: float  # 0-1, see department_mix


@dataclass(frozen=True)
class Risk:
    score: float  # 0-100, one decimal
    band: str  # low | medium | high
    tool_risk: float  # T
    status_factor: float  # S
    exposure: float  # E
    sensitivity: float  # D
    reasons: list[str] = field(default_factory=list)  # the attributes that added to T


def tool_risk(attributes: ToolAttributes) -> tuple[float, list[str]]:
    """T and the attributes that make it up (the words shown on the page)."""
    a = attributes
    reasons: list[tuple[str, float]] = []
    if a.trains_on_user_data is not False:
        reasons.append(
            (
                "trains on user data by default"
                if a.trains_on_user_data
                else "training on user data unknown",
                ATTRIBUTE_WEIGHTS["trains_on_user_data"],
            )
        )
    if a.retention_days is None:
        reasons.append(("retention unknown", ATTRIBUTE_WEIGHTS["retention"]))
    elif a.retention_days > SHORT_RETENTION_DAYS:
        reasons.append((f"keeps data {a.retention_days} days", ATTRIBUTE_WEIGHTS["retention"]))
    elif a.retention_days > 0:
        reasons.append((f"keeps data {a.retention_days} days", SHORT_RETENTION_WEIGHT))
    for name, label in (
        ("enterprise_plan", "no enterprise plan"),
        ("sso", "no SSO"),
        ("soc2", "no SOC 2"),
        ("iso27001", "no ISO 27001"),
    ):
        if getattr(a, name) is not True:
            text = label if getattr(a, name) is False else f"{label[3:]} unknown"
            reasons.append((text, ATTRIBUTE_WEIGHTS[name]))
    if not a.data_residency:
        reasons.append(("no data-residency choice", ATTRIBUTE_WEIGHTS["data_residency"]))
    total = round(sum(weight for _, weight in reasons), 4)
    return min(1.0, total), [f"{text} (+{weight:.2f})" for text, weight in reasons]


def exposure(*, users: int, members: int, events: int | None, max_events: int) -> float:
    """E: 0.6 x sqrt(users/members) + 0.4 x log10(1+events)/log10(1+max_events)."""
    share = min(1.0, users / members) if members > 0 else 0.0
    if events is None:
        volume = 0.5
    elif max_events <= 0:
        volume = 0.0
    else:
        volume = min(1.0, math.log10(1 + events) / math.log10(1 + max_events))
    return 0.6 * math.sqrt(share) + 0.4 * volume


def department_sensitivity(tracks: Mapping[str, int]) -> float:
    """A department's sensitivity: the mean over its people's job tracks ({track: people})."""
    people = sum(tracks.values())
    if people == 0:
        return DEFAULT_SENSITIVITY
    return (
        sum(DEPARTMENT_SENSITIVITY.get(t, DEFAULT_SENSITIVITY) * n for t, n in tracks.items())
        / people
    )


def department_mix(
    published: Mapping[object, int],
    sensitivity: Mapping[object, float],
    *,
    residual: int = 0,
    residual_keys: frozenset = frozenset(),
) -> float:
    """D: the user-weighted mean sensitivity of the departments using a tool.

    `published` holds the released users per department; `residual` the users of the
    withheld departments together (total minus published, which the release shows anyway),
    weighted at the mean sensitivity of those withheld departments - no withheld count
    enters the score.
    """
    weighted = sum(n * sensitivity.get(k, DEFAULT_SENSITIVITY) for k, n in published.items())
    people = sum(published.values())
    if residual and residual_keys:
        mean = sum(sensitivity.get(k, DEFAULT_SENSITIVITY) for k in residual_keys) / len(
            residual_keys
        )
        weighted += residual * mean
        people += residual
    if people == 0:
        values = list(sensitivity.values())
        return sum(values) / len(values) if values else DEFAULT_SENSITIVITY
    return weighted / people


def band(score: float) -> str:
    return next(name for floor, name in BANDS if score >= floor)


def risk_score(inputs: RiskInputs) -> Risk:
    t, reasons = tool_risk(inputs.attributes)
    s = STATUS_FACTOR.get(inputs.status, STATUS_FACTOR["unreviewed"])
    e = exposure(
        users=inputs.users,
        members=inputs.members,
        events=inputs.events,
        max_events=inputs.max_events,
    )
    d = min(1.0, max(0.0, inputs.department_sensitivity))
    score = round(100 * t * s * (0.5 + 0.5 * e) * (0.5 + 0.5 * d), 1)
    return Risk(
        score=score,
        band=band(score),
        tool_risk=round(t, 4),
        status_factor=s,
        exposure=round(e, 4),
        sensitivity=round(d, 4),
        reasons=reasons,
    )
