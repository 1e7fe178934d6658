"""The generated partnerships: one per plan size, made once and kept between runs."""
from dataclasses import dataclass

SURVEY_RESPONSES_PER_1000_ACTIONS = 2000


@dataclass
class BenchPartnership:
    size: int
    partnership: object
    strategy: object
    manager: object
    member: object
    busiest_action: object


def bench_partnership(size):
    """A published strategy with `size` actions over 5 aims × 4 outcomes and 4 lead agencies,
    10 updates per action, 20 audits (and the staff survey's responses once that exists)."""
    from django.db import transaction

    from partnership_portal.models import Membership, Partnership, Role
    from strategy.models import Section, Strategy
    from strategy.template import TEMPLATE_SECTIONS
    from tests import bulk

    slug = f"bench-{size}"
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        with transaction.atomic():
            partnership = Partnership.objects.create(
                name=f"Benchmark {size} Safeguarding Children Partnership", slug=slug, area="Benchmark"
            )
            agencies = bulk.grow_agencies(partnership, 4)
            strategy = Strategy.objects.create(
                partnership=partnership, title="Child Sexual Abuse Strategy", period_start=2026, period_end=2029,
                status="published", vision="Children grow up free from child sexual abuse.",
            )
            Section.objects.bulk_create(
                Section(strategy=strategy, template_key=t.key, title=t.title, position=t.number * 10,
                        body="Our partnership works together. " * 40)
                for t in TEMPLATE_SECTIONS
            )
            manager = bulk.bulk_user(f"manager-{size}@bench.example")
            member = bulk.bulk_user(f"member-{size}@bench.example")
            Membership.objects.create(user=manager, partnership=partnership, role=Role.BUSINESS_MANAGER)
            Membership.objects.create(user=member, partnership=partnership, role=Role.STEERING_MEMBER,
                                      agency=agencies[0])
            actions = bulk.grow_actions(strategy, size, agencies)
            bulk.grow_updates(actions, size * 10, member)
            bulk.grow_audits(partnership, 20, strategy)
            grow_survey_responses(partnership, size * SURVEY_RESPONSES_PER_1000_ACTIONS // 1000)
    from actionplan.models import Action
    from django.db.models import Count

    strategy = partnership.strategies.get()
    memberships = {m.role: m.user for m in partnership.memberships.select_related("user")}
    busiest = Action.objects.filter(strategy=strategy).annotate(n=Count("updates")).order_by("-n", "id").first()
    return BenchPartnership(size, partnership, strategy, memberships[Role.BUSINESS_MANAGER],
                            memberships[Role.STEERING_MEMBER], busiest)


def grow_survey_responses(partnership, n):
    """Hook for the anonymous staff survey: once workforce has its response model, make n responses
    here with bulk_create (see tests/bulk.py) and add the survey pages to bench_pages.PAGES."""
    import workforce.models as workforce

    if not hasattr(workforce, "SurveyResponse"):
        print(f"  ({n} survey responses not generated: the staff survey does not exist yet)")
        return []
    raise NotImplementedError("Generate survey responses here now that workforce.SurveyResponse exists.")
