"""Review and publication, scrutiny of an export, and the anonymous staff survey, in a real browser.

Every page reached is checked by axe-core (see conftest.py)."""
import datetime

from django.utils import timezone

from exports.document import build_document
from exports.models import ChallengeStatus, ExportChallenge
from partnerships.models import AuditEvent, SuccessCriterion
from reviews.models import ReviewRoundStatus
from strategy.models import StrategyStatus
from workforce import services as workforce_services
from workforce.models import SurveyResponse


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def sign_in_as(portal, user):
    """Sign the current person out, then sign `user` in."""
    portal.submit("Sign out", exact=True)
    portal.sign_in(user)


def test_draft_is_reviewed_approved_and_published_then_a_viewer_reads_it(portal, world):
    own, page = world.own, portal.page
    strategy, manager, member = own.strategy, own.users["manager"], own.users["member_lead"]
    strategy_url = f"/p/{own.slug}/strategies/{strategy.pk}/"

    # The business manager opens a round and invites a steering group member.
    portal.sign_in(manager)
    portal.goto(strategy_url)
    portal.follow("Reviews against the criteria for success")
    portal.follow("Open a review round")
    page.get_by_label("Title").fill("Steering group review, spring")
    portal.submit("Open the round", exact=True)
    review_round = strategy.review_rounds.get()
    strategy.refresh_from_db()
    assert (review_round.title, review_round.status, strategy.status) == (
        "Steering group review, spring", ReviewRoundStatus.OPEN, StrategyStatus.IN_REVIEW)
    page.get_by_label(f"{member} – {own.lead_agency.name}").check()
    portal.submit("Invite the members chosen")
    invitation = review_round.invitations.get()
    assert (invitation.user, invitation.responded_at) == (member, None)

    # The member rates the draft against the five criteria and comments on a section.
    criteria = list(SuccessCriterion.objects.order_by("number"))
    assert len(criteria) == 5
    sign_in_as(portal, member)
    portal.goto(strategy_url)
    portal.follow("Reviews against the criteria for success")
    portal.follow("Give your view")
    ratings = {c.code: ("met" if c.number % 2 else "partly", "Met" if c.number % 2 else "Partly met") for c in criteria}
    for c in criteria:
        group = page.get_by_role("group", name=f"{c.number}. {c.name}")
        group.get_by_label(ratings[c.code][1], exact=True).check()
    page.get_by_label(f"Comments on {criteria[0].name.lower()} (optional)").fill("Clear and easy to follow.")
    portal.submit("Save your ratings")
    assert page.get_by_text("Thank you: your response has been saved.").is_visible()
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    assert {r.criterion.code: r.rating for r in invitation.ratings.select_related("criterion")} == {
        code: value for code, (value, _) in ratings.items()}
    assert invitation.ratings.get(criterion=criteria[0]).comment == "Clear and easy to follow."
    page.get_by_label("What your comment is about").select_option(label=own.section.title)
    page.get_by_label("Comment", exact=True).fill("Say more about how children are helped to tell.")
    portal.submit("Add comment")
    comment = invitation.comments.get()
    assert (comment.section, comment.text) == (own.section, "Say more about how children are helped to tell.")

    # The manager closes the round, records approval and publishes.
    sign_in_as(portal, manager)
    portal.goto(f"/p/{own.slug}/reviews/{review_round.pk}/")
    portal.submit("Close the round")
    review_round.refresh_from_db()
    assert review_round.status == ReviewRoundStatus.CLOSED

    today = timezone.localdate()
    next_review = today + datetime.timedelta(days=365)
    portal.goto(strategy_url)
    portal.follow("Record approval", exact=True)
    fill_date(page, "Date agreed", today)
    page.get_by_label("Agreed by").fill("Ashvale partnership executive")
    portal.submit("Record approval", exact=True)
    assert page.get_by_text("The strategy is now approved.").is_visible()
    strategy.refresh_from_db()
    assert (strategy.status, strategy.date_agreed, strategy.agreed_by) == (
        StrategyStatus.APPROVED, today, "Ashvale partnership executive")

    portal.follow("Publish", exact=True)
    fill_date(page, "Launch date", today)
    fill_date(page, "Date of the next review", next_review)
    portal.submit("Publish", exact=True)
    assert page.get_by_text("The strategy is now published.").is_visible()
    strategy.refresh_from_db()
    assert (strategy.status, strategy.date_launched, strategy.next_review_date) == (
        StrategyStatus.PUBLISHED, today, next_review)
    assert list(AuditEvent.objects.filter(verb="strategy.status_changed", object_id=str(strategy.pk))
                .order_by("id").values_list("summary", flat=True))[-2:] == [
        "In review to Approved", "Approved to Published"]

    # A viewer now finds the published strategy and reads it.
    sign_in_as(portal, own.users["viewer"])
    portal.follow("Strategies", exact=True)
    portal.follow(strategy.title)
    assert page.url.endswith(strategy_url)
    assert page.locator(".portal-lifecycle").get_by_text("Published", exact=True).is_visible()
    assert page.locator(".portal-lifecycle").get_by_text(f"{today:%-d %B %Y} by Ashvale partnership executive").is_visible()


def test_scrutineer_challenges_a_section_and_the_manager_responds(portal, world):
    own, page = world.own, portal.page
    _, snapshot = build_document(own.strategy)
    export = own.export
    export.content_snapshot = snapshot
    export.save(update_fields=["content_snapshot"])
    section = snapshot["sections"][1]
    scrutineer, manager = own.users["scrutineer"], own.users["manager"]

    portal.sign_in(scrutineer)
    portal.goto(f"/p/{own.slug}/strategies/{own.strategy.pk}/")
    portal.follow("Exports", exact=True)
    portal.follow(f"{export.requested_at.year}")
    page.get_by_label("Which part of the document").select_option(label=section["title"])
    page.get_by_label("Page", exact=True).fill("7")
    page.get_by_label("Your challenge").fill("Which agency leads the work with parents?")
    portal.submit("Record the challenge")
    assert page.get_by_text("Your challenge has been recorded.").is_visible()
    challenge = ExportChallenge.objects.get(export=export)
    assert (challenge.author, challenge.section_key, challenge.section_title, challenge.page_reference,
            challenge.text, challenge.status) == (
        scrutineer, section["key"], section["title"], "7", "Which agency leads the work with parents?",
        ChallengeStatus.OPEN)

    sign_in_as(portal, manager)
    portal.goto(f"/p/{own.slug}/exports/{export.pk}/")
    card = page.locator(f"#challenge-{challenge.pk}")
    assert card.get_by_role("heading", name=f"{section['title']}, page 7").is_visible()
    card.get_by_label("Your reply").fill("The council leads it; see action 1.1.")
    with page.expect_navigation():
        card.get_by_role("button", name="Respond").click()
    portal.audit()
    assert page.get_by_text("Your response has been recorded.").is_visible()
    card = page.locator(f"#challenge-{challenge.pk}")
    assert card.locator(".govuk-tag").inner_text() == "Responded"
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.RESPONDED
    assert [(e.kind, e.author, e.text) for e in challenge.entries.order_by("id")] == [
        ("raised", scrutineer, "Which agency leads the work with parents?"),
        ("response", manager, "The council leads it; see action 1.1."),
    ]


def test_staff_member_answers_the_anonymous_survey_without_signing_in(portal, world):
    own, page = world.own, portal.page
    survey = workforce_services.survey_create(assessment=own.assessment, actor=own.users["manager"])
    workforce_services.survey_set_open(survey=survey, actor=own.users["manager"], is_open=True)
    first, second = survey.questions.order_by("position")[:2]
    audit_rows = AuditEvent.objects.count()

    portal.goto(f"/survey/{survey.token}/")
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.get_by_label(own.other_agency.name).check()
    page.get_by_label("Practitioner").check()
    page.get_by_role("group", name=first.text).get_by_label("Agree", exact=True).check()
    page.get_by_role("group", name=second.text).get_by_label("Strongly agree", exact=True).check()
    portal.submit("Send my answers")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    assert page.get_by_text("Your answers have been received").is_visible()

    response = SurveyResponse.objects.get(survey=survey)
    assert (response.agency, response.role, response.submitted_on) == (
        own.other_agency, "practitioner", timezone.localdate())
    assert {f.name for f in SurveyResponse._meta.concrete_fields} == {"id", "survey", "agency", "role", "submitted_on", "release_batch"}
    assert sorted((a.question_id, a.rating) for a in response.answers.all()) == [(first.pk, 4), (second.pk, 5)]
    assert AuditEvent.objects.count() == audit_rows, "nothing about a response goes into the audit trail"
