"""The partnership's home page: the live plan first, and the reviews a member has been asked for."""
import pytest
from django.urls import reverse

from strategy.tests.factories import ReviewInvitationFactory, ReviewRoundFactory, StrategyFactory


@pytest.mark.django_db
def test_a_new_draft_does_not_hide_the_published_plan(world, client):
    side = world.own
    side.strategy.status = "published"
    side.strategy.save(update_fields=["status"])
    StrategyFactory(partnership=side.partnership, title="Next strategy", period_start=2030, period_end=2033)
    client.force_login(side.users["scrutineer"])
    page = client.get(reverse("partnership", kwargs={"slug": side.slug})).content.decode()
    assert f"{side.strategy.title} {side.strategy.period_label}" in page.split("<h2")[1]
    dashboard = client.get(reverse("dashboard", kwargs={"slug": side.slug}))
    assert dashboard.status_code == 200 and dashboard.context["strategy"] == side.strategy


@pytest.mark.django_db
def test_an_invited_member_sees_the_review_they_were_asked_for(world, client):
    side = world.own
    member = side.users["member_lead"]
    review_round = ReviewRoundFactory(strategy=side.strategy, title="Steering group review of the draft")
    ReviewInvitationFactory(round=review_round, user=member)
    client.force_login(member)
    page = client.get(reverse("partnership", kwargs={"slug": side.slug})).content.decode()
    assert "You have been asked to review" in page
    assert reverse("review_respond", kwargs={"slug": side.slug, "pk": review_round.pk}) in page
    client.force_login(side.users["member_other"])
    assert "You have been asked to review" not in client.get(reverse("partnership", kwargs={"slug": side.slug})).content.decode()
