"""Who is told about exports and challenges: the business managers of a new challenge, its scrutineer of
an answer, whoever asked of a finished export."""
import pytest
from django.core import mail

from exports import document as export_module
from exports.services import challenge_raise, challenge_respond, export_request
from exports.tests.test_scrutiny import snapshot_export
from partnerships.models import Notification, NotificationKind, Role
from partnerships.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_challenge_raised_tells_every_business_manager(world, django_capture_on_commit_callbacks):
    side = world.own
    second = MembershipFactory(partnership=side.partnership, role=Role.BUSINESS_MANAGER).user
    export = snapshot_export(side)
    with django_capture_on_commit_callbacks(execute=True):
        challenge = challenge_raise(export=export, actor=side.users["scrutineer"], text="Where is aim 2?")
    told = Notification.objects.filter(kind=NotificationKind.CHALLENGE_RAISED)
    assert {n.user for n in told} == {side.users["manager"], second}
    assert {n.url for n in told} == {f"/p/{side.slug}/exports/{export.pk}/#challenge-{challenge.pk}"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([side.users["manager"].email, second.email])
    assert not Notification.objects.filter(partnership=world.other.partnership).exists()


def test_an_answer_tells_the_scrutineer_who_raised_it(world, django_capture_on_commit_callbacks):
    side = world.own
    challenge = challenge_raise(export=snapshot_export(side), actor=side.users["scrutineer"], text="Why?")
    with django_capture_on_commit_callbacks(execute=True):
        challenge_respond(challenge=challenge, actor=side.users["manager"], text="Because the board agreed it.")
    answered = Notification.objects.get(kind=NotificationKind.CHALLENGE_ANSWERED)
    assert answered.user == side.users["scrutineer"]
    assert answered.body == "Because the board agreed it."
    assert mail.outbox[-1].to == [side.users["scrutineer"].email]


def test_a_finished_export_tells_whoever_asked_for_it(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(export_module, "render_pdf", lambda html: (b"%PDF-1.7 rendered", 3))
    side = world.own
    with django_capture_on_commit_callbacks(execute=True):
        export, created = export_request(strategy=side.strategy, actor=side.users["manager"])
    assert created
    ready = Notification.objects.get(kind=NotificationKind.EXPORT_READY)
    assert ready.user == side.users["manager"]
    assert ready.url == f"/p/{side.slug}/exports/{export.pk}/"
    assert ready.body == f"Version {export.version_label}, 3 pages."
