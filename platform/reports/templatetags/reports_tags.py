from django import template

from reports.prose import display

register = template.Library()


@register.filter
def fact_value(fact, currency: str = "") -> str:
    return display(fact, currency)


@register.filter
def fact_change(fact) -> str:
    """'+6 points on the previous', or ''."""
    get = fact.get if isinstance(fact, dict) else lambda k: getattr(fact, k)
    value, previous = get("value"), get("previous")
    if get("suppressed") or previous is None or value is None or isinstance(value, str):
        return ""
    delta = float(value) - float(previous)
    unit = " points" if get("unit") == "percent" else ""
    if delta == 0:
        return "unchanged"
    shown = f"{delta:+,.0f}" if float(delta).is_integer() or abs(delta) >= 10 else f"{delta:+,.2f}"
    return f"{shown}{unit} on the previous"
