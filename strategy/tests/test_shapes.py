"""Shapes real strategies use: "We will" commitments under a priority (each can be made an action linked back),
measures of the strategy as a whole, aims written as a list of parts, practice principles."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan.models import Action
from partnerships.models import AuditEvent
from reviews.versions import strategy_new_version
from strategy import services
from strategy.models import Commitment, PracticePrinciple, Priority, StrategyMeasure

pytestmark = pytest.mark.django_db

LONG_NAME = ("Listen to children and act on what they tell us, so that no child who finds the courage to speak is "
             "met with disbelief, delay or a service that does not understand sexual abuse, whichever agency they "
             "happen to tell first")


def url(side, name, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, "pk": side.strategy.pk, **kwargs})


def test_it_keeps_a_priority_name_longer_than_200_characters_whole(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    assert len(LONG_NAME) > 200
    response = client.post(url(side, "priority_create"), {"title": LONG_NAME, "what_this_means": ""})
    assert response.status_code == 302
    assert Priority.objects.get(strategy=side.strategy, number=2).title == LONG_NAME


def test_it_adds_moves_and_deletes_we_will_items_with_an_audit_row_each(world, client):
    side = world.own
    manager = side.users["manager"]
    client.force_login(manager)
    for text in ("train every lead", "publish one guide", "audit practice"):
        response = client.post(url(side, "commitment_create", priority_pk=side.priority.pk), {"text": text})
        assert response.status_code == 302
    items = list(Commitment.objects.filter(priority=side.priority).values_list("number", "text"))
    assert items == [(1, "train every lead"), (2, "publish one guide"), (3, "audit practice")]
    last = Commitment.objects.get(text="audit practice")
    client.post(url(side, "commitment_move", commitment_pk=last.pk), {"direction": "up"})
    first = Commitment.objects.get(text="train every lead")
    client.post(url(side, "commitment_delete", commitment_pk=first.pk))
    items = list(Commitment.objects.filter(priority=side.priority).values_list("number", "text"))
    assert items == [(1, "audit practice"), (2, "publish one guide")]
    verbs = list(AuditEvent.objects.filter(verb__startswith="commitment.").values_list("verb", flat=True))
    assert sorted(verbs) == sorted(["commitment.created"] * 3 + ["commitment.moved", "commitment.deleted"])
    page = client.get(url(side, "strategy_vision")).content.decode()
    assert "audit practice" in page and "Make this an action" in page


def test_a_commitment_made_an_action_links_both_ways(world, client):
    side = world.own
    manager = side.users["manager"]
    commitment = services.commitment_create(priority=side.priority, actor=manager, text="train every lead")
    client.force_login(manager)
    page = client.get(url(side, "commitment_action_create", commitment_pk=commitment.pk))
    assert page.context["form"].initial["text"] == "Train every lead"
    response = client.post(url(side, "commitment_action_create", commitment_pk=commitment.pk), {
        "outcome": side.outcome.pk, "text": "Train every designated safeguarding lead.",
        "lead_agency": side.lead_agency.pk,
    })
    action = Action.objects.get(text="Train every designated safeguarding lead.")
    assert response.status_code == 302 and action.commitment == commitment and action.strategy == side.strategy
    assert AuditEvent.objects.filter(verb="commitment.action_linked", object_id=str(commitment.pk)).exists()
    detail = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": action.pk})).content.decode()
    assert "Where this action came from" in detail and "we will train every lead" in detail
    vision = client.get(url(side, "strategy_vision")).content.decode()
    assert f">{action.reference}</a> in the action plan" in vision


def test_an_action_is_made_only_under_an_outcome_of_the_commitments_strategy(world):
    from actionplan.services import commitment_action_create

    own, other = world.own, world.other
    commitment = services.commitment_create(priority=own.priority, actor=own.users["manager"], text="train")
    with pytest.raises(ValidationError):
        commitment_action_create(commitment=commitment, actor=own.users["manager"], outcome=other.outcome,
                                 text="Train", lead_agency=own.lead_agency)
    assert not Action.objects.filter(commitment=commitment).exists()


def test_measures_principles_and_parts_of_aims_are_kept_and_copied_into_a_new_version(world):
    side = world.own
    manager = side.users["manager"]
    services.strategy_measure_create(strategy=side.strategy, actor=manager, indicator="More children identified")
    services.principle_create(strategy=side.strategy, actor=manager, name="Child first", description="- We listen.")
    services.aim_update(aim=side.aim, actor=manager, sub_aims="- Prevent\n- Identify")
    commitment = services.commitment_create(priority=side.priority, actor=manager, text="train every lead")
    Action.objects.filter(pk=side.action.pk).update(commitment=commitment)
    from strategy.models import StrategyStatus

    type(side.strategy).objects.filter(pk=side.strategy.pk).update(status=StrategyStatus.PUBLISHED)
    side.strategy.refresh_from_db()
    new = strategy_new_version(strategy=side.strategy, actor=manager, version_label="2.0")
    assert list(StrategyMeasure.objects.filter(strategy=new).values_list("indicator", flat=True)) == [
        "More children identified"]
    assert list(PracticePrinciple.objects.filter(strategy=new).values_list("name", flat=True)) == ["Child first"]
    assert new.aims.get(number=1).sub_aims == "- Prevent\n- Identify"
    copied = Commitment.objects.get(priority__strategy=new)
    assert copied.text == "train every lead" and copied.pk != commitment.pk
    assert Action.objects.get(strategy=new).commitment == copied
