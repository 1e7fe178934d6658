import factory
from factory.django import DjangoModelFactory

from partnerships.models import Agency, Membership, Partnership, Role, Sector, User

factory.Faker._DEFAULT_LOCALE = "en_GB"

TEST_PASSWORD = "test-password-123"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n} Safeguarding Children Partnership")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    area = factory.Faker("city")
    child_population_under_16 = 50000


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    sector = Sector.LOCAL_AUTHORITY
    is_statutory_partner = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.BUSINESS_MANAGER
    agency = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.STEERING_MEMBER),
        yes_declaration=factory.SubFactory(AgencyFactory, partnership=factory.SelfAttribute("..partnership")),
        no_declaration=None,
    )


def totp_code(device, steps_ahead=0):
    """The code a person's authenticator app shows now for `device` (or `steps_ahead` 30-second steps later)."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
