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

    from partnerships.models import Membership, Partnership, Role
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
            grow_survey_responses(partnership, size * SURVEY_RESPONSES_PER_1000_ACTIONS // 1000, manager, strategy)
    from django.db.models import Count

    from actionplan.models import Action

    strategy = partnership.strategies.get()
    memberships = {m.role: m.user for m in partnership.memberships.select_related("user")}
    busiest = Action.objects.filter(strategy=strategy).annotate(n=Count("updates")).order_by("-n", "id").first()
    return BenchPartnership(size, partnership, strategy, memberships[Role.BUSINESS_MANAGER],
                            memberships[Role.STEERING_MEMBER], busiest)


def grow_survey_responses(partnership, n, actor, strategy):
    """An assessment with its staff survey and n anonymous responses spread over agencies, roles and ratings."""
    import datetime

    from workforce.models import (
        QuestionKind,
        RespondentRole,
        SurveyAnswer,
        SurveyResponse,
        TrainingNeedsAssessment,
    )
    from workforce.services import survey_create

    assessment = TrainingNeedsAssessment.objects.create(
        partnership=partnership, strategy=strategy, title="Benchmark training needs assessment",
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30),
    )
    survey = survey_create(assessment=assessment, actor=actor)
    agencies = list(partnership.agencies.order_by("id"))
    roles = [value for value, _ in RespondentRole.choices]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, agency=agencies[i % len(agencies)], role=roles[i % len(roles)],
                       submitted_on=datetime.date(2026, 3, 1))
        for i in range(n)
    )
    questions = list(survey.questions.all())
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=r, question=q, rating=1 + (i + q.pk) % 5 if q.kind == QuestionKind.LIKERT else None,
                     text="" if q.kind == QuestionKind.LIKERT else "More on harmful sexual behaviour.")
        for i, r in enumerate(responses) for q in questions
    )
    return responses
