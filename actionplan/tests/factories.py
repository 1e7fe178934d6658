import factory
from factory.django import DjangoModelFactory

from actionplan.models import Action, ActionUpdate
from partnerships.tests.factories import AgencyFactory, UserFactory
from strategy.tests.factories import IntendedOutcomeFactory


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    outcome = factory.SubFactory(IntendedOutcomeFactory)
    strategy = factory.SelfAttribute("outcome.aim.strategy")
    reference = factory.Sequence(lambda n: f"9.{n + 1}")
    text = factory.Faker("sentence", nb_words=16)
    lead_agency = factory.SubFactory(AgencyFactory, partnership=factory.SelfAttribute("..strategy.partnership"))
    status = "not_started"
    progress = 0


class ActionUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(UserFactory)
    status_from = "not_started"
    status_to = "on_track"
    progress_from = 0
    progress_to = 10
    narrative = factory.Faker("sentence")
