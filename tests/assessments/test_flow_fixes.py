"""Issue 8, flow bugs: each test reproduces one bug as it was reported."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import scoring
from assessments.models import Answer, Attempt, CompetencyScore, Item
from assessments.services import attempts
from slm.models import ReviewItem
from tenancy.context import org_context

from .test_taking import answer_all, items, take_url


def result_url(cast, attempt):
    return reverse("assessments:result", kwargs={"org_slug": cast.org_a.slug, "pk": attempt.pk})


def emil_attempt(cast):
    with org_context(cast.org_a):
        return Attempt.objects.get(membership=cast.member("emil"))


def test_a_framework_whose_levels_differ_from_the_bar_keys_still_compares_with_the_bar(
    client_for, mini
):
    """The FT-style framework's levels are not the organisation's bar keys: the bar is
    taken by rank (Capable is the second level), not ignored."""
    cast = mini
    ft_levels = [
        {"key": "not_yet", "label": "Not yet literate", "min_score": 0},
        {"key": "ai_literate", "label": "AI literate", "min_score": 40},
        {"key": "proficient", "label": "Proficient", "min_score": 65},
        {"key": "expert", "label": "Expert", "min_score": 85},
    ]
    with org_context(cast.org_a):
        cast.version.levels = ft_levels
        cast.version.save()
        attempt = Attempt.objects.create(
            organization=cast.org_a,
            campaign=cast.campaign,
            membership=cast.member("emil"),
            version=cast.version,
            status=Attempt.Status.SCORED,
            submitted_at=timezone.now(),
            overall_score=10,
            overall_level="not_yet",
        )
    body = client_for(cast.emil).get(result_url(cast, attempt)).content.decode()
    assert "Below, for now" in body
    assert "AI literate" in body  # the bar, in this framework's words


def test_submitting_twice_over_http_goes_to_the_result_not_a_400(client_for, mini):
    cast = mini
    client = client_for(cast.emil)
    assert answer_all(client, cast).status_code == 302
    it = items(cast)
    again = client.post(
        take_url(cast),
        {f"item-{it['s1'].pk}": "a", "section": "1", "go": "submit"},
    )
    assert again.status_code == 302
    assert again["Location"] == result_url(cast, emil_attempt(cast))


def test_a_member_whose_track_has_no_active_items_gets_a_message_not_a_500(client_for, mini):
    cast = mini
    with org_context(cast.org_a):
        Item.objects.filter(version=cast.version).update(retired=True)
    response = client_for(cast.emil).get(take_url(cast), follow=True)
    assert response.status_code == 200
    assert "no questions for your role" in response.content.decode()
    with org_context(cast.org_a):
        assert not Attempt.objects.exists()


def test_a_competency_without_items_for_the_member_is_left_out_not_scored_zero():
    levels = [
        {"key": "low", "label": "Low", "min_score": 0},
        {"key": "mid", "label": "Mid", "min_score": 40},
        {"key": "high", "label": "High", "min_score": 65},
        {"key": "top", "label": "Top", "min_score": 85},
    ]
    result = scoring.score_attempt(
        [("a", "scenario", 1.0), ("b", "scenario", 1.0)], levels, ["a", "b", "empty"]
    )
    assert "empty" not in result.competency_scores
    assert result.overall_score == 100
    assert result.overall_level == "top"
    assert result.weakest in ("a", "b")


def test_no_competency_score_row_for_a_competency_without_items(client_for, mini):
    cast = mini
    with org_context(cast.org_a):
        Item.objects.filter(version=cast.version, competency__key="discernment").update(
            retired=True
        )
    client = client_for(cast.emil)
    it = items(cast)
    data = {
        f"item-{it['d1'].pk}": "a",
        f"item-{it['d2'].pk}": ["a", "b"],
        f"item-{it['d3'].pk}": "weekly",
        f"item-{it['att'].pk}": "sa",
        "section": "0",
        "go": "submit",
    }
    assert client.post(take_url(cast), data).status_code == 302
    with org_context(cast.org_a):
        attempt = Attempt.objects.get(membership=cast.member("emil"))
        assert attempt.status == "scored"
        assert [s.competency.key for s in CompetencyScore.objects.filter(attempt=attempt)] == [
            "delegation"
        ]
        assert attempt.overall_level == "transformative"


def test_an_untouched_multi_select_is_not_an_answer(client_for, mini):
    cast = mini
    it = items(cast)
    client = client_for(cast.emil)
    data = {
        f"item-{it['d1'].pk}": "a",
        f"item-{it['d2'].pk}-present": "1",  # rendered with the question, nothing ticked
        "section": "0",
        "go": "next",
    }
    assert client.post(take_url(cast), data).status_code == 302
    with org_context(cast.org_a):
        assert not Answer.objects.filter(item=it["d2"]).exists()
        assert Answer.objects.filter(item=it["d1"]).exists()


def test_unticking_every_box_withdraws_a_multi_select_answer(client_for, mini):
    cast = mini
    it = items(cast)
    client = client_for(cast.emil)
    section = {"section": "0", "go": "next", f"item-{it['d2'].pk}-present": "1"}
    client.post(take_url(cast), {**section, f"item-{it['d2'].pk}": ["a"]})
    with org_context(cast.org_a):
        assert Answer.objects.filter(item=it["d2"]).exists()
    client.post(take_url(cast), section)
    with org_context(cast.org_a):
        assert not Answer.objects.filter(item=it["d2"]).exists()


def test_the_result_url_of_an_unsubmitted_attempt_leads_back_to_the_assessment(client_for, mini):
    cast = mini
    client = client_for(cast.emil)
    client.get(take_url(cast))
    response = client.get(result_url(cast, emil_attempt(cast)))
    assert response.status_code == 302
    assert response["Location"] == take_url(cast)


def test_the_sweep_requeues_written_answers_whose_scoring_was_lost(client_for, mini, monkeypatch):
    from assessments.services import sweep

    sent = []

    class Broker:
        def send_task(self, name, args):
            sent.append((name, args))

    monkeypatch.setattr(attempts, "current_app", Broker())
    monkeypatch.setattr(sweep, "current_app", Broker())
    cast = mini
    answer_all(client_for(cast.emil), cast)  # on_commit never runs here: the task is lost
    assert sent == []
    with org_context(cast.org_a):
        answer = Answer.objects.get(attempt__membership=cast.member("emil"), score__isnull=True)
    # Too recent: the task may still be on its way.
    assert sweep.lost_scoring_requeue() == 0
    later = timezone.now() + timedelta(minutes=30)
    monkeypatch.setattr(sweep.timezone, "now", lambda: later)
    assert sweep.lost_scoring_requeue() == 1
    assert sent == [(attempts.SCORE_FREE_TEXT_TASK, (cast.org_a.pk, answer.pk))]
    # An answer waiting for a reviewer is not lost.
    sent.clear()
    with org_context(cast.org_a):
        ReviewItem.objects.create(
            organization=cast.org_a,
            task="score_free_text",
            item_type="assessments.Answer",
            item_id=str(answer.pk),
            input_text=answer.text,
            model_output={"label": "2", "points": 2},
            confidence=0.1,
        )
    assert sweep.lost_scoring_requeue() == 0 and sent == []


def test_the_sweep_is_on_the_beat_schedule():
    from celery import current_app

    from assessments.services.sweep import SWEEP_TASK

    assert any(e["task"] == SWEEP_TASK for e in current_app.conf.beat_schedule.values())
    import assessments.tasks  # noqa: F401 - registers the task

    assert SWEEP_TASK in current_app.tasks


def test_a_provisional_result_is_shown_while_one_answer_is_in_review(client_for, mini):
    cast = mini
    answer_all(client_for(cast.emil), cast)
    attempt = emil_attempt(cast)
    with org_context(cast.org_a):
        answer = Answer.objects.select_related("item").get(attempt=attempt, score__isnull=True)
        ReviewItem.objects.create(
            organization=cast.org_a,
            task="score_free_text",
            item_type="assessments.Answer",
            item_id=str(answer.pk),
            input_text=answer.text,
            model_output={"label": "2", "points": 2},
            confidence=0.1,
        )
    body = client_for(cast.emil).get(result_url(cast, attempt)).content.decode()
    assert "Provisional result" in body
    assert "Overall level" in body and "Delegation" in body
    assert f'id="item-{answer.item.key}"' in body
    assert "waiting for a person" in body
    assert "pending" in body.lower()


def test_autosave_errors_are_swapped_in_next_to_the_question(client_for, mini):
    cast = mini
    it = items(cast)
    client = client_for(cast.emil)
    client.get(take_url(cast))
    save = reverse(
        "assessments:save_answer",
        kwargs={
            "org_slug": cast.org_a.slug,
            "pk": emil_attempt(cast).pk,
            "item_id": it["d1"].pk,
        },
    )
    response = client.post(save, {f"item-{it['d1'].pk}": "z"}, HTTP_HX_REQUEST="true")
    # htmx swaps 2xx only: the error must come back as a swappable fragment.
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "does not belong to question d1" in body and 'role="alert"' in body
    page = client.get(take_url(cast)).content.decode()
    assert f'hx-target="#saved-{it["d1"].pk}"' in page
    # Without htmx the status stays a 400.
    assert client.post(save, {f"item-{it['d1'].pk}": "z"}).status_code == 400


def test_model_operations_with_a_huge_day_count_is_not_a_500(client_for, cast):
    url = reverse("slm:model_operations", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.alice).get(url, {"days": "1000000"})
    assert response.status_code == 200


def test_the_segments_csv_is_not_the_levels_csv(client_for, mini):
    cast = mini
    url = reverse("assessments:analytics", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.alice)
    query = {"campaign": cast.campaign.pk, "format": "csv"}
    segments = client.get(url, {**query, "table": "segments"}).content.decode()
    levels = client.get(url, {**query, "table": "levels"}).content.decode()
    assert segments.splitlines()[0].startswith("segment")
    assert levels.splitlines()[0].startswith("level")


def test_charts_swapped_in_by_htmx_are_drawn():
    """The result page's polling swaps in the trajectory chart: charts.js must draw
    charts in swapped content too, not only on page load."""
    from django.conf import settings

    source = (settings.BASE_DIR / "static" / "js" / "charts.js").read_text()
    assert "htmx:load" in source


@pytest.mark.parametrize("campaign_anonymous", [True, False])
def test_an_anonymous_campaign_is_said_so_to_the_taker(client_for, mini, campaign_anonymous):
    cast = mini
    with org_context(cast.org_a):
        cast.campaign.anonymous = campaign_anonymous
        cast.campaign.save()
    page = client_for(cast.emil).get(take_url(cast)).content.decode()
    assert ("anonymous campaign" in page) is campaign_anonymous


def test_an_answer_the_model_never_scores_goes_to_a_reviewer(client_for, mini, monkeypatch):
    from assessments.services import sweep

    sent = []

    class Broker:
        def send_task(self, name, args):
            sent.append((name, args))

    monkeypatch.setattr(attempts, "current_app", Broker())
    monkeypatch.setattr(sweep, "current_app", Broker())
    cast = mini
    answer_all(client_for(cast.emil), cast)
    later = timezone.now() + timedelta(hours=25)
    monkeypatch.setattr(sweep.timezone, "now", lambda: later)
    assert sweep.lost_scoring_requeue() == 1
    assert sent == []
    with org_context(cast.org_a):
        answer = Answer.objects.get(attempt__membership=cast.member("emil"), score__isnull=True)
        assert ReviewItem.objects.filter(item_id=str(answer.pk), status="pending").exists()
    assert sweep.lost_scoring_requeue() == 0  # now a person is on it


def test_the_result_selector_reads_the_review_kind_the_scoring_service_writes():
    from assessments.selectors import results
    from assessments.services import free_text_scoring

    assert results.REVIEW_ITEM_TYPE == free_text_scoring.REVIEW_ITEM_TYPE


@pytest.mark.parametrize("slug", ["ai-fluency-4d", "ft-literacy"])
def test_every_shipped_framework_can_make_an_early_adopter(slug):
    """The FT-style framework had no attitude items, so nobody could be an early adopter:
    someone who always uses AI and has the most positive attitude must be one."""
    import json

    from django.conf import settings

    from assessments.bank_checks import guesser_result

    path = settings.BASE_DIR / "assessments" / "frameworks" / f"{slug}.json"
    data = json.loads(path.read_text())
    assert any(i["type"] == "attitude" for i in data["items"])

    def enthusiast(item):
        options = [o for o in item.get("options", []) if not o.get("not_applicable")]
        if item["type"] in ("frequency", "attitude"):
            return scoring.scale_score(max(o["score"] for o in options))
        return None

    assert guesser_result(data, answer=enthusiast).segment == scoring.EARLY_ADOPTER
