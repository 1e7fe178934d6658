"""Reads for the published document: exports, their challenges and what changed between two."""
from django.db.models import Count, Prefetch, Q

from partnerships import access

from .document import compare_snapshots
from .models import ChallengeEntry, ChallengeStatus, ExportChallenge, ExportSeen, ExportStatus, StrategyExport


def visible_exports(membership):
    """The exports of the partnership's strategies, for those who may see exports."""
    return access.scope(
        StrategyExport.objects.all(), membership, partnership="strategy__partnership_id", perm=access.EXPORT_VIEW
    )


def exports_with_challenge_counts(membership, strategy):
    """Every export of a strategy the membership may see, with its open and responded challenges counted."""
    return (
        visible_exports(membership)
        .filter(strategy=strategy)
        .select_related("requested_by")
        .annotate(
            open_challenges=Count("challenges", filter=Q(challenges__status=ChallengeStatus.OPEN)),
            responded_challenges=Count("challenges", filter=Q(challenges__status=ChallengeStatus.RESPONDED)),
            closed_challenges=Count("challenges", filter=Q(challenges__status=ChallengeStatus.CLOSED)),
        )
        .order_by("-requested_at", "-id")
    )


def export_challenges(export):
    """The challenges on an export, each with its history, in two queries."""
    return list(
        ExportChallenge.objects.filter(export=export)
        .select_related("author")
        .prefetch_related(Prefetch("entries", queryset=ChallengeEntry.objects.select_related("author")))
        .order_by("created_at", "id")
    )


def challenge_summary(challenges):
    summary = {status: 0 for status in ChallengeStatus.values}
    for challenge in challenges:
        summary[challenge.status] += 1
    return summary


def comparable_exports(export):
    """Other finished exports of the same strategy, newest first."""
    return (
        type(export).objects.filter(strategy_id=export.strategy_id, status=ExportStatus.DONE)
        .exclude(pk=export.pk)
        .select_related("requested_by")
        .order_by("-requested_at", "-id")
    )


def default_baseline(export, user):
    """The export to compare with: the latest one `user` saw before this one, else the one before it."""
    earlier = comparable_exports(export).filter(requested_at__lte=export.requested_at).exclude(
        requested_at=export.requested_at, pk__gt=export.pk
    )
    seen = (
        ExportSeen.objects.filter(user=user, export__in=earlier)
        .select_related("export")
        .order_by("-export__requested_at", "-export_id")
        .first()
    )
    return seen.export if seen else earlier.first()


def export_changes(baseline, export):
    return compare_snapshots(baseline.content_snapshot if baseline else {}, export.content_snapshot)
