"""The contract between the modules and the reports: plain dataclasses, no Django models.

A module's section provider returns a `Section` of `Fact`s and `Chart`s for a `Period`.
Fact keys ("fluency.share_at_bar", "roi.pilots_failing_graduation", ...) are what the
recommendation rules and the prose templates read (docs/reports.md lists them).
"""

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

Value = int | float | Decimal | str | None
UNITS = {"count", "percent", "money", "pp", "days", "months", "text"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter must be 1-4, got {quarter}")
        start = date(year, 3 * quarter - 2, 1)
        next_start = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        return cls(start, next_start - timedelta(days=1), f"{year}-Q{quarter}")

    @classmethod
    def parse(cls, label: str) -> "Period":
        """'2026-Q3' -> the period; ValueError saying what is wrong otherwise."""
        year, sep, quarter = label.strip().upper().partition("-Q")
        if not sep or not year.isdigit() or not quarter.isdigit():
            raise ValueError(f"a quarter is written like 2026-Q3, not {label!r}")
        return cls.quarter(int(year), int(quarter))

    @classmethod
    def containing(cls, day: date) -> "Period":
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    def previous(self) -> "Period":
        return Period.containing(self.start - timedelta(days=1))

    def recent(self, count: int) -> list["Period"]:
        """This period and the `count - 1` before it, newest first."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out


@dataclass
class Fact:
    key: str
    label: str
    value: Value
    unit: str
    source: dict  # {"module": ..., "query": ..., "period": ...}
    link: str = ""
    suppressed: bool = False
    previous: Value = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"fact {self.key}: unknown unit {self.unit!r}")

    @property
    def available(self) -> bool:
        return not self.suppressed and self.value is not None

    @property
    def change(self) -> float | None:
        if not self.available or self.previous is None or isinstance(self.value, str):
            return None
        return float(self.value) - float(self.previous)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar | line | heatmap
    columns: list[str]
    rows: list[list]

    def plot(self) -> dict:
        """What static/js/charts.js draws: the first column against the second."""
        if self.kind == "heatmap":
            return {
                "x": self.columns[1:],
                "y": [r[0] for r in self.rows],
                "z": [r[1:] for r in self.rows],
            }
        return {"x": [r[0] for r in self.rows], "y": [r[1] for r in self.rows]}


@dataclass
class Section:
    key: str
    title: str
    facts: list[Fact] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    empty: bool = False
    empty_message: str = ""
    empty_link: str = ""

    def fact(self, key: str) -> Fact | None:
        return next((f for f in self.facts if f.key == key), None)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Section":
        """The inverse of as_dict (a stored dashboard snapshot back into a Section)."""
        data = dict(data)
        facts = [Fact(**f) for f in data.pop("facts", [])]
        charts = [Chart(**c) for c in data.pop("charts", [])]
        return cls(**data, facts=facts, charts=charts)
