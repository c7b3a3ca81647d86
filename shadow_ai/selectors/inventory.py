"""The inventory: per tool users, events, trend, departments, task categories, sensitive
events and risk; the tools x departments heatmap. Reads DailyRollup (never raw events),
one GROUP BY per question, in the organisation's context.

Privacy (docs/shadow_ai.md): each tool's users are a partition by department, protected
with privacy.protect (rules 1-3); the tool's headline (users, events, sensitive events)
is that release's total, so a tool used by fewer than the threshold shows no figures, and
its risk is computed from stand-ins (shadow_ai.risk). Trends are protect_series.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

import privacy
from shadow_ai import risk as riskmod
from shadow_ai.models import (
    CatalogueTool,
    PromptRecord,
    ShadowSettings,
    TaskCategory,
    Tool,
    ToolStatus,
)
from tenancy.models import Department, Membership

NO_DEPARTMENT = "none"
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def default_period(days: int = DEFAULT_DAYS, today: date | None = None) -> Period:
    end = today or timezone.now().date()
    return Period(end - timedelta(days=days - 1), end)


def shadow_settings() -> ShadowSettings:
    """The organisation's settings, or the defaults (unsaved: a read never writes)."""
    from tenancy.context import current_org_id

    return ShadowSettings.objects.first() or ShadowSettings(organization_id=current_org_id())


def departments(department_ids: list[int] | None = None) -> dict[object, str]:
    """Every department by key, "none" included; or only the given ones (a manager's)."""
    if department_ids is not None:
        rows = Department.objects.filter(pk__in=department_ids).order_by("name")
        return {d.pk: d.name for d in rows}
    names = {d.pk: d.name for d in Department.objects.order_by("name")}
    names[NO_DEPARTMENT] = "No department"
    return names


def department_sensitivities(department_ids: list[int] | None = None) -> dict[object, float]:
    """Each department's sensitivity (shadow_ai.risk), from its active people's tracks."""
    from django.db.models import Count

    tracks: dict[object, dict[str, int]] = defaultdict(dict)
    rows = (
        Membership.objects.filter(is_active=True)
        .values_list("department_id", "job_track")
        .annotate(n=Count("id"))
        .order_by()
    )
    for department_id, track, n in rows:
        key = department_id or NO_DEPARTMENT
        tracks[key][track] = tracks[key].get(track, 0) + n
    return {
        key: riskmod.department_sensitivity(tracks.get(key, {}))
        for key in departments(department_ids)
    }


def active_members(department_ids: list[int] | None = None) -> int:
    members = Membership.objects.filter(is_active=True)
    if department_ids is not None:
        members = members.filter(department_id__in=department_ids)
    return members.count()


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def quarters_of(period: Period) -> int:
    """How many whole calendar quarters the period is (what QuarterRollup sums); 0 when
    it is not made of whole quarters."""
    after = period.end + timedelta(days=1)
    if not (period.start.day == 1 and period.start.month % 3 == 1):
        return 0
    if not (after.day == 1 and after.month % 3 == 1):
        return 0
    return ((after.year - period.start.year) * 12 + after.month - period.start.month) // 3


# Per member, tool and department over the period, from the daily rollups or, for whole
# quarters, from QuarterRollup (which keeps 0 for "none"; NULL here, as in the daily rows).
# One quarter's rows are already one per member, tool and department. Sums of int4 add up
# in int8, sums of int8 in numeric (several times slower); a member's events on a tool in
# a quarter fit in int4.
MEMBER_USAGE_DAYS = """
    SELECT tool_id, department_id, membership_id, sum(events::int) AS events,
           sum(sensitive_events::int) AS sensitive
    FROM shadow_ai_dailyrollup
    WHERE organization_id = %(org)s AND day BETWEEN %(start)s AND %(end)s{departments}
    GROUP BY 1, 2, 3
"""
MEMBER_USAGE_QUARTER = """
    SELECT tool_id, nullif(department_id, 0) AS department_id,
           nullif(membership_id, 0) AS membership_id, events::int AS events,
           sensitive_events::int AS sensitive
    FROM shadow_ai_quarterrollup
    WHERE organization_id = %(org)s AND quarter = %(start)s{departments}
"""
MEMBER_USAGE_QUARTERS = """
    SELECT tool_id, nullif(department_id, 0) AS department_id,
           nullif(membership_id, 0) AS membership_id, sum(events::int) AS events,
           sum(sensitive_events::int) AS sensitive
    FROM shadow_ai_quarterrollup
    WHERE organization_id = %(org)s AND quarter BETWEEN %(start)s AND %(end)s{departments}
    GROUP BY 1, 2, 3
"""
# A manager's departments only (their scope is a population of its own, as in fluency).
IN_DEPARTMENTS = "\n      AND department_id = ANY(%(departments)s::bigint[])"
# Two answers from one pass: per tool and department, the members using it (unmapped
# identities add events, not people); per department, the members using any tool.
USAGE_CELLS = """
    WITH usage AS ({members})
    SELECT GROUPING(tool_id) = 1, tool_id, department_id, count(DISTINCT membership_id),
           sum(events)::bigint, sum(sensitive)::bigint
    FROM usage
    GROUP BY GROUPING SETS ((tool_id, department_id), (department_id))
"""


@dataclass
class Usage:
    cells: list[tuple]  # (tool_id, department_id, users, events, sensitive_events)
    detected: dict[object, int]  # members using any AI tool, per department key


def usage(period: Period, department_ids: list[int] | None = None) -> Usage:
    """Who used which tool how much, per tool and department, and who used any, per
    department: counted in PostgreSQL, so only about (tools x departments) rows come back.
    A period of whole quarters reads QuarterRollup (one row per member and tool a quarter),
    any other the daily rollups. With department_ids, only those departments' rows."""
    from tenancy.context import current_org_id

    quarters = quarters_of(period)
    members = {0: MEMBER_USAGE_DAYS, 1: MEMBER_USAGE_QUARTER}.get(quarters, MEMBER_USAGE_QUARTERS)
    with connection.cursor() as cursor:
        # The planner cannot know that (tool, department, member) has few combinations and
        # would sort the daily rows on disk; a larger work_mem for this transaction lets
        # it hash them in memory (about 10 MB at 10 million events).
        cursor.execute("SET LOCAL work_mem = '64MB'")
    scoped = IN_DEPARTMENTS if department_ids is not None else ""
    rows = _rows(
        USAGE_CELLS.format(members=members.format(departments=scoped)),
        {
            "org": current_org_id(),
            "start": period.start,
            "end": period.end,
            "departments": list(department_ids or []),
        },
    )
    cells, detected = [], {}
    for per_department, tool_id, department_id, users, events, sensitive in rows:
        if per_department:
            detected[department_id or NO_DEPARTMENT] = users
        else:
            cells.append((tool_id, department_id, users, events, sensitive))
    return Usage(cells, detected)


def tool_week_rows(period: Period, tool_ids: list[int] | None = None) -> list[tuple]:
    """(tool_id, week start, users, events) for the trend."""
    from tenancy.context import current_org_id

    return _rows(
        """
        SELECT tool_id, date_trunc('week', day)::date, count(DISTINCT membership_id),
               sum(events)::bigint
        FROM shadow_ai_dailyrollup
        WHERE organization_id = %(org)s AND day BETWEEN %(start)s AND %(end)s
          AND (%(tools)s::bigint[] IS NULL OR tool_id = ANY(%(tools)s::bigint[]))
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        {"org": current_org_id(), "start": period.start, "end": period.end, "tools": tool_ids},
    )


@dataclass
class ToolRow:
    tool: Tool
    release: privacy.Release  # users per department, sums events / sensitive
    risk: riskmod.Risk
    inputs: dict = field(default_factory=dict)  # what went into the risk score, for the page

    @property
    def users(self) -> int | None:
        return self.release.total.count

    @property
    def events(self) -> int | None:
        value = self.release.total.sum("events")
        return None if value is None else int(value)

    @property
    def sensitive_events(self) -> int | None:
        value = self.release.total.sum("sensitive")
        return None if value is None else int(value)

    @property
    def suppressed(self) -> bool:
        return self.release.total.suppressed


@dataclass
class Inventory:
    period: Period
    threshold: int
    members: int
    rows: list[ToolRow]
    departments: dict[object, str]
    detected: dict[object, int] = field(default_factory=dict)  # members using AI, per dept

    @property
    def empty(self) -> bool:
        return not self.rows


def attributes_of(tool: Tool, catalogue: CatalogueTool | None) -> riskmod.ToolAttributes:
    if catalogue is None:
        return riskmod.ToolAttributes()
    return riskmod.ToolAttributes(
        trains_on_user_data=catalogue.trains_on_user_data,
        retention_days=catalogue.retention_days,
        enterprise_plan=catalogue.enterprise_plan,
        sso=catalogue.sso,
        soc2=catalogue.soc2,
        iso27001=catalogue.iso27001,
        data_residency=tuple(catalogue.data_residency),
    )


def inventory(
    *, organization, period: Period | None = None, department_ids: list[int] | None = None
) -> Inventory:
    """Every tool with use in the period, most risky first. With department_ids (a
    manager's), only those departments: their people are the population, so each tool's
    users are released per department within it, and its risk reads the scope's size."""
    period = period or default_period()
    threshold = privacy.threshold_for(organization)
    names = departments(department_ids)
    used = usage(period, department_ids)
    per_tool: dict[int, dict[object, tuple[int, int, int]]] = defaultdict(dict)
    for tool_id, department_id, users, events, sensitive in used.cells:
        per_tool[tool_id][department_id or NO_DEPARTMENT] = (users, events, sensitive)
    tools = Tool.objects.filter(pk__in=per_tool).select_related("catalogue_tool")
    members = active_members(department_ids)
    sensitivity = department_sensitivities(department_ids)
    releases = {}
    none = (0, 0, 0)
    for tool in tools:
        cells = per_tool[tool.pk]
        groups = []
        for key in names:
            users, events, sensitive = cells.get(key, none)
            groups.append(privacy.Group(key, users, {"events": events, "sensitive": sensitive}))
        releases[tool.pk] = privacy.protect(groups, threshold=threshold)
    published_events = [r.total.sum("events") for r in releases.values() if not r.total.suppressed]
    max_events = int(max(published_events, default=0))
    rows = []
    for tool in tools:
        release = releases[tool.pk]
        rows.append(_tool_row(tool, release, members, max_events, sensitivity, threshold))
    rows.sort(key=lambda r: (-r.risk.score, r.tool.name))
    return Inventory(period, threshold, members, rows, names, used.detected)


def _tool_row(tool, release, members, max_events, sensitivity, threshold) -> ToolRow:
    total = release.total
    if total.suppressed:
        users, events = threshold, None
        mix = riskmod.department_mix({}, sensitivity)
    else:
        users, events = total.count, int(total.sum("events"))
        published = {c.key: c.count for c in release.published}
        residual = total.count - sum(published.values())
        mix = riskmod.department_mix(
            published,
            sensitivity,
            residual=residual,
            residual_keys=release.suppressed_keys,
        )
    attributes = attributes_of(tool, tool.catalogue_tool)
    inputs = riskmod.RiskInputs(
        attributes=attributes,
        status=tool.status,
        users=users,
        members=members,
        events=events,
        max_events=max(max_events, events or 0),
        department_sensitivity=mix,
    )
    return ToolRow(
        tool,
        release,
        riskmod.risk_score(inputs),
        {
            "users": users,
            "members": members,
            "events": events,
            "max_events": inputs.max_events,
            "withheld": total.suppressed,
        },
    )


def tool_detail(*, organization, tool: Tool, period: Period | None = None) -> dict:
    """One tool: its inventory row, weekly trend, departments and task categories."""
    period = period or default_period()
    threshold = privacy.threshold_for(organization)
    inv = inventory(organization=organization, period=period)
    row = next((r for r in inv.rows if r.tool.pk == tool.pk), None)
    weeks: dict[date, list] = {}
    for _, week, users, events in tool_week_rows(period, [tool.pk]):
        weeks[week] = [privacy.Group("tool", users, {"events": events})]
    trend = privacy.protect_series(weeks, threshold=threshold) if weeks else {}
    tasks = []
    if row is not None and not row.suppressed:
        tasks = _task_counts(tool, period)
    return {
        "row": row,
        "trend": [(week, trend[week]["tool"]) for week in sorted(trend)],
        "tasks": tasks,
        "departments": inv.departments,
        "threshold": threshold,
        "period": period,
    }


@dataclass
class TaskRow:
    category: str
    label: str
    people: privacy.Cell  # members with prompts in the category, sum "prompts"


def task_people(*, organization, period: Period, department_ids: list[int]) -> list[TaskRow]:
    """What the departments' people use AI tools for: per task category (from the prompts
    the gateway or API carried), how many of them and how many prompts, most people first.
    A person counts in every category they used, so the categories do not partition the
    people and no total is shown: each is its own population (privacy rule 1)."""
    from tenancy.context import current_org_id

    threshold = privacy.threshold_for(organization)
    labels = dict(TaskCategory.choices)
    rows = _rows(
        """
        SELECT task_category, count(DISTINCT membership_id), count(*)
        FROM shadow_ai_promptrecord
        WHERE organization_id = %(org)s AND task_category <> ''
          AND membership_id IS NOT NULL AND department_id = ANY(%(departments)s::bigint[])
          AND ts >= %(start)s AND ts < %(end)s::date + 1
        GROUP BY 1 ORDER BY 2 DESC, 1
        """,
        {
            "org": current_org_id(),
            "departments": list(department_ids),
            "start": period.start,
            "end": period.end,
        },
    )
    return [
        TaskRow(
            category,
            labels.get(category, category),
            privacy.protect_population(
                people, {"prompts": prompts}, threshold=threshold, key=category
            ),
        )
        for category, people, prompts in rows
    ]


def _task_counts(tool: Tool, period: Period) -> list[tuple[str, int]]:
    from django.db.models import Count

    rows = (
        PromptRecord.objects.filter(tool=tool, ts__date__gte=period.start, ts__date__lte=period.end)
        .exclude(task_category="")
        .values("task_category")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [(r["task_category"], r["n"]) for r in rows]


@dataclass
class Heatmap:
    tools: list[str]
    departments: list[str]
    cells: list[list[int | None]]  # users, None where withheld
    why: list[list[str]]


def heatmap(inv: Inventory) -> Heatmap:
    """Tools x departments from the inventory's releases (users; None where withheld)."""
    keys = [k for k in inv.departments]
    rows = [r for r in inv.rows if not r.suppressed]
    cells, why = [], []
    for row in rows:
        cells.append([row.release[k].count for k in keys])
        why.append([row.release[k].why for k in keys])
    return Heatmap([r.tool.name for r in rows], [inv.departments[k] for k in keys], cells, why)


@dataclass
class DepartmentShare:
    """One department's part of the inventory: each tool's published cell for it (the
    heatmap's cells, read through Release.view), so nothing here is new to a viewer of the
    heatmap. A tool counts only where the threshold of the department's people use it."""

    key: object
    cells: list[tuple[ToolRow, privacy.Cell]]  # published cells only, in inventory order

    @property
    def rows(self) -> list[ToolRow]:
        return [row for row, _ in self.cells]

    def total(self, measure: str, *, band: str | None = None) -> int:
        """The sum of a measure ("events", "sensitive") over the cells, or over the cells of
        tools in one risk band."""
        return sum(
            int(cell.sum(measure) or 0)
            for row, cell in self.cells
            if band is None or row.risk.band == band
        )


def department_share(inv: Inventory, department_id: object) -> DepartmentShare:
    """The department's share of the inventory; KeyError for a department not in it."""
    if department_id not in inv.departments:
        raise KeyError(department_id)
    cells = []
    for row in inv.rows:
        cell = row.release.view([department_id], key=department_id)
        if not cell.suppressed and cell.count:
            cells.append((row, cell))
    return DepartmentShare(department_id, cells)


def unreviewed_tools():
    return Tool.objects.filter(status=ToolStatus.UNREVIEWED).order_by("-discovered_at", "name")


def blocklist_domains() -> list[str]:
    """The domains of every prohibited tool, sorted, without duplicates."""
    domains: set[str] = set()
    for tool in Tool.objects.filter(status=ToolStatus.PROHIBITED).select_related("catalogue_tool"):
        domains.update(tool.domains)
        if tool.catalogue_tool is not None:
            domains.update(tool.catalogue_tool.domains)
    return sorted(d.strip().lower().lstrip(".") for d in domains if d.strip())


def squid_acl(domains: list[str], *, name: str = "shadow_ai_prohibited") -> str:
    """A Squid ACL: dstdomain with a leading dot (the domain and its subdomains); patterns
    with a one-label wildcard become dstdom_regex lines."""
    plain = [d for d in domains if "*" not in d]
    wild = [d for d in domains if "*" in d]
    lines = ["# Prohibited AI tools, exported from the shadow-AI inventory."]
    lines += [f"acl {name} dstdomain .{d}" for d in plain]
    for d in wild:
        pattern = r"\.".join("[^.]+" if label == "*" else label for label in d.split("."))
        lines.append(f"acl {name} dstdom_regex -i (^|\\.){pattern}$")
    if plain or wild:
        lines.append(f"http_access deny {name}")
    return "\n".join(lines) + "\n"
