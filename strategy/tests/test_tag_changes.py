"""Coverage tags of an aim: each named set is changed on its own, and the change is recorded against the aim
and the person who made it."""
import pytest

from partnerships.models import AffectedGroup, AuditEvent, FormOfAbuse
from strategy import services
from strategy.tests.factories import StrategicAimFactory


@pytest.mark.django_db
def test_a_set_not_given_is_left_alone_and_the_next_one_still_changes(world):
    actor = world.own.users["manager"]
    aim = StrategicAimFactory(strategy=world.own.strategy, number=2)
    online = FormOfAbuse.objects.get(code="online")
    aim.forms_of_abuse.set([online])
    group = AffectedGroup.objects.order_by("code").first()
    services.aim_update(aim=aim, actor=actor, affected_groups=[group])
    assert list(aim.forms_of_abuse.all()) == [online]
    assert list(aim.affected_groups.all()) == [group]
    event = AuditEvent.objects.get(verb="aim.tags_changed")
    assert event.changes == {"affected_groups": {"added": [group.code], "removed": []}}
    assert (event.actor, event.object_type, event.object_id) == (actor, "strategy.strategicaim", str(aim.pk))
    assert (event.partnership, event.summary) == (world.own.partnership, str(aim))
