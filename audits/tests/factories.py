import factory
from factory.django import DjangoModelFactory

from audits.models import Audit, AuditCase, AuditFinding, FindingKind
from partnerships.tests.factories import PartnershipFactory


class AuditFactory(DjangoModelFactory):
    class Meta:
        model = Audit

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Multi-agency audit {n}")
    theme = "Intrafamilial child sexual abuse"


class AuditCaseFactory(DjangoModelFactory):
    class Meta:
        model = AuditCase

    audit = factory.SubFactory(AuditFactory)
    reference = factory.Sequence(lambda n: f"AUD-C{n:03d}")
    age_band = "10-13"
    gender = "girl"
    ethnicity_group = "white"
    disability = "no"


class AuditFindingFactory(DjangoModelFactory):
    class Meta:
        model = AuditFinding

    audit = factory.SubFactory(AuditFactory)
    kind = FindingKind.AREA
    theme = "Joint working"
    text = factory.Sequence(lambda n: f"Strategy discussions did not always include health (finding {n}).")
