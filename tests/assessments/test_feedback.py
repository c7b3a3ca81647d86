"""Issue 8 item 5: feedback per item after submission; the learning plan links to misses."""

from django.urls import reverse

from assessments.models import Attempt, Item
from tenancy.context import org_context

from .test_taking import GOOD_MARKS, items, spotting, take_url


def submit_with_mistakes(client, cast):
    it = items(cast)
    client.post(
        take_url(cast),
        {
            f"item-{it['d1'].pk}": "b",  # "Meh": 1 of 3, below chance: no credit
            f"item-{it['d2'].pk}": ["a", "c"],  # one right, one wrong: 0
            f"item-{it['d3'].pk}": "weekly",
            f"item-{it['att'].pk}": "sa",
            "section": "0",
            "go": "next",
        },
    )
    return client.post(
        take_url(cast),
        {
            f"item-{it['s1'].pk}": "a",
            **spotting(it["s2"], GOOD_MARKS),
            "section": "1",
            "go": "submit",
        },
    )


def test_after_submission_each_item_shows_your_answer_the_best_answer_and_why(client_for, mini):
    cast = mini
    with org_context(cast.org_a):
        Item.objects.filter(version=cast.version, key="d1").update(
            rationale="Checking the first outputs closely is what earns trust."
        )
        Item.objects.filter(version=cast.version, key="d2").update(
            rationale="Only the two good options are right."
        )
    client = client_for(cast.emil)
    assert submit_with_mistakes(client, cast).status_code == 302
    with org_context(cast.org_a):
        attempt = Attempt.objects.get(membership=cast.member("emil"))
    url = reverse("assessments:result", kwargs={"org_slug": cast.org_a.slug, "pk": attempt.pk})
    body = client.get(url).content.decode()
    d1 = body[body.index('id="item-d1"') : body.index('id="item-d2"')]
    assert "Your answer" in d1 and "Meh" in d1
    assert "Best answer" in d1 and "Best" in d1
    assert "Checking the first outputs closely is what earns trust." in d1
    assert "0%" in d1  # 1 of 3 is below what answering at random earns
    d2 = body[body.index('id="item-d2"') : body.index('id="item-d3"')]
    assert "Good" in d2 and "Bad" in d2 and "Good too" in d2  # yours: Good, Bad; best: both Goods
    assert "Only the two good options are right." in d2
    s2 = body[body.index('id="item-s2"') :]
    assert "The planted errors" in s2 and "revenue grew 14%, not 40%" in s2
    assert "Pending" in s2  # the written answer is still being scored
    # The learning plan (weakest: delegation) links to the questions missed there.
    plan = body[body.index('id="plan-heading"') : body.index('id="feedback-heading"')]
    assert 'href="#item-d1"' in plan and 'href="#item-d2"' in plan
    assert 'href="#item-d3"' not in plan  # a habit, not a mistake
    assert 'href="#item-s1"' not in plan  # full credit, and another competency


def test_feedback_is_only_for_the_taker(client_for, mini):
    cast = mini
    submit_with_mistakes(client_for(cast.emil), cast)
    with org_context(cast.org_a):
        attempt = Attempt.objects.get(membership=cast.member("emil"))
    url = reverse("assessments:result", kwargs={"org_slug": cast.org_a.slug, "pk": attempt.pk})
    assert client_for(cast.mona).get(url).status_code == 404
