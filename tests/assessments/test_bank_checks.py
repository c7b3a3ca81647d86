"""The shipped item banks can't be passed by a test-wise guesser who knows nothing about AI,
and the checks that say so do catch a bank that gives its key away."""

import copy
import html
import json

import pytest
from django.urls import reverse

from assessments import bank_checks, scoring
from assessments.services.frameworks import shipped_files
from tenancy.context import org_context

SHIPPED = sorted(shipped_files())


def load(slug: str) -> dict:
    return json.loads(shipped_files()[slug].read_text())


def test_both_frameworks_are_checked():
    assert SHIPPED == ["ai-fluency-4d", "ai-literacy-ft"]


@pytest.mark.parametrize("slug", SHIPPED)
def test_best_option_is_rarely_the_longest(slug):
    figures = bank_checks.bank_figures(load(slug))
    assert figures.scenario_items >= 20
    assert figures.key_longest_share <= 0.35, figures.problems


@pytest.mark.parametrize("slug", SHIPPED)
def test_always_picking_the_longest_earns_at_most_half(slug):
    figures = bank_checks.bank_figures(load(slug))
    assert figures.longest_points_share <= 0.50, figures.problems


@pytest.mark.parametrize("slug", SHIPPED)
def test_ticking_every_box_earns_little(slug):
    data = load(slug)
    multi = [i for i in data["items"] if i["type"] == "multi_select"]
    assert multi
    for item in multi:
        assert bank_checks.tick_all_score(item) < 0.70, item["key"]
        assert bank_checks.tick_all_score(item) <= 0.25, item["key"]
        assert sum(o["correct"] for o in item["options"]) * 2 <= len(item["options"]), item["key"]


@pytest.mark.parametrize("slug", SHIPPED)
def test_a_test_wise_guesser_stays_below_the_second_level(slug):
    data = load(slug)
    figures = bank_checks.bank_figures(data)
    keys = [level["key"] for level in data["levels"]]
    assert figures.bar_level == keys[1]  # Capable / AI literate
    assert keys.index(figures.test_wise_level) < 1, (figures.test_wise_score, figures.problems)
    # ...on every job track's set of items, not only the common ones.
    for track in {i.get("track") for i in data["items"]}:
        result = bank_checks.guesser_result(data, track)
        assert result.overall_level == keys[0], (track, result.overall_score)


@pytest.mark.parametrize("slug", SHIPPED)
def test_a_random_respondent_who_claims_always_stays_below_the_second_level(slug):
    """Graded scenarios gave about 42% at random; with 'always' on every frequency item that
    reached Capable (46.5 against a bar of 40). Scenarios are now scored against chance."""
    data = load(slug)
    figures = bank_checks.bank_figures(data)
    keys = [level["key"] for level in data["levels"]]
    assert keys.index(figures.random_guess_level) < 1, figures.random_guess_score
    assert figures.random_guess_score < data["levels"][1]["min_score"]


def test_scenario_scores_are_corrected_for_chance():
    # Options 3/2/1/0: random choice expects 1.5 of 3 (0.5); the best option keeps 1.
    assert scoring.scenario_score(3, [3, 2, 1, 0]) == 1
    assert scoring.scenario_score(2, [3, 2, 1, 0]) == pytest.approx(1 / 3)
    assert scoring.scenario_score(1, [3, 2, 1, 0]) == 0  # below chance: no credit
    assert scoring.scenario_score(2, [3, 2, 1, 0]) < scoring.scenario_score(2)


@pytest.mark.parametrize("slug", SHIPPED)
def test_bank_content_rules(slug):
    """Every item has a rationale; scenarios have one best option; frequency items use the
    per-occasion anchors plus 'no AI tool'; attitude items include reverse-worded ones."""
    data = load(slug)
    assert bank_checks.content_problems(data) == []
    assert bank_checks.bank_figures(data).passes


@pytest.mark.parametrize("slug", SHIPPED)
def test_content_gaps_are_covered(slug):
    text = " ".join(
        i["prompt"] + " " + i["rationale"] + " " + " ".join(o["text"] for o in i.get("options", []))
        for i in load(slug)["items"]
    ).lower()
    for phrase in (
        "prompt injection",  # against agents
        "connector",  # which connectors and tools an agent may use
        "note-taker",  # consent before an AI note-taker records
        "office suite",  # AI built into office suites
        "standing instructions",  # telling the AI how to behave
    ):
        assert phrase in text, phrase
    assert "voice" in text and ("payment" in text or "pay " in text)  # deepfake payment fraud


def test_attitude_items_exist_in_every_framework_so_early_adopters_are_possible():
    for slug in SHIPPED:
        attitude = [i for i in load(slug)["items"] if i["type"] == "attitude"]
        assert len(attitude) >= 4, slug
        reverse = [i for i in attitude if i.get("reverse")]
        assert reverse, slug
        for item in reverse:  # agreeing with a reverse-worded item is the negative end
            by_key = {o["key"]: o["score"] for o in item["options"]}
            assert by_key["sa"] == 0 and by_key["sd"] == 4


# The checks themselves: a bank that gives its key away fails them.


def _giveaway(data: dict) -> dict:
    """The same bank with every best option padded to be the longest, and a multi-select
    whose options are mostly correct under the old right-minus-wrong count."""
    bad = copy.deepcopy(data)
    for item in bad["items"]:
        if item["type"] == "scenario":
            best = max(item["options"], key=lambda o: o["score"])
            best["text"] += " This is done carefully, with every check in place." * 3
    return bad


def test_checks_catch_a_bank_whose_key_is_the_longest():
    figures = bank_checks.bank_figures(_giveaway(load("ai-fluency-4d")))
    assert figures.key_longest_share == 1.0
    assert figures.longest_points_share == 1.0
    assert not figures.passes
    assert any("longest" in p for p in figures.problems)
    assert any("guesser" in p for p in figures.problems)


def test_checks_catch_a_generous_multi_select():
    data = load("ai-fluency-4d")
    item = next(i for i in data["items"] if i["type"] == "multi_select")
    for option in item["options"]:
        option["correct"] = True
    assert bank_checks.tick_all_score(item) == 1.0
    assert any("more than half" in p for p in bank_checks.content_problems(data))
    assert any(item["key"] in p for p in bank_checks.bank_figures(data).problems)


def test_content_rules_catch_missing_rationale_and_calendar_frequency_scale():
    data = load("ai-literacy-ft")
    scenario = next(i for i in data["items"] if i["type"] == "scenario")
    scenario["rationale"] = ""
    frequency = next(i for i in data["items"] if i["type"] == "frequency")
    frequency["options"] = [o for o in frequency["options"] if not o.get("not_applicable")]
    problems = bank_checks.content_problems(data)
    assert f"{scenario['key']}: no rationale" in problems
    assert any(frequency["key"] in p and "AI tool" in p for p in problems)


def test_no_tool_answer_is_left_out_and_never_makes_a_resister():
    levels = load("ai-fluency-4d")["levels"]
    competencies = ["delegation", "description", "discernment", "diligence"]
    # Strong scenario answers, and "I don't have an AI tool" on every frequency item.
    answers = [(c, "scenario", 1.0) for c in competencies]
    no_tool = scoring.frequency_score(0, not_applicable=True)
    answers += [(c, "frequency", no_tool) for c in competencies]
    answers += [("delegation", "attitude", 0.75)]
    result = scoring.score_attempt(answers, levels, competencies)
    assert result.competency_scores == {c: 100.0 for c in competencies}  # not dragged to 50
    assert result.segment != scoring.RESISTER
    # Whereas "never" is an answer, and counts.
    never = [(c, "frequency", scoring.frequency_score(0)) for c in competencies]
    low = scoring.score_attempt(answers[:4] + never, levels, competencies)
    assert low.competency_scores["delegation"] == 50.0


# The admin sees the same figures on the version page, and can name the lowest level.


def _draft_of_shipped(cast):
    from assessments.services.frameworks import framework_install, version_clone

    with org_context(cast.org_a):
        published = framework_install(organization=cast.org_a)
    with org_context(cast.org_a):
        return version_clone(version=published, actor=cast.alice)


def test_version_page_shows_the_bank_figures_and_the_lowest_level_is_renamable(cast, client_for):
    draft = _draft_of_shipped(cast)
    url = reverse("assessments:version_edit", kwargs={"org_slug": cast.org_a.slug, "pk": draft.pk})
    client = client_for(cast.alice)
    page = html.unescape(client.get(url).content.decode())
    figures = bank_checks.bank_figures(load("ai-fluency-4d"))
    assert "Can a guesser pass?" in page
    assert f"{round(figures.key_longest_share * 100)}% of {figures.scenario_items}" in page
    assert f"{round(figures.longest_points_share * 100)}%" in page
    assert "A test-wise guesser stays below Capable" in page
    assert 'value="Not yet capable"' in page  # the default name of the lowest level
    levels = {"action": "levels", "label-unacceptable": "  Getting started  "}
    levels |= {f"min-{lv['key']}": lv["min_score"] for lv in draft.levels}
    assert client.post(url, levels).status_code == 302
    with org_context(cast.org_a):
        draft.refresh_from_db()
    assert (draft.levels[0]["key"], draft.levels[0]["label"]) == ("unacceptable", "Getting started")
    assert client.post(url, levels | {"label-unacceptable": " "}).status_code == 400


def test_version_page_warns_when_a_draft_gives_its_key_away(cast, client_for):
    draft = _draft_of_shipped(cast)
    with org_context(cast.org_a):
        for item in draft.items.filter(type="scenario"):
            best = item.options.order_by("-score").first()
            best.text += " With every check in place, done carefully and thoroughly." * 3
            best.save(update_fields=["text"])
    url = reverse("assessments:version_edit", kwargs={"org_slug": cast.org_a.slug, "pk": draft.pk})
    page = html.unescape(client_for(cast.alice).get(url).content.decode())
    assert "Fix before publishing" in page
    assert "the best option is the longest" in page


def test_another_organisations_admin_cannot_see_the_version_page(cast, client_for):
    draft = _draft_of_shipped(cast)
    url = reverse("assessments:version_edit", kwargs={"org_slug": cast.org_b.slug, "pk": draft.pk})
    assert client_for(cast.bob).get(url).status_code == 404


def test_framework_page_names_its_sources(cast, client_for):
    url = reverse("assessments:frameworks", kwargs={"org_slug": cast.org_a.slug})
    page = html.unescape(client_for(cast.alice).get(url).content.decode())
    for source in ("4D AI Fluency Framework", "Dakan", "Feller", "Zapier", "FT-style"):
        assert source in page, source


def test_no_tool_answers_are_stored_without_a_score_and_the_attempt_is_still_scored(cast):
    """End to end on the FT-style framework (no free text): best answers everywhere, but
    "I don't have an AI tool for this" on every frequency item."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Answer, Attempt, Campaign
    from assessments.services import attempts
    from assessments.services.frameworks import framework_install

    now = timezone.now()
    with org_context(cast.org_a):
        version = framework_install(organization=cast.org_a, slug="ai-literacy-ft")
        campaign = Campaign.objects.create(
            organization=cast.org_a,
            name="FT",
            version=version,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=7),
        )
    with org_context(cast.org_a):
        attempt = attempts.attempt_start(campaign=campaign, membership=cast.member("emil"))
        for item in attempts.items_for(attempt):
            options = list(item.options.all())
            if item.type == "multi_select":
                chosen = [o.key for o in options if o.correct]
                attempts.answer_save(attempt=attempt, item_id=item.pk, selected=chosen)
            elif item.type == "frequency":
                attempts.answer_save(attempt=attempt, item_id=item.pk, option_key="no_tool")
            else:  # scenario: the best option; attitude: the most positive
                best = max(options, key=lambda o: o.score).key
                attempts.answer_save(attempt=attempt, item_id=item.pk, option_key=best)
        attempts.attempt_submit(attempt=attempt)
        attempt = Attempt.objects.get(pk=attempt.pk)
        no_tool = Answer.objects.filter(attempt=attempt, item__type="frequency")
        assert no_tool.exists() and not no_tool.filter(score__isnull=False).exists()
        assert attempt.status == Attempt.Status.SCORED
        assert attempt.overall_score == 100  # left out, not scored 0
        assert attempt.segment != scoring.RESISTER
