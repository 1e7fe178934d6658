"""Review rounds: opening, inviting members and outside reviewers, responding against the five
criteria for success, comments on sections, resolving them, and closing."""
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent, Membership, SuccessCriterion
from reviews import services as review
from reviews.models import ReviewComment, ReviewInvitation, ReviewRating, ReviewRound
from strategy.models import StrategyStatus
from strategy.tests.factories import ReviewCommentFactory, ReviewInvitationFactory, ReviewRoundFactory

CODES = ("clarity", "coverage", "deliverability", "consistency", "readiness")


def url(name, side, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, **kwargs})


def ratings_post(rating="met", **overrides):
    data = {"form": "response"}
    for code in CODES:
        data[f"r-{code}"] = overrides.get(code, rating)
        data[f"r-{code}_comment"] = f"About {code}."
    return data


def open_round(side, **extra):
    return review.review_round_open(strategy=side.strategy, actor=side.users["manager"], title="Steering group review", **extra)


def test_it_opens_a_round_and_puts_the_draft_in_review(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    response = client.post(url("review_open", side, pk=side.strategy.pk), {
        "title": "Steering group review", "message": "Look at the aims.",
        "respond_by_0": "30", "respond_by_1": "4", "respond_by_2": str(timezone.localdate().year + 1),
    })
    review_round = ReviewRound.objects.get(strategy=side.strategy)
    assert response.status_code == 302
    assert response["Location"] == url("review_invite", side, pk=review_round.pk)
    assert (review_round.title, review_round.status, str(review_round.respond_by)) == ("Steering group review", "open", f"{timezone.localdate().year + 1}-04-30")
    side.strategy.refresh_from_db()
    assert side.strategy.status == StrategyStatus.IN_REVIEW
    verbs = set(AuditEvent.objects.filter(partnership=side.partnership).values_list("verb", flat=True))
    assert {"review.opened", "strategy.status_changed"} <= verbs


def test_it_keeps_what_was_typed_when_the_round_form_is_invalid(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    response = client.post(url("review_open", side, pk=side.strategy.pk), {"title": "", "message": "Keep me."})
    assert response.status_code == 200
    assert "Keep me." in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not ReviewRound.objects.exists()


def test_it_refuses_a_second_open_round(world):
    side = world.own
    open_round(side)
    with pytest.raises(ValidationError, match="already has an open review round"):
        open_round(side)


def test_it_refuses_a_round_on_an_approved_strategy(world):
    side = world.own
    side.strategy.status = StrategyStatus.APPROVED
    side.strategy.save()
    with pytest.raises(ValidationError, match="Only a draft"):
        open_round(side)


def test_it_invites_steering_group_members_once(world, client):
    side = world.own
    review_round = open_round(side)
    client.force_login(side.users["manager"])
    lead = Membership.objects.get(user=side.users["member_lead"], partnership=side.partnership)
    response = client.post(url("review_invite", side, pk=review_round.pk), {"invite": "members", "m-members": [lead.pk]})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[side.users["member_lead"].email]]
    assert url("review_respond", side, pk=review_round.pk) in mail.outbox[0].body
    invitation = ReviewInvitation.objects.get(round=review_round)
    assert (invitation.user, invitation.token_hash, invitation.organisation) == (
        side.users["member_lead"], "", side.lead_agency.name
    )
    # Once invited, the member is no longer offered, and posting them again is an error beside the field.
    response = client.post(url("review_invite", side, pk=review_round.pk), {"invite": "members", "m-members": [lead.pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ReviewInvitation.objects.filter(round=review_round).count() == 1


def test_it_does_not_offer_members_of_another_partnership(world):
    review_round = open_round(world.own)
    other_member = Membership.objects.get(user=world.other.users["member_lead"])
    assert other_member not in review.invitable_members(review_round)
    with pytest.raises(ValidationError):
        review.review_invite_members(review_round=review_round, actor=world.own.users["manager"], memberships=[other_member])


def test_it_emails_an_outside_reviewer_a_link_and_keeps_only_its_hash(world, client):
    side = world.own
    review_round = open_round(side)
    client.force_login(side.users["manager"])
    response = client.post(url("review_invite", side, pk=review_round.pk), {
        "invite": "outside", "o-name": "Sam Rivers", "o-email": "Sam@Elsewhere.example",
        "o-organisation": "Survivors' forum",
    })
    assert response.status_code == 302
    invitation = ReviewInvitation.objects.get(round=review_round)
    assert (invitation.user, invitation.email) == (None, "sam@elsewhere.example")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@elsewhere.example"]
    token = re.search(r"/review/([\w-]+)/", mail.outbox[0].body).group(1)
    assert len(token) >= 40
    assert token not in invitation.token_hash and invitation.token_hash == review.token_hash(token)
    client.logout()
    page = client.get(reverse("review_token", kwargs={"token": token}))
    assert page.status_code == 200
    assert "Review the draft strategy" in page.content.decode()
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "same-origin"

    # Under that policy a browser sends the page's own origin with its forms, and the CSRF check accepts it.
    # ("no-referrer" made Chromium send "Origin: null", refused as a forgery.)
    browser = Client(enforce_csrf_checks=True)
    form_page = browser.get(reverse("review_token", kwargs={"token": token}))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.content.decode()).group(1)
    posted = {"csrfmiddlewaretoken": csrf, "form": "comment", "c-section": "", "c-text": "Say who chairs the group."}
    assert browser.post(form_page.request["PATH_INFO"], posted, HTTP_ORIGIN="null").status_code == 403
    assert browser.post(form_page.request["PATH_INFO"], posted, HTTP_ORIGIN="http://testserver").status_code == 302


def test_when_the_mail_server_refuses_nobody_is_invited(world, client, monkeypatch):
    side = world.own
    review_round = open_round(side)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(review, "send_mail", refuse)
    client.force_login(side.users["manager"])
    response = client.post(url("review_invite", side, pk=review_round.pk), {
        "invite": "outside", "o-name": "Sam Rivers", "o-email": "sam@elsewhere.example",
    })
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert not ReviewInvitation.objects.exists()


def test_it_refuses_the_same_outside_email_twice(world, client):
    side = world.own
    review_round = open_round(side)
    client.force_login(side.users["manager"])
    data = {"invite": "outside", "o-name": "Sam Rivers", "o-email": "sam@elsewhere.example"}
    client.post(url("review_invite", side, pk=review_round.pk), data)
    response = client.post(url("review_invite", side, pk=review_round.pk), data)
    assert response.status_code == 200
    assert "already been invited" in response.content.decode()
    assert 'value="Sam Rivers"' in response.content.decode()


def test_an_invited_member_rates_the_draft_against_every_criterion(world, client):
    side = world.own
    invitation = ReviewInvitationFactory(round=open_round(side), user=side.users["member_lead"])
    client.force_login(side.users["member_lead"])
    response = client.post(url("review_respond", side, pk=invitation.round_id), ratings_post(coverage="partly"))
    assert response.status_code == 302
    ratings = {r.criterion.code: (r.rating, r.comment) for r in ReviewRating.objects.filter(invitation=invitation)}
    assert ratings == {code: ("partly" if code == "coverage" else "met", f"About {code}.") for code in CODES}
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    # Changing the response keeps one rating per criterion.
    client.post(url("review_respond", side, pk=invitation.round_id), ratings_post("not_met"))
    assert set(ReviewRating.objects.filter(invitation=invitation).values_list("rating", flat=True)) == {"not_met"}
    assert ReviewRating.objects.filter(invitation=invitation).count() == 5
    assert AuditEvent.objects.filter(verb="review.response_changed", actor=side.users["member_lead"]).exists()


def test_a_response_missing_a_rating_is_refused_and_keeps_the_comments(world, client):
    side = world.own
    invitation = ReviewInvitationFactory(round=open_round(side), user=side.users["member_lead"])
    client.force_login(side.users["member_lead"])
    data = ratings_post()
    del data["r-readiness"]
    response = client.post(url("review_respond", side, pk=invitation.round_id), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose a rating for readiness." in body and "About clarity." in body
    assert not ReviewRating.objects.exists()


def test_a_member_who_was_not_invited_cannot_respond(world, client):
    side = world.own
    invitation = ReviewInvitationFactory(round=open_round(side), user=side.users["member_lead"])
    client.force_login(side.users["member_other"])
    response = client.post(url("review_respond", side, pk=invitation.round_id), ratings_post())
    assert response.status_code == 403
    assert not ReviewRating.objects.exists()


def test_a_reviewer_comments_on_a_section(world, client):
    side = world.own
    invitation = ReviewInvitationFactory(round=open_round(side), user=side.users["member_lead"])
    client.force_login(side.users["member_lead"])
    response = client.post(url("review_respond", side, pk=invitation.round_id), {
        "form": "comment", "c-section": side.section.pk, "c-text": "Say who leads this.",
    })
    assert response.status_code == 302
    comment = ReviewComment.objects.get()
    assert (comment.invitation, comment.section, comment.text, comment.is_resolved) == (
        invitation, side.section, "Say who leads this.", False
    )


def test_a_comment_on_another_strategys_section_is_refused(world, client):
    side = world.own
    invitation = ReviewInvitationFactory(round=open_round(side), user=side.users["member_lead"])
    client.force_login(side.users["member_lead"])
    response = client.post(url("review_respond", side, pk=invitation.round_id), {
        "form": "comment", "c-section": world.other.section.pk, "c-text": "Elsewhere.",
    })
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_an_outside_reviewer_responds_without_an_account(world, client):
    side = world.own
    token = "a-long-secret-token-for-the-test-0123456789"
    invitation = ReviewInvitationFactory(round=open_round(side), token=token)
    link = reverse("review_token", kwargs={"token": token})
    assert client.post(link, ratings_post()).status_code == 302
    assert client.post(link, {"form": "comment", "c-section": "", "c-text": "Clear and readable."}).status_code == 302
    assert ReviewRating.objects.filter(invitation=invitation).count() == 5
    comment = ReviewComment.objects.get()
    assert (comment.section, comment.text) == (None, "Clear and readable.")
    event = AuditEvent.objects.get(verb="review.responded")
    assert (event.actor, event.summary) == (None, "Outside reviewer")


def test_a_wrong_or_closed_link_is_not_found(world, client):
    side = world.own
    token = "a-long-secret-token-for-the-test-0123456789"
    invitation = ReviewInvitationFactory(round=open_round(side), token=token)
    assert client.get(reverse("review_token", kwargs={"token": token + "x"})).status_code == 404
    review.review_round_close(review_round=invitation.round, actor=side.users["manager"])
    assert client.get(reverse("review_token", kwargs={"token": token})).status_code == 404


def test_the_manager_sees_responses_side_by_side_and_resolves_comments(world, client):
    side = world.own
    review_round = open_round(side)
    lead = ReviewInvitationFactory(round=review_round, user=side.users["member_lead"], name="Lead Member")
    outside = ReviewInvitationFactory(round=review_round, token="outside-token-0123456789", name="Sam Rivers")
    review.review_respond(invitation=lead, actor=side.users["member_lead"],
                          ratings={c: ("met", "") for c in CODES})
    review.review_respond(invitation=outside, actor=None,
                          ratings={c: ("not_met" if c == "readiness" else "partly", "Needs owners.") for c in CODES})
    comment = ReviewCommentFactory(invitation=outside, section=side.section, text="Who leads this?")
    client.force_login(side.users["manager"])
    page = client.get(url("review_detail", side, pk=review_round.pk)).content.decode()
    assert "Lead Member" in page and "Sam Rivers" in page and "Who leads this?" in page
    assert "1 met, 0 partly, 1 not met" in page  # readiness
    assert "1 met, 1 partly, 0 not met" in page
    response = client.post(url("review_comment_resolve", side, pk=comment.pk), {"note": "Lead named in section 3."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_resolved and comment.resolved_by == side.users["manager"]
    assert comment.resolution_note == "Lead named in section 3."
    # Resolving twice is refused without changing anything.
    client.post(url("review_comment_resolve", side, pk=comment.pk), {"note": "Again"})
    comment.refresh_from_db()
    assert comment.resolution_note == "Lead named in section 3."


def test_closing_a_round_stops_responses(world, client):
    side = world.own
    invitation = ReviewInvitationFactory(round=open_round(side), user=side.users["member_lead"])
    client.force_login(side.users["manager"])
    assert client.post(url("review_close", side, pk=invitation.round_id)).status_code == 302
    invitation.round.refresh_from_db()
    assert invitation.round.status == "closed" and invitation.round.closed_by == side.users["manager"]
    client.force_login(side.users["member_lead"])
    assert client.post(url("review_respond", side, pk=invitation.round_id), ratings_post()).status_code == 403
    with pytest.raises(ValidationError):
        review.review_respond(invitation=invitation, actor=None, ratings={c: ("met", "") for c in CODES})
    side.strategy.refresh_from_db()
    assert side.strategy.status == StrategyStatus.IN_REVIEW


def test_the_database_allows_one_open_round_per_strategy(world):
    from django.db import IntegrityError, transaction

    ReviewRoundFactory(strategy=world.own.strategy)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRoundFactory(strategy=world.own.strategy)


def test_the_review_grid_answers_in_the_same_number_of_queries_at_two_sizes(world, client):
    side = world.own
    review_round = open_round(side)
    client.force_login(side.users["manager"])

    def grow(n):
        for i in range(ReviewInvitation.objects.filter(round=review_round).count(), n):
            invitation = ReviewInvitationFactory(round=review_round, token=f"token-{i}-0123456789abcdef", email=f"r{i}@x.example")
            review.review_respond(invitation=invitation, actor=None, ratings={c: ("met", "ok") for c in CODES})
            ReviewCommentFactory(invitation=invitation, section=side.section)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("review_detail", side, pk=review_round.pk)).status_code == 200
        return len(ctx.captured_queries)

    grow(2)
    small = count()
    grow(12)
    assert count() == small
    assert SuccessCriterion.objects.count() == 5


def test_the_round_list_answers_in_the_same_number_of_queries_at_two_sizes(world, client):
    side = world.own
    client.force_login(side.users["member_lead"])

    def grow(n):
        for i in range(ReviewRound.objects.filter(strategy=side.strategy).count(), n):
            review_round = ReviewRoundFactory(strategy=side.strategy, status="closed", closed_at="2026-01-01T10:00Z",
                                              opened_by=side.users["manager"])
            ReviewInvitationFactory(round=review_round, user=side.users["member_lead"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("review_list", side, pk=side.strategy.pk)).status_code == 200
        return len(ctx.captured_queries)

    grow(2)
    small = count()
    grow(15)
    assert count() == small


def test_the_round_list_shows_each_person_their_part(world, client):
    side = world.own
    review_round = open_round(side)
    ReviewInvitationFactory(round=review_round, user=side.users["member_lead"])
    respond = f'href="{url("review_respond", side, pk=review_round.pk)}"'
    grid = f'href="{url("review_detail", side, pk=review_round.pk)}"'
    client.force_login(side.users["member_lead"])
    page = client.get(url("review_list", side, pk=side.strategy.pk)).content.decode()
    assert respond in page and "Give your view" in page and grid not in page
    client.force_login(side.users["member_other"])
    page = client.get(url("review_list", side, pk=side.strategy.pk)).content.decode()
    assert respond not in page and "Not invited" in page
    client.force_login(side.users["scrutineer"])
    page = client.get(url("review_list", side, pk=side.strategy.pk)).content.decode()
    assert grid in page and url("review_open", side, pk=side.strategy.pk) not in page


def test_a_respond_by_date_in_the_past_is_refused_and_the_form_kept(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    response = client.post(reverse("review_open", kwargs={"slug": side.slug, "pk": side.strategy.pk}), {
        "title": "Late review", "respond_by_0": "1", "respond_by_1": "1", "respond_by_2": "2020",
    })
    assert response.status_code == 200
    assert "The date to respond by must be today or in the future." in response.content.decode()
    assert 'value="Late review"' in response.content.decode()
    assert not side.strategy.review_rounds.exists()
