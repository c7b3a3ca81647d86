"""The fallback prose: each section written from the facts as an analyst would.

For every figure: where it stands, how it moved since the previous period, what that
means and what to do. Several templates say each thing; the choice is seeded by the
organisation and period, so a report reads the same every time it is drafted from the
same facts, and two sections or two quarters do not read alike. The model only rewords
this text (slm.services.draft_grounded); when its draft is refused, this is the text.

Recommendations come from rules over the facts (`recommendations`): the model never
invents one.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from reports.facts import flat, section_of


@dataclass
class Ctx:
    facts: dict[str, dict]
    currency: str
    period: str
    previous_period: str
    rng: random.Random

    def value(self, key: str):
        fact = self.facts.get(key)
        if not fact or fact.get("suppressed"):
            return None
        return fact.get("value")

    def previous(self, key: str):
        fact = self.facts.get(key)
        return None if not fact or fact.get("suppressed") else fact.get("previous")

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def money(self, value) -> str:
        return f"{self.currency} {number(value)}"


def number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{int(value):,}"


def display(fact, currency: str = "") -> str:
    """A fact's value as shown on the pages and in the PDF (a Fact or its dict)."""
    get = fact.get if isinstance(fact, dict) else lambda k: getattr(fact, k)
    if get("suppressed"):
        return "withheld (too few people)"
    value = get("value")
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        return value
    unit = get("unit")
    if unit == "percent":
        return f"{number(value)}%"
    if unit == "money":
        return f"{currency} {number(value)}".strip()
    if unit == "pp":
        return f"{number(value)} points"
    if unit == "months":
        return f"month {number(value)}"
    return number(value)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def context(document: dict, section_key: str) -> Ctx:
    seed = f"{document['organization']}:{document['period']['label']}:{section_key}"
    return Ctx(
        flat(document),
        document.get("currency", ""),
        document["period"]["label"],
        document.get("previous_period", ""),
        random.Random(seed),
    )


def _empty(document: dict, key: str) -> str | None:
    section = section_of(document, key)
    if section is None or section["empty"]:
        return (section or {}).get("empty_message") or "No figures for this section yet."
    return None


def fluency(c: Ctx) -> str:
    share, prev = c.value("fluency.share_at_bar"), c.previous("fluency.share_at_bar")
    bar, campaign = c.value("fluency.bar"), c.value("fluency.campaign")
    assessed = c.value("fluency.assessed")
    out = []
    if share is None:
        out.append("The share of people at the bar is withheld: too few respondents.")
    elif prev is None:
        out.append(
            c.pick(
                f"{share}% of the {number(assessed)} people assessed in {campaign} are at or "
                f"above {bar}. This is the first campaign with enough results to compare, so "
                "the next one will show the direction.",
                f"In {campaign}, {share}% of the {number(assessed)} people assessed reached "
                f"{bar} or better. There is no earlier campaign to compare with yet.",
            )
        )
    else:
        delta = share - prev
        if delta > 0:
            out.append(
                c.pick(
                    f"The share at or above {bar} rose from {prev}% to {share}% in {campaign}, "
                    f"a gain of {delta} points across {number(assessed)} people assessed.",
                    f"Fluency is moving the right way: {share}% of the people assessed in "
                    f"{campaign} now reach {bar}, against {prev}% in the previous campaign.",
                    f"{share}% of staff assessed in {campaign} reach {bar}, up {delta} points "
                    f"on the previous campaign's {prev}%.",
                )
            )
        elif delta < 0:
            out.append(
                c.pick(
                    f"The share at or above {bar} fell from {prev}% to {share}% in {campaign}, "
                    f"{-delta} points lower than the previous campaign.",
                    f"Fluency slipped: {share}% of the people assessed in {campaign} reach "
                    f"{bar}, down from {prev}%.",
                )
            )
        else:
            out.append(
                f"The share at or above {bar} held at {share}% in {campaign}, the same as in "
                "the previous campaign."
            )
    if share is not None:
        out.append(
            c.pick(
                "Most of the organisation is still below the bar, so the gains from AI "
                "depend on a minority of confident users."
                if share < 50
                else "More than half of those assessed now work at the bar, which is the base "
                "that broad adoption needs.",
                "With fewer than half at the bar, training is still the first lever."
                if share < 50
                else "A majority at the bar means the next gains come from the weakest skills, "
                "not from general awareness.",
            )
        )
    weakest, score = c.value("fluency.weakest_competency"), c.value("fluency.weakest_score")
    if weakest:
        out.append(
            c.pick(
                f"The weakest competency is {weakest}, with a mean score of {number(score)} "
                "out of 100; that is where training will move the figure most.",
                f"{weakest} scores lowest ({number(score)} out of 100 on average) and is the "
                "place to focus the next round of training.",
            )
        )
    coverage = c.value("fluency.article4_coverage")
    if coverage is not None:
        tail = (
            " Assess the remaining staff so the Article 4 record does not lapse."
            if coverage < 80
            else " The record is in good shape."
        )
        out.append(
            c.pick(
                f"{coverage}% of active staff hold an assessment record less than 12 months "
                "old, the evidence of AI literacy that Article 4 of the EU AI Act asks for.",
                f"Article 4 coverage stands at {coverage}% of active staff with a current "
                "assessment record.",
            )
            + tail
        )
    return " ".join(out)


def portfolio(c: Ctx) -> str:
    n, prod, pilots = c.value("roi.use_cases"), c.value("roi.in_production"), c.value("roi.pilots")
    value, invested = c.value("roi.realised_value"), c.value("roi.invested")
    roi, prev_value = c.value("roi.roi_pct"), c.previous("roi.realised_value")
    out = [
        c.pick(
            f"The portfolio holds {number(n)} {_plural(n, 'use case', 'use cases')}: "
            f"{number(prod)} in production and {number(pilots)} in pilot.",
            f"Of {number(n)} {_plural(n, 'use case', 'use cases')} on record, {number(prod)} "
            f"{_plural(prod, 'runs', 'run')} in production and {number(pilots)} "
            f"{_plural(pilots, 'is', 'are')} being piloted.",
        )
    ]
    if invested:
        sentence = c.pick(
            f"Realised value reached {c.money(value)} against {c.money(invested)} invested",
            f"The use cases have returned {c.money(value)} so far on {c.money(invested)} invested",
        )
        sentence += f", an ROI of {roi}%" if roi is not None else ""
        if prev_value is not None and prev_value != value:
            sentence += (
                f", up from {c.money(prev_value)} at the end of {c.previous_period}"
                if value > prev_value
                else f", down from {c.money(prev_value)} at the end of {c.previous_period}"
            )
        out.append(sentence + ".")
        payback = c.value("roi.payback_months")
        if payback:
            out.append(
                c.pick(
                    f"The portfolio as a whole paid back its costs in month {payback}.",
                    f"Cumulative benefits overtook cumulative costs in month {payback}.",
                )
            )
        else:
            out.append("The portfolio has not yet paid back what it cost.")
    else:
        out.append("No costs are recorded yet, so value and ROI cannot be stated.")
    share = c.value("roi.share_measured_financial")
    if share is not None:
        out.append(
            f"{share}% of initiatives measure their financial impact directly"
            + (
                "; the rest rely on estimates, which weakens the case for scaling them."
                if share < 50
                else ", so most of the value above is measured rather than estimated."
            )
        )
    failing = c.value("roi.pilots_failing_graduation")
    if failing:
        names = c.value("roi.pilots_failing_names")
        out.append(
            c.pick(
                f"{failing} {_plural(failing, 'pilot does', 'pilots do')} not meet "
                f"{_plural(failing, 'its', 'their')} graduation criteria ({names}).",
                f"{names} {_plural(failing, 'is a pilot that misses', 'are pilots that miss')} "
                "the graduation criteria set for production.",
            )
        )
    return " ".join(out)


def shadow_ai(c: Ctx) -> str:
    out = []
    tools, unreviewed = c.value("shadow.tools_detected"), c.value("shadow.tools_unreviewed")
    if tools is not None:
        out.append(
            c.pick(
                f"{number(tools)} AI tools were detected in use, {number(unreviewed or 0)} of "
                "them not yet reviewed.",
                f"Monitoring found {number(tools)} AI tools in use; {number(unreviewed or 0)} "
                "still await a review.",
            )
        )
    prohibited = c.value("shadow.prohibited_in_use")
    if prohibited:
        out.append(
            f"{number(prohibited)} prohibited {_plural(prohibited, 'tool is', 'tools are')} "
            f"still in use ({c.value('shadow.prohibited_names')}), which is the most urgent risk."
        )
    high = c.value("shadow.high_risk_events")
    if high:
        out.append(f"{number(high)} usage events were rated high risk.")
    detected, estimate = c.value("shadow.detected_share"), c.value("shadow.leadership_estimate")
    gap = c.value("shadow.perception_gap")
    if detected is not None and estimate is not None:
        out.append(
            c.pick(
                f"{number(detected)}% of members were seen using AI, against leadership's "
                f"estimate of {number(estimate)}%",
                f"Leadership estimated that {number(estimate)}% of staff use AI; the detected "
                f"figure is {number(detected)}%",
            )
            + (f", a perception gap of {number(gap)} points." if gap is not None else ".")
        )
    spend, licence = c.value("shadow.personal_spend_month"), c.value("shadow.licence_cost_month")
    if spend:
        sentence = f"Staff spend about {c.money(spend)} a month on personal AI subscriptions"
        if licence is not None:
            sentence += (
                f", more than the {c.money(licence)} enterprise licences would cost."
                if spend > licence
                else f"; enterprise licences would cost {c.money(licence)}."
            )
        out.append(sentence + ("" if sentence.endswith(".") else "."))
    return " ".join(out) or "No shadow-AI figures for this period."


def model_ops(c: Ctx) -> str:
    calls, prev = c.value("ops.calls"), c.previous("ops.calls")
    cost, llm = c.value("ops.cost"), c.value("ops.llm_equivalent_cost")
    out = [
        c.pick(
            f"The platform's own model handled {number(calls)} calls this quarter",
            f"{number(calls)} model calls ran on the organisation's own small model",
        )
        + (f", against {number(prev)} in {c.previous_period}." if prev else ".")
    ]
    if cost is not None and llm is not None:
        out.append(
            c.pick(
                f"They cost {c.money(cost)} in compute; the same tokens at LLM API prices "
                f"would have cost {c.money(llm)}.",
                f"Compute came to {c.money(cost)}, where an LLM API would have charged "
                f"{c.money(llm)} for the same work.",
            )
        )
        out.append(
            "Keeping routine tasks on the small model is paying off."
            if llm > cost
            else "At this volume the small model is not yet cheaper than an API; it pays as "
            "volume grows."
        )
    return " ".join(out)


@dataclass(frozen=True)
class Recommendation:
    rule: str
    text: str


def recommendations(document: dict) -> list[Recommendation]:
    """The rules, in priority order; each fires only when its facts say so."""
    c = context(document, "recommendations")
    out = []
    prohibited = c.value("shadow.prohibited_in_use")
    if prohibited:
        out.append(
            Recommendation(
                "prohibited_tools",
                f"Stop the use of prohibited tools ({c.value('shadow.prohibited_names')}): block "
                "them and offer an approved alternative.",
            )
        )
    failing = c.value("roi.pilots_failing_graduation")
    if failing:
        out.append(
            Recommendation(
                "pilots_failing",
                f"Decide on the {failing} {_plural(failing, 'pilot', 'pilots')} not meeting "
                f"graduation criteria ({c.value('roi.pilots_failing_names')}): fix the metric, "
                "extend with a deadline, or stop.",
            )
        )
    weakest = c.value("fluency.weakest_competency")
    if weakest:
        out.append(
            Recommendation(
                "weakest_competency",
                f"Focus the next training round on {weakest}, the weakest competency "
                f"(mean score {number(c.value('fluency.weakest_score'))}).",
            )
        )
    spend, licence = c.value("shadow.personal_spend_month"), c.value("shadow.licence_cost_month")
    if spend and licence is not None and spend > licence:
        out.append(
            Recommendation(
                "personal_spend",
                f"Replace personal subscriptions ({c.money(spend)} a month) with enterprise "
                f"licences ({c.money(licence)} a month): cheaper, and the data stays governed.",
            )
        )
    saving = c.value("roi.slm_savings_month")
    if saving:
        out.append(
            Recommendation(
                "slm_savings",
                f"Run {c.value('roi.slm_savings_names')} on a small model: about {c.money(saving)} "
                "a month less than an LLM API.",
            )
        )
    coverage = c.value("fluency.article4_coverage")
    if coverage is not None and coverage < 80:
        out.append(
            Recommendation(
                "article4",
                f"Raise Article 4 coverage from {coverage}%: assess the staff without a current "
                "record.",
            )
        )
    share = c.value("roi.share_measured_financial")
    if share is not None and share < 50:
        out.append(
            Recommendation(
                "measure_money",
                f"Only {share}% of initiatives measure financial impact: give each a tier-3 "
                "metric before the next quarter.",
            )
        )
    return out


def recommendations_text(document: dict) -> str:
    recs = recommendations(document)
    if not recs:
        return "No action stands out from this quarter's figures."
    return "\n".join(f"{i}. {r.text}" for i, r in enumerate(recs, start=1))


def summary(document: dict) -> str:
    c = context(document, "summary")
    out = []
    share, prev = c.value("fluency.share_at_bar"), c.previous("fluency.share_at_bar")
    if share is not None:
        trend = (
            ""
            if prev is None or prev == share
            else f" ({'up' if share > prev else 'down'} from {prev}%)"
        )
        out.append(
            c.pick(
                f"{share}% of the people assessed are at or above the fluency bar{trend}.",
                f"AI fluency: {share}% at or above the bar{trend}.",
            )
        )
    value, roi = c.value("roi.realised_value"), c.value("roi.roi_pct")
    if value is not None and c.value("roi.invested"):
        out.append(
            f"The use-case portfolio has realised {c.money(value)}"
            + (f" for an ROI of {roi}%." if roi is not None else ".")
        )
    prohibited, gap = c.value("shadow.prohibited_in_use"), c.value("shadow.perception_gap")
    if prohibited:
        out.append(f"{number(prohibited)} prohibited AI tools are still in use.")
    elif gap:
        out.append(f"Detected AI use differs from leadership's estimate by {number(gap)} points.")
    savings = c.value("ops.savings")
    if savings and savings > 0:
        out.append(f"Running tasks on the own model saved {c.money(savings)} against API prices.")
    n = len(recommendations(document))
    if n:
        out.append(
            c.pick(
                f"{n} {_plural(n, 'recommendation follows', 'recommendations follow')}, "
                "each drawn from these figures.",
                f"The figures point to {n} {_plural(n, 'action', 'actions')}, listed at the end.",
            )
        )
    if not out:
        return "The modules have not reported enough figures for this period to summarise."
    return " ".join(out)


WRITERS: dict[str, Callable[[Ctx], str]] = {
    "fluency": fluency,
    "portfolio": portfolio,
    "shadow_ai": shadow_ai,
    "model_ops": model_ops,
}
TITLES = {
    "summary": "Executive summary",
    "fluency": "AI fluency",
    "portfolio": "Use-case portfolio and ROI",
    "shadow_ai": "Shadow AI and risk",
    "model_ops": "Model operations",
    "recommendations": "Recommendations",
}


def report_keys(document: dict) -> list[str]:
    return ["summary", *(s["key"] for s in document["sections"]), "recommendations"]


def fallback(document: dict, key: str) -> str:
    """The section's text from the facts alone."""
    if key == "summary":
        return summary(document)
    if key == "recommendations":
        return recommendations_text(document)
    if (message := _empty(document, key)) is not None:
        return message
    writer = WRITERS.get(key)
    if writer is None:  # a section registered later than this list: state its facts
        section = section_of(document, key)
        return " ".join(
            f"{f['label']}: {f['value']}." for f in section["facts"] if not f["suppressed"]
        )
    return writer(context(document, key))


def section_facts(document: dict, key: str) -> dict:
    """What the model may cite for a section: its facts' labels and values (the whole
    document's headline facts for the summary and the recommendations)."""
    if key in {"summary", "recommendations"}:
        facts = flat(document).values()
    else:
        facts = (section_of(document, key) or {"facts": []})["facts"]
    out = {"currency": document.get("currency", ""), "period": document["period"]["label"]}
    for f in facts:
        if not f["suppressed"] and f["value"] not in (None, ""):
            out[f["label"]] = f["value"]
            if f.get("previous") is not None:
                out[f"{f['label']} (previous)"] = f["previous"]
    return out
