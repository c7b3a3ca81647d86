"""Checks that keep an item bank honest: can someone who knows nothing about AI, but knows
how tests are written, pass it?

Pure functions over a framework's data (a framework file, or `version_definition` of a
version), so the same figures back a test over the shipped files and the admin's version
page before publishing. Retired items are left out; free-text items are left out of the
simulated respondent (a guesser can't write a good answer, and leaving them out is the
stricter check, as the guessable items alone must keep the guesser below the bar).

The test-wise respondent: picks the longest option of every scenario (ties go to the
best-scored of them), ticks every box of every multi-select, answers the top of every
frequency scale and agrees most positively with every attitude statement.
"""

from dataclasses import dataclass, field
from statistics import fmean

from assessments import scoring

# Thresholds; tests/assessments/test_bank_checks.py holds the shipped banks to them.
MAX_KEY_LONGEST_SHARE = 0.35
MAX_LONGEST_POINTS_SHARE = 0.50
MAX_TICK_ALL_SHARE = 0.70


@dataclass(frozen=True)
class BankFigures:
    scenario_items: int
    key_longest_share: float  # best option strictly the longest
    key_shortest_share: float  # best option strictly the shortest (the opposite cue)
    longest_points_share: float  # share of scenario points earned by always picking longest
    # Points earned by always picking the 1st, 2nd, ... longest option (scenarios with the
    # same number of options as most). Shown, not enforced: the best option should sit at
    # every length rank, so no rank should stand out.
    length_rank_points: list[float]
    tick_all_max: float  # the most any multi-select item gives for ticking every box
    tick_all_items: dict[str, float]
    test_wise_score: float
    test_wise_level: str  # the highest overall level over every job track's item set
    test_wise_track: str
    # A respondent who picks scenario options and ticks boxes at random but claims "always"
    # on every frequency item (expected score, worst job track): must stay below the bar.
    random_guess_score: float
    random_guess_level: str
    bar_level: str  # the second level (Capable, AI literate): the guesser must stay below it
    problems: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.problems


def _active(items: list[dict]) -> list[dict]:
    return [i for i in items if not i.get("retired")]


def _strictly(options: list[dict], best: dict, pick) -> bool:
    """Whether `best` is strictly the extreme (by `pick`: max or min) of option lengths."""
    lengths = [len(o["text"]) for o in options]
    extreme = pick(lengths)
    return len(best["text"]) == extreme and lengths.count(extreme) == 1


def _best(options: list[dict]) -> dict:
    return max(options, key=lambda o: o.get("score", 0))


def _longest(options: list[dict]) -> dict:
    return _by_length(options)[0]


def _by_length(options: list[dict]) -> list[dict]:
    """Longest first; ties go to the better-scored option (the guesser's luck, not ours)."""
    return sorted(options, key=lambda o: (-len(o["text"]), -o.get("score", 0)))


def _length_rank_points(scenarios: list[dict]) -> list[float]:
    if not scenarios:
        return []
    sizes = [len(i["options"]) for i in scenarios]
    size = max(set(sizes), key=sizes.count)
    same = [i for i in scenarios if len(i["options"]) == size]
    possible = sum(_best(i["options"])["score"] for i in same)
    return [
        sum(_by_length(i["options"])[rank]["score"] for i in same) / possible if possible else 0.0
        for rank in range(size)
    ]


def _scale_options(item: dict) -> list[dict]:
    return [o for o in item["options"] if not o.get("not_applicable")]


def tick_all_score(item: dict) -> float:
    keys = {o["key"] for o in item["options"]}
    correct = {o["key"] for o in item["options"] if o.get("correct")}
    return scoring.multi_select_score(keys, correct, keys)


def _test_wise_answer(item: dict) -> float | None:
    kind = item["type"]
    if kind == "scenario":
        return _scenario(_longest(item["options"])["score"], item)
    if kind == "multi_select":
        return tick_all_score(item)
    if kind in ("frequency", "attitude"):
        return scoring.scale_score(max(o["score"] for o in _scale_options(item)))
    return None  # free text: left out


def _scenario(score: int, item: dict) -> float:
    return scoring.scenario_score(score, [o["score"] for o in item["options"]])


def _random_answer(item: dict) -> float | None:
    """The expected score of answering at random (each box ticked with even odds)."""
    kind = item["type"]
    if kind == "scenario":
        return fmean(_scenario(o["score"], item) for o in item["options"])
    if kind == "multi_select":
        keys = [o["key"] for o in item["options"]]
        correct = {o["key"] for o in item["options"] if o.get("correct")}
        subsets = [
            {key for bit, key in enumerate(keys) if mask >> bit & 1}
            for mask in range(2 ** len(keys))
        ]
        return fmean(scoring.multi_select_score(s, correct, set(keys)) for s in subsets)
    return _test_wise_answer(item)  # frequency, attitude: the top; free text: left out


def guesser_result(data: dict, track: str | None = None, answer=None) -> scoring.Result:
    """The simulated test-wise respondent's result on the items a member of `track` gets
    (or, with `answer`, another simulated respondent's)."""
    answer = answer or _test_wise_answer
    items = [i for i in _active(data["items"]) if not i.get("track") or i.get("track") == track]
    triples = [(i["competency"], i["type"], answer(i)) for i in items]
    return scoring.score_attempt(triples, data["levels"], [c["key"] for c in data["competencies"]])


def bank_figures(data: dict) -> BankFigures:
    items = _active(data["items"])
    scenarios = [i for i in items if i["type"] == "scenario" and i.get("options")]
    multi = [i for i in items if i["type"] == "multi_select" and i.get("options")]
    n = len(scenarios)
    key_longest = sum(_strictly(i["options"], _best(i["options"]), max) for i in scenarios)
    key_shortest = sum(_strictly(i["options"], _best(i["options"]), min) for i in scenarios)
    earned = sum(_longest(i["options"])["score"] for i in scenarios)
    possible = sum(_best(i["options"])["score"] for i in scenarios)
    tick_all = {i["key"]: tick_all_score(i) for i in multi}
    levels = data["levels"]
    keys = [level["key"] for level in levels]
    tracks = sorted({i.get("track") or "" for i in items})
    worst_score, worst_level, worst_track = -1.0, keys[0], ""
    for track in tracks:
        result = guesser_result(data, track or None)
        if (keys.index(result.overall_level), result.overall_score) > (
            keys.index(worst_level),
            worst_score,
        ):
            worst_score, worst_level, worst_track = (
                result.overall_score,
                result.overall_level,
                track,
            )
    random = max(
        (guesser_result(data, track or None, _random_answer) for track in tracks),
        key=lambda r: r.overall_score,
    )
    figures = {
        "key_longest_share": key_longest / n if n else 0.0,
        "longest_points_share": earned / possible if possible else 0.0,
        "tick_all_max": max(tick_all.values(), default=0.0),
    }
    bar = keys[1] if len(keys) > 1 else keys[0]
    problems = []
    if figures["key_longest_share"] > MAX_KEY_LONGEST_SHARE:
        problems.append(
            f"In {key_longest} of {n} scenarios the best option is the longest "
            f"(at most {MAX_KEY_LONGEST_SHARE:.0%} may be)."
        )
    if figures["longest_points_share"] > MAX_LONGEST_POINTS_SHARE:
        problems.append(
            f"Always picking the longest option earns {figures['longest_points_share']:.0%} "
            f"of the scenario points (at most {MAX_LONGEST_POINTS_SHARE:.0%})."
        )
    generous = sorted(k for k, v in tick_all.items() if v >= MAX_TICK_ALL_SHARE)
    if generous:
        problems.append(
            f"Ticking every box earns {MAX_TICK_ALL_SHARE:.0%} or more on: {', '.join(generous)}."
        )
    if keys.index(random.overall_level) >= keys.index(bar):
        label = {lv["key"]: lv.get("label", lv["key"]) for lv in levels}
        problems.append(
            f"Answering at random (and 'always' on every frequency item) reaches "
            f"{label[random.overall_level]} ({random.overall_score:.0f}); it must stay below "
            f"{label[bar]}."
        )
    if keys.index(worst_level) >= keys.index(bar):
        label = {lv["key"]: lv.get("label", lv["key"]) for lv in levels}
        problems.append(
            f"A test-wise guesser reaches {label[worst_level]} ({worst_score:.0f})"
            f"{' on the ' + worst_track + ' track' if worst_track else ''}; "
            f"they must stay below {label[bar]}."
        )
    return BankFigures(
        scenario_items=n,
        key_longest_share=figures["key_longest_share"],
        key_shortest_share=key_shortest / n if n else 0.0,
        longest_points_share=figures["longest_points_share"],
        length_rank_points=_length_rank_points(scenarios),
        tick_all_max=figures["tick_all_max"],
        tick_all_items=tick_all,
        test_wise_score=worst_score if worst_score >= 0 else 0.0,
        test_wise_level=worst_level,
        test_wise_track=worst_track,
        random_guess_score=random.overall_score,
        random_guess_level=random.overall_level,
        bar_level=bar,
        problems=problems,
    )


def _slot_problems(items: list[dict]) -> list[str]:
    """Every item (attitude statements aside: all are always asked) sits in a blueprint
    slot with a parallel item, so a retake draws different items."""
    sizes: dict[str, int] = {}
    for item in items:
        if item.get("slot"):
            sizes[item["slot"]] = sizes.get(item["slot"], 0) + 1
    problems = [
        f"{item['key']}: not in a blueprint slot with a parallel item"
        for item in items
        if item["type"] != "attitude" and sizes.get(item.get("slot") or "", 0) < 2
    ]
    return problems


def _passage_problems(item: dict) -> list[str]:
    """Marking every sentence must not pay: at least as many correct sentences as
    sentences with a planted error, and each planted error placed in its sentences."""
    from assessments.free_text.rules import passage_sentences

    where = item.get("error_sentences")
    if not where:
        return [f"{item['key']}: no error_sentences (which sentences hold each planted error)"]
    wrong = {n for lines in where for n in lines}
    count = len(passage_sentences(item.get("passage", "")))
    if count - len(wrong) < len(wrong):
        return [
            f"{item['key']}: {len(wrong)} of {count} sentences hold an error; at least as many "
            "must be correct, or marking every sentence pays"
        ]
    return []


def content_problems(data: dict) -> list[str]:
    """Structural rules of a well-written bank, beyond what scoring needs (the loader's
    `validate_definition` refuses what can't be scored; these are for the shipped files)."""
    problems = []
    for item in _active(data["items"]):
        where = item["key"]
        kind = item["type"]
        if not (item.get("rationale") or "").strip():
            problems.append(f"{where}: no rationale")
        options = item.get("options") or []
        if kind == "scenario":
            top = max(o["score"] for o in options)
            if [o["score"] for o in options].count(top) != 1:
                problems.append(f"{where}: the best option must be unique")
        if kind == "multi_select":
            correct = sum(bool(o.get("correct")) for o in options)
            if correct * 2 > len(options):
                problems.append(f"{where}: more than half the options are correct")
            if tick_all_score(item) > 0.25:
                problems.append(f"{where}: ticking every box earns more than 25%")
        if kind == "frequency":
            if sum(bool(o.get("not_applicable")) for o in options) != 1:
                problems.append(f"{where}: needs one 'I don't have an AI tool for this' option")
            if len(_scale_options(item)) != 4:
                problems.append(f"{where}: needs the four per-occasion anchors")
        if kind == "error_spotting":
            problems.extend(_passage_problems(item))
    problems.extend(_slot_problems(_active(data["items"])))
    attitudes = [i for i in _active(data["items"]) if i["type"] == "attitude"]
    if not attitudes:
        problems.append("no attitude items: nobody could be an early adopter")
    elif not any(i.get("reverse") for i in attitudes):
        problems.append("no reverse-worded attitude item")
    return problems
