"""The demo partnership shows a closed review round with responses, and loading twice adds nothing."""
import io

from django.core.management import call_command

from partnerships.models import AuditEvent
from reviews.models import ReviewComment, ReviewInvitation, ReviewRating, ReviewRound
from strategy.models import StrategyStatus


def test_the_demo_has_one_closed_review_round_with_responses(db):
    call_command("load_demo", force=True, stdout=io.StringIO())
    review_round = ReviewRound.objects.get()
    assert review_round.status == "closed" and review_round.strategy.status == StrategyStatus.IN_REVIEW
    invitations = ReviewInvitation.objects.filter(round=review_round)
    assert sorted((i.user.email if i.user else i.email) for i in invitations) == [
        "jo.marsden@survivors-together.example", "member2@demo.example", "member@demo.example",
    ]
    assert ReviewRating.objects.filter(invitation__round=review_round).count() == 10
    assert [(c.section.template_key, c.is_resolved) for c in ReviewComment.objects.order_by("id")] == [
        ("workforce", True), ("identification", False),
    ]
    counts = (ReviewRound.objects.count(), ReviewRating.objects.count(), AuditEvent.objects.count())
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert (ReviewRound.objects.count(), ReviewRating.objects.count(), AuditEvent.objects.count()) == counts
