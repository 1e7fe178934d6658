"""Shared fixtures: two partnerships, each with every role, so every test can check both sides."""
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from actionplan.tests.factories import ActionFactory
from audits.tests.factories import AuditFactory
from partnerships.models import Role
from partnerships.tests.factories import AgencyFactory, MembershipFactory, PartnershipFactory, UserFactory
from strategy.tests.factories import (
    GovernanceBodyFactory,
    IdentificationFigureFactory,
    IntendedOutcomeFactory,
    LocalDataPeriodFactory,
    MeasureFactory,
    PriorityFactory,
    SectionFactory,
    StrategicAimFactory,
    StrategyExportFactory,
    StrategyFactory,
)
from workforce.tests.factories import TrainingNeedsAssessmentFactory


def pytest_report_header(config):
    import os

    from django.conf import settings

    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']})",
        f"celery broker: {'Redis at ' + settings.REDIS_URL if settings.REDIS_URL else 'none (tasks run in-process)'}",
        f"real worker test required: {os.environ.get('REQUIRE_CELERY_WORKER_TEST') == '1'}",
    ]


ROLES = ("viewer", "scrutineer", "member_lead", "member_other", "manager")


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The guide's reference data comes from a data migration; a transactional test empties every table
    when it ends, so put it back for the tests that follow."""
    if not (request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from partnerships.models import FormOfAbuse, SuccessCriterion

    if not (FormOfAbuse.objects.exists() and SuccessCriterion.objects.exists()):
        from partnerships.reference import load_reference_data

        load_reference_data()


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Every test writes exports and uploads into its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def build_side(prefix):
    partnership = PartnershipFactory(name=f"{prefix} Safeguarding Children Partnership", slug=prefix.lower())
    lead = AgencyFactory(partnership=partnership, name=f"{prefix} Police", sector="police")
    other = AgencyFactory(partnership=partnership, name=f"{prefix} Council", sector="local_authority")
    users = {
        "manager": MembershipFactory(partnership=partnership, role=Role.BUSINESS_MANAGER,
                                     user=UserFactory(email=f"manager@{prefix.lower()}.example")).user,
        "member_lead": MembershipFactory(partnership=partnership, role=Role.STEERING_MEMBER, agency=lead,
                                         user=UserFactory(email=f"lead@{prefix.lower()}.example")).user,
        "member_other": MembershipFactory(partnership=partnership, role=Role.STEERING_MEMBER, agency=other,
                                          user=UserFactory(email=f"other@{prefix.lower()}.example")).user,
        "scrutineer": MembershipFactory(partnership=partnership, role=Role.SCRUTINEER,
                                        user=UserFactory(email=f"scrutineer@{prefix.lower()}.example")).user,
        "viewer": MembershipFactory(partnership=partnership, role=Role.VIEWER,
                                    user=UserFactory(email=f"viewer@{prefix.lower()}.example")).user,
    }
    strategy = StrategyFactory(partnership=partnership)
    from strategy.models import Section
    from strategy.template import TEMPLATE_SECTIONS

    Section.objects.bulk_create(
        Section(strategy=strategy, template_key=t.key, title=t.title, position=t.number * 10) for t in TEMPLATE_SECTIONS
    )
    aim = StrategicAimFactory(strategy=strategy, number=1)
    outcome = IntendedOutcomeFactory(aim=aim, number=1)
    action = ActionFactory(outcome=outcome, lead_agency=lead, reference="1.1")
    export = StrategyExportFactory(strategy=strategy)
    extra_section = SectionFactory(strategy=strategy, title="Voice of the child")
    priority = PriorityFactory(strategy=strategy, number=1)
    governance_body = GovernanceBodyFactory(strategy=strategy, name=f"{prefix} Steering Group")
    measure = MeasureFactory(outcome=outcome)
    audit = AuditFactory(partnership=partnership)
    assessment = TrainingNeedsAssessmentFactory(partnership=partnership)
    local_period = LocalDataPeriodFactory(partnership=partnership)
    figure = IdentificationFigureFactory(period=local_period, source_agency=other)
    return SimpleNamespace(
        partnership=partnership, slug=partnership.slug, lead_agency=lead, other_agency=other, users=users,
        strategy=strategy, section=strategy.sections.first(), aim=aim, outcome=outcome, action=action,
        export=export, audit=audit, assessment=assessment, local_period=local_period, figure=figure,
        extra_section=extra_section, priority=priority, governance_body=governance_body, measure=measure,
    )


@pytest.fixture
def world(db):
    """Our partnership ("own") and another ("other"), each with a draft strategy (with an extra section,
    a priority, a governance body and a measure), one action led by the lead agency, a finished export,
    an audit and an assessment, and one user per role."""
    return SimpleNamespace(own=build_side("Ashvale"), other=build_side("Brookfield"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: answers cached by one test are never read by another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client_for():
    def make(user):
        client = APIClient()
        if user is not None:
            from partnerships.api_tokens import issue

            _, key = issue(user, name="Test client")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
