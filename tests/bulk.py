"""Grow a partnership to a given size quickly with bulk_create, for query budgets and benchmarks.

Each `grow_*` brings one kind of row to `n` (it never removes rows) and returns what it made, so a
test can measure a page at one size, grow, and measure again. Add a function here for each new
list a feature brings (survey responses, comments…) and register the page in test_query_counts.
"""
import datetime

from django.utils import timezone

from actionplan.models import Action, ActionStatus, ActionUpdate
from audits.models import Audit
from exports.models import StrategyExport
from partnerships.models import Agency, Membership, Partnership, Role, User
from strategy.models import IntendedOutcome, StrategicAim, Strategy
from workforce.models import TrainingNeedsAssessment

STATUSES = [ActionStatus.NOT_STARTED, ActionStatus.ON_TRACK, ActionStatus.AT_RISK, ActionStatus.OFF_TRACK,
            ActionStatus.COMPLETED]


def grow_outcomes(strategy, aims=5, outcomes_per_aim=4):
    """At least `aims` aims of `outcomes_per_aim` outcomes each; returns every outcome."""
    have = {a.number for a in strategy.aims.all()}
    StrategicAim.objects.bulk_create(
        StrategicAim(strategy=strategy, number=k, title=f"Aim {k}: children are safer from child sexual abuse")
        for k in range(1, aims + 1) if k not in have
    )
    for aim in strategy.aims.all():
        have = {o.number for o in aim.outcomes.all()}
        IntendedOutcome.objects.bulk_create(
            IntendedOutcome(aim=aim, number=k, text=f"Intended outcome {aim.number}.{k}")
            for k in range(1, outcomes_per_aim + 1) if k not in have
        )
    return list(IntendedOutcome.objects.filter(aim__strategy=strategy).select_related("aim").order_by("aim__number", "number"))


def grow_actions(strategy, n, agencies, outcomes=None):
    """Bring the strategy's plan to n actions, spread over its outcomes and the given lead agencies,
    with a mix of statuses, dates and years so every flag and label is exercised."""
    outcomes = outcomes or grow_outcomes(strategy)
    existing = Action.objects.filter(strategy=strategy).count()
    today = timezone.localdate()
    made = Action.objects.bulk_create(
        Action(
            strategy=strategy, outcome=outcomes[i % len(outcomes)], lead_agency=agencies[i % len(agencies)],
            reference=f"B{i + 1}", text=f"Action {i + 1}: train staff to recognise signs and help children tell",
            status=STATUSES[i % len(STATUSES)], progress=(i * 7) % 101,
            completion_date=today + datetime.timedelta(days=(i % 60) - 20) if i % 3 else None,
            start_year=None if i % 3 else 1 + i % 2, end_year=None if i % 3 else 3,
        )
        for i in range(existing, n)
    )
    # A bulk insert is a write to the plan like any other: cached answers under the old version are let go.
    from strategy.services import plan_changed

    plan_changed(strategy.pk)
    return made


def grow_updates(actions, n, author):
    """Bring the updates of these actions to n in all, spread evenly, and set last_update_at."""
    actions = list(actions)
    ids = [a.pk for a in actions]
    existing = ActionUpdate.objects.filter(action_id__in=ids).count()
    now = timezone.now()
    updates = ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=actions[i % len(actions)], author=author, status_from=ActionStatus.NOT_STARTED,
            status_to=ActionStatus.ON_TRACK, progress_from=0, progress_to=(i * 3) % 101,
            narrative=f"Update {i + 1}: sessions delivered and feedback gathered.",
        )
        for i in range(existing, n)
    )
    # auto_now_add ignores a given value; spread the timeline over the past two years afterwards.
    for k, update in enumerate(updates):
        update.created_at = now - datetime.timedelta(hours=k)
    ActionUpdate.objects.bulk_update(updates, ["created_at"], batch_size=2000)
    Action.objects.filter(pk__in=ids).update(last_update_at=now)
    from strategy.services import plan_changed

    for strategy_id in {a.strategy_id for a in actions}:
        plan_changed(strategy_id)
    return updates


def grow_audits(partnership, n, strategy=None):
    existing = Audit.objects.filter(partnership=partnership).count()
    return Audit.objects.bulk_create(
        Audit(partnership=partnership, strategy=strategy, title=f"Audit {i + 1}", theme="Intrafamilial abuse",
              audit_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i))
        for i in range(existing, n)
    )


def grow_assessments(partnership, n):
    existing = TrainingNeedsAssessment.objects.filter(partnership=partnership).count()
    return TrainingNeedsAssessment.objects.bulk_create(
        TrainingNeedsAssessment(partnership=partnership, title=f"Assessment {i + 1}",
                                period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2027, 3, 31))
        for i in range(existing, n)
    )


def grow_strategies(partnership, n):
    existing = Strategy.objects.filter(partnership=partnership).count()
    return Strategy.objects.bulk_create(
        Strategy(partnership=partnership, title=f"Child Sexual Abuse Strategy {i + 1}",
                 period_start=2026, period_end=2029)
        for i in range(existing, n)
    )


def grow_exports(strategy, n, requested_by=None):
    existing = StrategyExport.objects.filter(strategy=strategy).count()
    return StrategyExport.objects.bulk_create(
        StrategyExport(strategy=strategy, requested_by=requested_by, version_label=strategy.version_label,
                       strategy_status=strategy.status, status="done", fingerprint=f"{i:064x}")
        for i in range(existing, n)
    )


def grow_memberships(user, n, role=Role.VIEWER):
    """Make the user a member of n partnerships in all."""
    existing = Membership.objects.filter(user=user).count()
    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"Bulk {user.pk}-{i} Safeguarding Children Partnership", slug=f"bulk-{user.pk}-{i}")
        for i in range(existing, n)
    )
    return Membership.objects.bulk_create(Membership(user=user, partnership=p, role=role) for p in partnerships)


def grow_agencies(partnership, n):
    existing = Agency.objects.filter(partnership=partnership).count()
    return Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"Agency {i + 1}", sector="local_authority") for i in range(existing, n)
    )


def grow_people(partnership, n):
    """Bring the partnership to n steering group members (each with their own agency) and n pending invitations."""
    from datetime import timedelta

    from django.utils import timezone

    from partnerships.models import Invitation
    from partnerships.secret_links import token_hash

    existing = Membership.objects.filter(partnership=partnership).count()
    agencies = Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"People agency {i}", sector="other") for i in range(existing, n)
    )
    users = User.objects.bulk_create(
        User(email=f"person{partnership.pk}-{i}@bulk.example", full_name=f"Person {i}") for i in range(existing, n)
    )
    Membership.objects.bulk_create(
        Membership(user=u, partnership=partnership, role=Role.STEERING_MEMBER, agency=a) for u, a in zip(users, agencies)
    )
    now, invited = timezone.now(), Invitation.objects.filter(partnership=partnership).count()
    Invitation.objects.bulk_create(
        Invitation(partnership=partnership, email=f"invited{i}@bulk.example", role=Role.STEERING_MEMBER,
                   agency=agencies[0] if agencies else Agency.objects.filter(partnership=partnership).first(),
                   token_hash=token_hash(f"bulk-{partnership.pk}-{i}"), sent_at=now, expires_at=now + timedelta(days=14))
        for i in range(invited, n)
    )


def bulk_user(email, password="demo-password-1"):
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": email.split("@")[0].title()})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
