import factory
from factory.django import DjangoModelFactory

from audits.models import Audit
from partnership_portal.tests.factories import PartnershipFactory


class AuditFactory(DjangoModelFactory):
    class Meta:
        model = Audit

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Multi-agency audit {n}")
    theme = "Intrafamilial child sexual abuse"
