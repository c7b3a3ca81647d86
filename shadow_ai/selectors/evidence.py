"""From shadow to strategy: the evidence for a use case, as the field values of roi's
intake (plain data; shadow_ai does not import roi - core.shadow_strategy hands these to
roi.services.use_cases.use_case_propose).

A "cluster" is a category of tools (e.g. every coding assistant in use): the usage of all
its tools together.
"""

from shadow_ai.models import Category, Tool
from shadow_ai.selectors.inventory import Inventory, _task_counts

TASK_TYPE = {
    "coding": "code_completion",
    "meetings": "summarisation",
    "search": "open_reasoning",
    "writing": "creative",
    "chat": "open_reasoning",
}
SENSITIVITY_ORDER = ("public", "internal", "confidential", "restricted")


def _describe(rows, inventory: Inventory, label: str) -> dict:
    published = [r for r in rows if not r.suppressed]
    users = sum(r.users or 0 for r in published)
    events = sum(int(r.events or 0) for r in published)
    sensitive = sum(int(r.sensitive_events or 0) for r in published)
    departments: dict[str, int] = {}
    for row in published:
        for cell in row.release.published:
            if cell.count:
                name = inventory.departments[cell.key]
                departments[name] = departments.get(name, 0) + cell.count
    tasks: dict[str, int] = {}
    for row in published:
        for task, n in _task_counts(row.tool, inventory.period):
            tasks[task] = tasks.get(task, 0) + n
    top_departments = sorted(departments, key=lambda d: -departments[d])[:4]
    top_tasks = sorted(tasks, key=lambda t: -tasks[t])[:4]
    days = inventory.period.days
    lines = [
        f"Evidence from the shadow-AI inventory, {inventory.period.start} to "
        f"{inventory.period.end}:",
        f"- tools: {', '.join(r.tool.name for r in rows)}",
    ]
    if published:
        lines += [
            f"- people using them: {users}",
            f"- requests seen: {events} ({round(events / days)} a day)",
            f"- departments: {', '.join(top_departments) or 'withheld (small groups)'}",
            "- task categories: "
            + (
                ", ".join(t.replace("_", " ") for t in top_tasks)
                or "not known (no prompt text in the logs)"
            ),
            f"- requests with sensitive data: {sensitive}",
        ]
    else:
        lines.append(f"- fewer than {inventory.threshold} people use them: figures withheld")
    return {
        "title": f"Sanctioned {label}"[:200],
        "problem": (f"People already use {label} without an approved tool. " + "\n".join(lines)),
        "process": ", ".join(t.replace("_", " ") for t in top_tasks),
        "expected_benefits": (
            "Bring existing shadow use under an approved, governed tool: keep the time "
            "people already save, remove the data-protection risk of unapproved services."
        ),
        "expected_users": users,
        "daily_requests": round(events / days) if published else 0,
        "ai_type": "generative",
        "sourcing": "vendor",
        "personal_data": sensitive > 0,
        "sensitivity": "confidential" if sensitive else "internal",
    }


def use_case_from_tool(*, inventory: Inventory, tool: Tool) -> dict:
    rows = [r for r in inventory.rows if r.tool.pk == tool.pk]
    values = _describe(rows, inventory, f"use of {tool.name}")
    values["title"] = f"Sanctioned {tool.name} for the people already using it"[:200]
    if tool.category in TASK_TYPE:
        values["task_type"] = TASK_TYPE[tool.category]
    return values


def use_case_from_category(*, inventory: Inventory, category: str) -> dict:
    if category not in Category.values:
        raise ValueError(f"no such category {category!r}")
    rows = [r for r in inventory.rows if r.tool.category == category]
    label = Category(category).label.lower()
    values = _describe(rows, inventory, f"{label}s" if not label.endswith("s") else label)
    if category in TASK_TYPE:
        values["task_type"] = TASK_TYPE[category]
    return values
