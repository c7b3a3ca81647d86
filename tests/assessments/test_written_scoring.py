"""Issue 8 item 3: written tasks scored honestly.

The labelled set (written_answers.py: >= 60 answers per task type) is scored by the rules
with the model worker's opinion; at least 80% must be within one point of the label, and no
adversarial answer (copied, keyword list, negation) may score above 1 point without going to
review. bench/written_answers.py prints the exact and within-one figures.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from assessments.free_text import rules, score_answer
from assessments.models import Answer, Attempt
from assessments.services.free_text_scoring import answer_score_free_text
from slm.models import ReviewItem
from tenancy.context import org_context

from . import written_answers
from .test_taking import answer_all

SETS = {
    "prompt_rewrite": written_answers.PROMPT_REWRITE,
    "error_spotting": written_answers.ERROR_SPOTTING,
}


@pytest.mark.parametrize("kind", SETS)
def test_the_labelled_set_has_sixty_answers_of_every_kind(kind):
    entries = SETS[kind]
    assert len(entries) >= 60
    categories = {category for _key, category, _answer, _label in entries}
    assert {"good", "partial", "copied", "keywords", "negation", "offtopic"} <= categories


@pytest.mark.parametrize("kind", SETS)
def test_rules_alone_agree_with_the_labels_and_let_no_adversarial_answer_through(kind):
    figures = written_answers.agreement(SETS[kind], None)
    assert figures["within_one"] >= 0.8, figures["misses"]
    assert figures["leaks"] == []


@pytest.mark.parametrize("kind", SETS)
def test_rules_with_the_model_agree_with_the_labels(kind, models_loaded):
    from slm import runtime

    figures = written_answers.agreement(SETS[kind], runtime.get_embedder().embed)
    assert figures["within_one"] >= 0.8, figures["misses"]
    assert figures["exact"] >= 0.6, figures["off_by_one"]
    assert figures["leaks"] == []


def _task(key):
    kind, task, prompt = written_answers.tasks()[key]
    return kind, task, prompt


def test_the_issues_examples_score_zero():
    """From the issue: 'every planted error is correct' scored 3, the passage pasted back
    scored 3, a bare list of the rubric's words scored 3."""
    kind, task, prompt = _task("dis-es-01")
    denial = score_answer(kind, task, text="", marks={"1": "Every figure is correct."}, embed=None)
    assert denial.points == 0
    pasted = score_answer(kind, task, text=task["passage"], marks={}, embed=None)
    assert (pasted.points, pasted.path) == (0, "guard")
    kind, task, prompt = _task("des-pr-01")
    words = ", ".join(task["rubric"][0].split()[:3]) + ", context, constraints, format, done"
    listed = score_answer(kind, task, text=words, marks={}, embed=None, prompt=prompt)
    assert (listed.points, listed.path) == (0, "guard")


def test_false_marks_cost_points():
    kind, task, _prompt = _task("dis-es-02")
    right = {
        "2": "245 of 350 is 70%, not 60%.",
        "6": "No tickets, then 37 tickets: a contradiction.",
    }
    scored = score_answer(kind, task, text="", marks=right, embed=None)
    assert scored.points == 2
    wrong = {**right, "1": "Wrong title.", "3": "Doubtful.", "8": "Hours are wrong."}
    assert score_answer(kind, task, text="", marks=wrong, embed=None).points == 0
    # Marking every sentence with nothing to say earns nothing.
    every = {str(n): "" for n in range(1, len(rules.passage_sentences(task["passage"])) + 1)}
    assert score_answer(kind, task, text="", marks=every, embed=None).points == 0


def test_each_criterion_has_its_own_decision_and_confidence():
    kind, task, prompt = _task("des-pr-01")
    text = (
        "Create a 10-slide presentation for all staff on the new expenses policy. "
        "Give a slide-by-slide outline with speaker notes."
    )
    scored = score_answer(kind, task, text=text, marks={}, embed=None, prompt=prompt)
    by_kind = {c["kind"]: c for c in scored.criteria}
    assert by_kind["audience"]["met"] and by_kind["format"]["met"]
    assert by_kind["constraints"]["met"] and not by_kind["done"]["met"]
    assert all(0 < c["confidence"] <= 1 and c["reason"] for c in scored.criteria)
    assert scored.points == 3


def test_an_unsure_answer_goes_to_review_with_everything_the_reviewer_needs(
    client_for, mini, models_loaded
):
    cast = mini
    with org_context(cast.org_a):
        cast.org_a.model_confidence_threshold = 0.99
        cast.org_a.save()
    answer_all(client_for(cast.emil), cast, text={"1": "The citation looks odd."})
    with org_context(cast.org_a):
        answer = Answer.objects.get(attempt__membership=cast.member("emil"), score__isnull=True)
    assert answer_score_free_text(org_id=cast.org_a.pk, answer_id=answer.pk) == "review"
    with org_context(cast.org_a):
        item = ReviewItem.objects.get(item_type="assessments.Answer", item_id=str(answer.pk))
    output = item.model_output
    assert output["question"] == "Find the errors" and output["max_points"] == 3
    assert "Nobel report" in output["reference"] and len(output["expected"]) == 3
    assert all("reason" in c and "confidence" in c for c in output["criteria"])
    page = client_for(cast.alice).get(
        reverse("slm:review_queue", kwargs={"org_slug": cast.org_a.slug})
    )
    body = page.content.decode()
    assert "Find the errors" in body and "Sentence 1: The citation looks odd." in body
    assert "The citation is invented" in body  # a planted error, for the reviewer
    assert "Points (0-3)" in body
    # The reviewer sets the points, not only accept or reject.
    decide = reverse("slm:review_decide", kwargs={"org_slug": cast.org_a.slug, "pk": item.pk})
    client_for(cast.alice).post(decide, {"status": "corrected", "label": "2"})
    with org_context(cast.org_a):
        answer.refresh_from_db()
        assert answer.score == pytest.approx(2 / 3) and answer.source == "human"
        assert Attempt.objects.get(pk=answer.attempt_id).status == "scored"


def test_points_outside_zero_to_max_are_refused(client_for, mini):
    from django.core.exceptions import ValidationError

    from slm.review import review_item_decide

    cast = mini
    with org_context(cast.org_a):
        item = ReviewItem.objects.create(
            organization=cast.org_a,
            task="score_free_text",
            item_type="assessments.Answer",
            item_id="0",
            input_text="x",
            model_output={"label": "1", "points": 1, "max_points": 3},
            confidence=0.3,
        )
        for label in ("4", "-1", "two", "1.5"):
            with pytest.raises(ValidationError, match="whole number from 0 to 3"):
                review_item_decide(item=item, reviewer=cast.alice, status="corrected", label=label)


def test_scoring_and_the_sweep_create_review_items_through_one_service(monkeypatch):
    """Both places that send a written answer to review call the same service."""
    from assessments.services import free_text_scoring, sweep

    assert sweep.answer_review_request is free_text_scoring.answer_review_request
    source = Path(sweep.__file__).read_text() + Path(free_text_scoring.__file__).read_text()
    assert source.count("ReviewItem.objects.create(") == 1
