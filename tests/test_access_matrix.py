"""Every URL of the portal × every role × own or other partnership.

The test fails when a URL pattern is not in the matrix, so a new page cannot
ship without its access rules being written down and checked.
"""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import ROLES
from strategy.tests.factories import ReviewCommentFactory, ReviewInvitationFactory, ReviewRoundFactory

ANON = "anonymous"
ALL_ROLES = (ANON, *ROLES)


# URL names left out of the matrix on purpose, with the reason.
EXCLUDED = {
    "bench-bare-json": "routed only when PORTAL_BENCH_VIEWS=1 for tests/benchmarks; answers a constant, reads no data",
}


def url_names(patterns=None, namespace=None):
    names = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django admin: staff only, checked in test_admin_is_staff_only
            names |= url_names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}:{p.name}" if namespace else p.name)
    return names - set(EXCLUDED)


def E(anonymous=302, **by_role):
    """Expected status per role; roles not named take `default` if given, else 200."""
    default = by_role.pop("default", 200)
    result = {role: by_role.get(role, default) for role in ROLES}
    result[ANON] = anonymous
    return result


OTHER_SIDE_HTML = E(default=404)  # another partnership's pages are invisible
READ_DRAFT = E(viewer=404)  # drafts are hidden from viewers
MANAGER_ONLY_DRAFT = E(default=403, manager=200, viewer=404)
MANAGER_POST_DRAFT = E(default=403, manager=302, viewer=404)
EXPORTS = E(default=404, manager=200, scrutineer=200)
EXPORT_LIST = E(default=403, manager=200, scrutineer=200, viewer=404)
NOT_VIEWERS = E(viewer=403)
API_ANON = 401
EXPORT_MANAGER_POST = E(default=404, manager=302, scrutineer=403)
EXPORT_SCRUTINEER_POST = E(default=404, manager=403, scrutineer=302)
MEMBERS_405 = E(anonymous=302, default=405)


def challenge_of(side):
    """A challenge on the side's export, created on first use."""
    from exports.models import ExportChallenge

    return ExportChallenge.objects.get_or_create(
        export=side.export, defaults={"author": side.users["scrutineer"], "text": "Where is the evidence for aim 1?"}
    )[0]


CHALLENGE = lambda s: {"slug": s.slug, "pk": challenge_of(s).pk}  # noqa: E731

MEMBER_INVITED = E(default=403, member_lead=200, viewer=404)
REVIEW_RESPONSES = E(default=403, manager=200, scrutineer=200, viewer=404)

# URL names that answer someone who is not signed in. A page reached by a secret link belongs here
# and nowhere else; the test below fails if the matrix lets an anonymous visitor in anywhere else.
# The only URLs an anonymous visitor may use: signing in and resetting a password, the API token exchange,
# the health check, security.txt, and the two links that are themselves the credential (an outside reviewer's personal
# link and the anonymous staff survey).
ANONYMOUS_ALLOWED = {
    "healthz", "login", "api-token", "review_token", "survey_respond", "update_link", "update_link_action",
    "security_txt", "invitation_accept",
    "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
}


def reviewed(side):
    """The side's draft with an open review round: the lead agency's member invited and commenting
    on a section, and an outside reviewer with a personal link (created once per side)."""
    if not hasattr(side, "review_round"):
        side.review_round = ReviewRoundFactory(strategy=side.strategy)
        side.invitation = ReviewInvitationFactory(round=side.review_round, user=side.users["member_lead"])
        side.review_comment = ReviewCommentFactory(invitation=side.invitation, section=side.section)
        side.review_token = f"matrix-token-{side.slug}-0123456789abcdef"
        ReviewInvitationFactory(round=side.review_round, token=side.review_token)
    return side


def update_token(side):
    """A personal update link for the side's lead agency member, made once per side."""
    from actionplan.services import update_link_issue

    if not hasattr(side, "update_token"):
        membership = side.users["member_lead"].memberships.get(partnership__slug=side.slug)
        side.update_token = update_link_issue(membership=membership)[1]
    return side.update_token


def date_change(side):
    """A new completion date proposed for the side's action, made once per side."""
    from datetime import timedelta

    from django.utils import timezone

    from actionplan.models import CompletionDateChange

    if not hasattr(side, "date_change"):
        side.date_change = CompletionDateChange.objects.create(
            action=side.action, proposed_date=timezone.localdate() + timedelta(days=90), reason="Funding came late.",
            proposed_by=side.users["member_lead"],
        )
    return side.date_change


def invited(side):
    """A pending invitation of the side (its link's token kept on the side), made once per side."""
    from partnerships.models import Invitation, Role
    from partnerships.secret_links import new_token

    if not hasattr(side, "invitation_token"):
        from datetime import timedelta

        from django.utils import timezone

        side.invitation_token, hashed = new_token()
        now = timezone.now()
        side.pending_invitation = Invitation.objects.create(
            partnership=side.partnership, email=f"invited@{side.slug}.example", role=Role.VIEWER, token_hash=hashed,
            invited_by=side.users["manager"], sent_at=now, expires_at=now + timedelta(days=14))
    return side


def person(side):
    """URL kwargs for the side's viewer's membership."""
    from partnerships.models import Membership

    return {"slug": side.slug, "pk": Membership.objects.get(user=side.users["viewer"], partnership=side.partnership).pk}


INVITATION = lambda s: {"slug": s.slug, "pk": invited(s).pending_invitation.pk}  # noqa: E731
MANAGER_POST = E(default=403, manager=302)
POST_ONLY = E(default=405)


def R(side):
    return {"slug": side.slug, "pk": reviewed(side).review_round.pk}


MANAGER_ONLY = E(default=403, manager=200)
AUDIT_CONTRIBUTORS = E(default=403, manager=200, member_lead=200)  # the lead agency takes part in the audit


def evidence(side):
    """The side's audit (with its lead agency taking part), a case and a finding; and its assessment's
    course, resource, need and open staff survey — made once per side."""
    from audits.tests.factories import AuditCaseFactory, AuditFindingFactory
    from workforce.services import survey_create
    from workforce.tests.factories import CourseFactory, PracticeResourceFactory, TrainingNeedFactory

    if not hasattr(side, "case"):
        side.audit.agencies.add(side.lead_agency)
        side.case = AuditCaseFactory(audit=side.audit)
        side.finding = AuditFindingFactory(audit=side.audit)
        side.course = CourseFactory(assessment=side.assessment)
        side.resource = PracticeResourceFactory(assessment=side.assessment)
        side.need = TrainingNeedFactory(assessment=side.assessment)
        side.survey = survey_create(assessment=side.assessment, actor=side.users["manager"])
        side.survey.is_open = True
        side.survey.save(update_fields=["is_open"])
    return side


def A(**extra):
    """kwargs for a page of the side's audit."""
    return lambda s: {"slug": s.slug, "pk": evidence(s).audit.pk, **{k: getattr(s, v).pk for k, v in extra.items()}}


def W(**extra):
    """kwargs for a page of the side's training needs assessment."""
    return lambda s: {"slug": s.slug, "pk": evidence(s).assessment.pk,
                      **{k: getattr(s, v).pk for k, v in extra.items()}}


MOVE = {"GET": E(anonymous=302, default=405), "POST": MANAGER_POST_DRAFT}


def data_point_of(side):
    """A data point on the side's measure, made once per side."""
    from strategy.tests.factories import MeasureDataPointFactory

    if not hasattr(side, "data_point"):
        side.data_point = MeasureDataPointFactory(measure=side.measure)
    return side.data_point


def evidence_file_of(side):
    """An update to the side's action with a PDF attached, made once per side."""
    if not hasattr(side, "evidence_file"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from actionplan.services import action_update_progress

        update = action_update_progress(
            action=side.action, actor=side.users["member_lead"], status="on_track", progress=10,
            files=[SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")],
        )
        side.action.refresh_from_db()
        side.evidence_file = update.files.get()
    return side.evidence_file


def shapes(side):
    """A "We will" commitment under the side's priority, a practice principle and a measure of the strategy as a
    whole, made once per side."""
    from strategy.models import Commitment, PracticePrinciple, StrategyMeasure

    if not hasattr(side, "commitment"):
        side.commitment = Commitment.objects.create(priority=side.priority, number=1, text="train every lead")
        side.principle = PracticePrinciple.objects.create(strategy=side.strategy, number=1, name="Child first")
        side.strategy_measure = StrategyMeasure.objects.create(strategy=side.strategy, number=1, indicator="More told")
    return side


def S2(**objects):
    """URL kwargs for a strategy page naming one of the side's `shapes` records."""
    return lambda s: {"slug": s.slug, "pk": s.strategy.pk,
                      **{k: getattr(shapes(s), v).pk for k, v in objects.items()}}


def K(**objects):
    """URL kwargs for a strategy page: the side's strategy, plus `name_pk=<attribute of the side>`."""
    return lambda s: {"slug": s.slug, "pk": s.strategy.pk, **{k: getattr(s, v).pk for k, v in objects.items()}}


def meeting_of(side):
    """A steering group meeting of the side (so an update round), with a finished board pack, made once."""
    import datetime

    from django.core.files.base import ContentFile

    from actionplan.models import BoardPack, SteeringGroupMeeting
    from partnerships.models import DocumentStatus

    if not hasattr(side, "meeting"):
        side.meeting = SteeringGroupMeeting.objects.create(partnership=side.partnership,
                                                           date=datetime.date(2027, 3, 10))
        side.board_pack = BoardPack.objects.create(meeting=side.meeting, status=DocumentStatus.DONE, page_count=1)
        side.board_pack.file.save("pack.pdf", ContentFile(b"%PDF-1.7 matrix"), save=True)
    return side


def plan_import_of(side):
    """A finished background import into the side's strategy, made once."""
    from actionplan.models import PlanImport, PlanImportStatus

    if not hasattr(side, "plan_import"):
        side.plan_import = PlanImport.objects.create(strategy=side.strategy, status=PlanImportStatus.DONE,
                                                     filename="plan.csv", requested_by=side.users["manager"])
    return side.plan_import


PLAN_IMPORT = lambda s: {"slug": s.slug, "pk": s.strategy.pk, "job": plan_import_of(s).pk}  # noqa: E731
MEETING = lambda s: {"slug": s.slug, "pk": meeting_of(s).meeting.pk}  # noqa: E731
BOARD_PACK = lambda s: {"slug": s.slug, "pk": meeting_of(s).board_pack.pk}  # noqa: E731
MANAGER_POST = E(default=403, manager=302)
BOARD_PACK_READERS = E(default=403, manager=200, scrutineer=200)

# name: (kwargs for a side, {method: expected for own side}, {method: expected for other side} or None)
S = lambda side: {"slug": side.slug}  # noqa: E731
MATRIX = {
    "home": (lambda side: {}, {"GET": E(default=302)}, None),
    "healthz": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "security_txt": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "login": (lambda side: {}, {"GET": E(anonymous=200, default=302)}, None),
    "logout": (lambda side: {}, {"GET": E(anonymous=405, default=405), "POST": E(default=302)}, None),
    "password_reset": (lambda side: {}, {"GET": E(anonymous=200), "POST": E(anonymous=302, default=302)}, None),
    "password_reset_done": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "password_reset_confirm": (lambda side: {"uidb64": "MQ", "token": "not-a-token"}, {"GET": E(anonymous=200)}, None),
    "password_reset_complete": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "two_factor": (lambda side: {}, {"GET": E()}, None),
    "two_factor_set_up": (lambda side: {}, {"GET": E(), "POST": E()}, None),
    # With no code owed, the verify page sends the person on; with no app, the others go to the account page.
    "two_factor_verify": (lambda side: {}, {"GET": E(default=302), "POST": E(default=302)}, None),
    "two_factor_recovery_codes": (lambda side: {}, {"GET": E(default=302), "POST": E(default=302)}, None),
    "two_factor_turn_off": (lambda side: {}, {"GET": E(default=302), "POST": E(default=302)}, None),
    "partnership": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "partnership_security": (S, {"GET": E(default=403, manager=200), "POST": E(default=403, manager=302)},
                             {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "audit_log": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    # The business manager runs the partnership's agencies and people; nobody else sees these pages.
    "agency_list": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    "agency_create": (S, {"GET": E(default=403, manager=200), "POST": MANAGER_POST},
                      {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "agency_edit": (lambda s: {"slug": s.slug, "pk": s.other_agency.pk},
                    {"GET": E(default=403, manager=200), "POST": MANAGER_POST},
                    {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "agency_archive": (lambda s: {"slug": s.slug, "pk": s.other_agency.pk}, {"GET": POST_ONLY, "POST": MANAGER_POST},
                       {"POST": OTHER_SIDE_HTML}),
    "people": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    "person_invite": (S, {"GET": E(default=403, manager=200), "POST": MANAGER_POST},
                      {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "person_edit": (person, {"GET": E(default=403, manager=200), "POST": MANAGER_POST},
                    {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "person_deactivate": (person, {"GET": E(default=403, manager=200), "POST": MANAGER_POST},
                          {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "invitation_resend": (INVITATION, {"GET": POST_ONLY, "POST": MANAGER_POST}, {"POST": OTHER_SIDE_HTML}),
    "invitation_withdraw": (INVITATION, {"GET": POST_ONLY, "POST": MANAGER_POST}, {"POST": OTHER_SIDE_HTML}),
    # The invitation link is the credential: it answers whoever holds it (a signed-in person other than the
    # invited one is told to sign out).
    "invitation_accept": (lambda s: {"token": invited(s).invitation_token}, {"GET": E(anonymous=200)}, None),
    "strategy_list": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "strategy_create": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    "strategy_detail": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "strategy_edit": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    # The live preview beside a Markdown box: POST only, for those who may change the draft.
    "markdown_preview": (K(), {"GET": E(anonymous=302, default=405),
                               "POST": E(default=403, manager=200, viewer=404)}, {"POST": OTHER_SIDE_HTML}),
    "section_edit": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "section_pk": s.section.pk},
        {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    "aim_create": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "outcome_create": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "aim_pk": s.aim.pk},
        {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    # Strategy drafting: readers see drafts (not viewers); only the manager changes a draft.
    "strategy_sections": (K(), {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "section_create": (K(), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "section_delete": (K(section_pk="extra_section"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                       {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "section_move": (K(section_pk="section"), MOVE, {"POST": OTHER_SIDE_HTML}),
    "strategy_vision": (K(), {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "priority_create": (K(), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "priority_edit": (K(priority_pk="priority"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                      {"GET": OTHER_SIDE_HTML}),
    "priority_delete": (K(priority_pk="priority"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                        {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "priority_move": (K(priority_pk="priority"), MOVE, {"POST": OTHER_SIDE_HTML}),
    "commitment_create": (K(priority_pk="priority"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                          {"GET": OTHER_SIDE_HTML}),
    "commitment_edit": (S2(commitment_pk="commitment"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                        {"GET": OTHER_SIDE_HTML}),
    "commitment_delete": (S2(commitment_pk="commitment"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                          {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "commitment_move": (S2(commitment_pk="commitment"), MOVE, {"POST": OTHER_SIDE_HTML}),
    "principle_create": (K(), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "principle_edit": (S2(principle_pk="principle"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                       {"GET": OTHER_SIDE_HTML}),
    "principle_delete": (S2(principle_pk="principle"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                         {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "principle_move": (S2(principle_pk="principle"), MOVE, {"POST": OTHER_SIDE_HTML}),
    "strategy_measure_create": (K(), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                                {"GET": OTHER_SIDE_HTML}),
    "strategy_measure_edit": (S2(measure_pk="strategy_measure"),
                              {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "strategy_measure_delete": (S2(measure_pk="strategy_measure"),
                                {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                                {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "strategy_measure_move": (S2(measure_pk="strategy_measure"), MOVE, {"POST": OTHER_SIDE_HTML}),
    "governance_list": (K(), {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "governance_create": (K(), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "governance_edit": (K(body_pk="governance_body"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                        {"GET": OTHER_SIDE_HTML}),
    "governance_delete": (K(body_pk="governance_body"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                          {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "strategy_aims": (K(), {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "aim_edit": (K(aim_pk="aim"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    # The world's aim has an outcome with an action, so deleting it is refused (409) even for the manager.
    "aim_delete": (K(aim_pk="aim"), {"GET": MANAGER_ONLY_DRAFT, "POST": E(default=403, manager=409, viewer=404)},
                   {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "aim_move": (K(aim_pk="aim"), MOVE, {"POST": OTHER_SIDE_HTML}),
    "outcome_edit": (K(outcome_pk="outcome"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                     {"GET": OTHER_SIDE_HTML}),
    "outcome_delete": (K(outcome_pk="outcome"), {"GET": MANAGER_ONLY_DRAFT,
                                                 "POST": E(default=403, manager=409, viewer=404)},
                       {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "outcome_move": (K(outcome_pk="outcome"), MOVE, {"POST": OTHER_SIDE_HTML}),
    "measure_list": (K(), {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "measure_create": (K(outcome_pk="outcome"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                       {"GET": OTHER_SIDE_HTML}),
    "measure_edit": (K(measure_pk="measure"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                     {"GET": OTHER_SIDE_HTML}),
    "measure_delete": (K(measure_pk="measure"), {"GET": MANAGER_ONLY_DRAFT, "POST": MANAGER_POST_DRAFT},
                       {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    # Data points are monitoring: the manager records them (a POST adds one); readers see them.
    "outcome_detail": (K(outcome_pk="outcome"), {"GET": READ_DRAFT, "POST": MANAGER_POST_DRAFT},
                       {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "data_point_delete": (lambda s: {"slug": s.slug, "pk": s.strategy.pk, "point_pk": data_point_of(s).pk},
                          {"POST": MANAGER_POST_DRAFT}, {"POST": OTHER_SIDE_HTML}),
    "strategy_coverage": (K(), {"GET": READ_DRAFT, "POST": MANAGER_POST_DRAFT},
                          {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "strategy_completeness": (K(), {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "document_contents": (K(), {"GET": READ_DRAFT, "POST": MANAGER_POST_DRAFT},
                          {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "export_list": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": EXPORT_LIST}, {"GET": OTHER_SIDE_HTML}),
    "export_create": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk},
        {"GET": E(anonymous=302, default=405), "POST": MANAGER_POST_DRAFT},
        {"POST": OTHER_SIDE_HTML},
    ),
    "export_detail": (lambda s: {"slug": s.slug, "pk": s.export.pk}, {"GET": EXPORTS}, {"GET": OTHER_SIDE_HTML}),
    "export_download": (lambda s: {"slug": s.slug, "pk": s.export.pk}, {"GET": EXPORTS}, {"GET": OTHER_SIDE_HTML}),
    "export_download_docx": (
        lambda s: {"slug": s.slug, "pk": s.export.pk}, {"GET": EXPORTS}, {"GET": OTHER_SIDE_HTML},
    ),
    "export_changes": (lambda s: {"slug": s.slug, "pk": s.export.pk}, {"GET": EXPORTS}, {"GET": OTHER_SIDE_HTML}),
    "export_retry": (
        lambda s: {"slug": s.slug, "pk": s.export.pk},
        {"GET": MEMBERS_405, "POST": EXPORT_MANAGER_POST}, {"POST": OTHER_SIDE_HTML},
    ),
    "challenge_create": (
        lambda s: {"slug": s.slug, "pk": s.export.pk},
        {"GET": MEMBERS_405, "POST": EXPORT_SCRUTINEER_POST}, {"POST": OTHER_SIDE_HTML},
    ),
    "challenge_respond": (CHALLENGE, {"GET": MEMBERS_405, "POST": EXPORT_MANAGER_POST}, {"POST": OTHER_SIDE_HTML}),
    "challenge_follow_up": (CHALLENGE, {"POST": EXPORT_SCRUTINEER_POST}, {"POST": OTHER_SIDE_HTML}),
    "challenge_close": (CHALLENGE, {"POST": EXPORT_SCRUTINEER_POST}, {"POST": OTHER_SIDE_HTML}),
    "strategy_document": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "branding_edit": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    "action_plan": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_create": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "commitment_action_create": (S2(commitment_pk="commitment"), {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_detail": (lambda s: {"slug": s.slug, "pk": s.action.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_update": (
        lambda s: {"slug": s.slug, "pk": s.action.pk},
        {"GET": E(default=403, manager=200, member_lead=200, viewer=404)},
        {"GET": OTHER_SIDE_HTML},
    ),
    "my_actions": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "action_date_propose": (
        lambda s: {"slug": s.slug, "pk": s.action.pk},
        {"GET": E(default=403, manager=200, member_lead=200, viewer=404)},
        {"GET": OTHER_SIDE_HTML},
    ),
    "date_change_decide": (
        lambda s: {"slug": s.slug, "pk": date_change(s).pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    "status_meanings": (S, {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    # The personal link is the credential: it acts as its holder, whoever opens it.
    "update_link": (lambda s: {"token": update_token(s)}, {"GET": E(anonymous=200)}, None),
    "update_link_action": (
        lambda s: {"token": update_token(s), "pk": s.action.pk}, {"GET": E(anonymous=200)}, None,
    ),
    # Whoever can see the action comments on it (viewers see only published strategies; the side's is a draft).
    "action_comment_add": (
        lambda s: {"slug": s.slug, "pk": s.action.pk},
        {"GET": E(default=405, viewer=405), "POST": E(default=302, viewer=404)},
        {"POST": OTHER_SIDE_HTML},
    ),
    # Evidence files follow the action: whoever can see it downloads them.
    "action_evidence_download": (
        lambda s: {"slug": s.slug, "pk": evidence_file_of(s).pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    # A person's own notifications, across their partnerships: every signed-in person has a list.
    "notifications": (lambda s: {}, {"GET": E()}, None),
    "notification_read": (lambda s: {}, {"GET": E(default=405), "POST": E(default=302)}, None),
    "notification_settings": (lambda s: {}, {"GET": E(), "POST": E(default=302)}, None),
    "action_edit": (lambda s: {"slug": s.slug, "pk": s.action.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_delete": (lambda s: {"slug": s.slug, "pk": s.action.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "aim_renumber": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "aim_pk": s.aim.pk},
        {"GET": E(anonymous=302, default=405), "POST": MANAGER_POST_DRAFT},
        {"POST": OTHER_SIDE_HTML},
    ),
    "action_progress": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_recommendations": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    "plan_export": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "fmt": "csv"}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    # Update rounds: the board's members and the scrutineer see them (a steering group member only their own
    # agency's part); the business manager records meetings, asks for updates and prepares the board pack.
    "round_list": (S, {"GET": NOT_VIEWERS, "POST": MANAGER_POST}, {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "round_settings": (S, {"GET": MANAGER_ONLY, "POST": MANAGER_POST}, {"GET": OTHER_SIDE_HTML}),
    "round_detail": (MEETING, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "meeting_delete": (MEETING, {"GET": MANAGER_ONLY, "POST": MANAGER_POST},
                       {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "update_request_create": (MEETING, {"GET": MANAGER_ONLY, "POST": MANAGER_POST},
                              {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "board_pack_create": (MEETING, {"GET": MEMBERS_405, "POST": MANAGER_POST}, {"POST": OTHER_SIDE_HTML}),
    "board_pack_download": (BOARD_PACK, {"GET": BOARD_PACK_READERS}, {"GET": OTHER_SIDE_HTML}),
    "plan_import": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    # A background import's page and its progress as JSON: whoever may import into the strategy.
    "plan_import_job": (PLAN_IMPORT, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "plan_import_status": (PLAN_IMPORT, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "review_list": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "review_open": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "review_detail": (R, {"GET": REVIEW_RESPONSES}, {"GET": OTHER_SIDE_HTML}),
    "review_invite": (R, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "review_close": (R, {"GET": E(default=405), "POST": MANAGER_POST_DRAFT}, {"POST": OTHER_SIDE_HTML}),
    "review_respond": (R, {"GET": MEMBER_INVITED}, {"GET": OTHER_SIDE_HTML}),
    "review_comment_resolve": (
        lambda s: {"slug": s.slug, "pk": reviewed(s).review_comment.pk},
        {"GET": E(default=405), "POST": MANAGER_POST_DRAFT}, {"POST": OTHER_SIDE_HTML},
    ),
    # The personal link is the credential: it answers whoever holds it, signed in or not.
    "review_token": (lambda s: {"token": reviewed(s).review_token}, {"GET": E(anonymous=200)}, None),
    # A draft cannot be marked approved without a review: the manager is told why (409).
    "strategy_transition": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "target": "approved"},
        {"GET": E(default=403, manager=409, viewer=404)}, {"GET": OTHER_SIDE_HTML},
    ),
    "strategy_new_version": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    "strategy_compare": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "record_history": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "kind": "section", "obj_pk": s.section.pk},
        {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    "audit_list": (S, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "assessment_list": (S, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    # Measuring impact: viewers see the dashboard (published strategies only); local data and the report are
    # read by the board's members and the scrutineer and kept by the business manager.
    "dashboard": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "local_data": (S, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "local_data_import": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    "local_data_period_create": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    "local_data_period_detail": (
        lambda s: {"slug": s.slug, "pk": s.local_period.pk}, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML},
    ),
    "local_data_figure_record": (
        lambda s: {"slug": s.slug, "pk": s.local_period.pk},
        {"GET": E(default=403, manager=200, viewer=404)}, {"GET": OTHER_SIDE_HTML},
    ),
    "local_data_breakdown_record": (
        lambda s: {"slug": s.slug, "pk": s.figure.pk},
        {"GET": E(default=403, manager=200, viewer=404)}, {"GET": OTHER_SIDE_HTML},
    ),
    "annual_report": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "annual_report_narrative": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML},
    ),
    "annual_report_pdf": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML},
    ),
    "audit_create": (S, {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "audit_detail": (A(), {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "audit_edit": (A(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "audit_delete": (A(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "audit_case_delete": (A(case_pk="case"), {"GET": AUDIT_CONTRIBUTORS}, {"GET": OTHER_SIDE_HTML}),
    "audit_report": (A(), {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "audit_case_create": (A(), {"GET": AUDIT_CONTRIBUTORS}, {"GET": OTHER_SIDE_HTML}),
    "audit_case_edit": (A(case_pk="case"), {"GET": AUDIT_CONTRIBUTORS}, {"GET": OTHER_SIDE_HTML}),
    "audit_finding_create": (A(), {"GET": AUDIT_CONTRIBUTORS}, {"GET": OTHER_SIDE_HTML}),
    "audit_finding_edit": (A(finding_pk="finding"), {"GET": AUDIT_CONTRIBUTORS}, {"GET": OTHER_SIDE_HTML}),
    "audit_finding_action_create": (A(finding_pk="finding"), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "assessment_create": (S, {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "assessment_detail": (W(), {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "assessment_delete": (W(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML, "POST": OTHER_SIDE_HTML}),
    "assessment_edit": (W(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "course_create": (W(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "course_edit": (W(course_pk="course"), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "course_take_up": (W(course_pk="course"), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "resource_create": (W(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "resource_edit": (W(resource_pk="resource"), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "need_create": (W(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "need_edit": (W(need_pk="need"), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "need_action_create": (W(need_pk="need"), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "survey_manage": (W(), {"GET": NOT_VIEWERS, "POST": E(default=403, manager=302)}, {"GET": OTHER_SIDE_HTML}),
    "survey_question_create": (W(), {"GET": MANAGER_ONLY}, {"GET": OTHER_SIDE_HTML}),
    "survey_results": (W(), {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "survey_export": (lambda s: {**W()(s), "fmt": "csv"}, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    # The anonymous staff survey: answered with no sign-in by anyone holding the link.
    "survey_respond": (lambda s: {"token": evidence(s).survey.token}, {"GET": E(anonymous=200)}, None),
    # The REST API, authenticated with each role's token.
    "api-root": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-schema": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-docs": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-token": (lambda s: {}, {"GET": E(anonymous=405, default=405), "POST": E(anonymous=400, default=400)}, None),
    "api-partnership-list": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-partnership-detail": (lambda s: {"pk": s.partnership.pk}, {"GET": E(anonymous=API_ANON)},
                               {"GET": E(anonymous=API_ANON, default=404)}),
    "api-strategy-list": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-strategy-detail": (lambda s: {"pk": s.strategy.pk}, {"GET": E(anonymous=API_ANON, viewer=404)},
                            {"GET": E(anonymous=API_ANON, default=404)}),
    "api-strategy-progress": (lambda s: {"pk": s.strategy.pk}, {"GET": E(anonymous=API_ANON, viewer=404)},
                              {"GET": E(anonymous=API_ANON, default=404)}),
    "api-action-list": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-update-list": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-strategy-trend": (lambda s: {"pk": s.strategy.pk}, {"GET": E(anonymous=API_ANON, viewer=404)},
                           {"GET": E(anonymous=API_ANON, default=404)}),
    # Feeds list only what the caller may read: another partnership's rows are simply absent.
    "api-feed": (lambda s: {"feed": "actions", "fmt": "csv"}, {"GET": E(anonymous=API_ANON)}, None),
    "api-action-updates": (lambda s: {"pk": s.action.pk}, {"GET": E(anonymous=API_ANON, viewer=404)},
                           {"GET": E(anonymous=API_ANON, default=404)}),
    "api-aim-list": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-aim-detail": (lambda s: {"pk": s.aim.pk}, {"GET": E(anonymous=API_ANON, viewer=404)},
                       {"GET": E(anonymous=API_ANON, default=404)}),
    "api-outcome-list": (lambda s: {}, {"GET": E(anonymous=API_ANON)}, None),
    "api-outcome-detail": (lambda s: {"pk": s.outcome.pk}, {"GET": E(anonymous=API_ANON, viewer=404)},
                           {"GET": E(anonymous=API_ANON, default=404)}),
    "api-action-detail": (
        lambda s: {"pk": s.action.pk},
        {"GET": E(anonymous=API_ANON, viewer=404),
         "PATCH": E(anonymous=API_ANON, default=403, manager=200, member_lead=200, viewer=404),
         "PUT": E(anonymous=API_ANON, default=405, viewer=405),
         "DELETE": E(anonymous=API_ANON, default=405, viewer=405)},
        {"GET": E(anonymous=API_ANON, default=404), "PATCH": E(anonymous=API_ANON, default=404)},
    ),
}

# Headers sent with each method of a URL: the API refuses a PATCH without If-Match (428).
HEADERS = {("api-action-detail", "PATCH"): {"HTTP_IF_MATCH": '"1"'}}

BODIES = {
    "challenge_create": {"text": "The action plan does not say who leads the health pathway work."},
    "survey_manage": {"do": "close"},
    "api-action-detail": {"status": "on_track", "progress": 20, "narrative": "Moving."},
    "api-token": {"email": "nobody@example.org", "password": "wrong"},
    "section_create": {"title": "Voice of the child", "body": "What children told us."},
    "section_move": {"direction": "down"},
    "markdown_preview": {"text": "Children told us **this**."},
    "priority_create": {"title": "Notice and name", "what_this_means": "We know how common abuse is."},
    "priority_edit": {"title": "Notice and name", "what_this_means": "We know how common abuse is."},
    "priority_move": {"direction": "down"},
    "commitment_create": {"text": "train every designated safeguarding lead"},
    "commitment_edit": {"text": "train every designated safeguarding lead"},
    "commitment_move": {"direction": "down"},
    "principle_create": {"name": "Child first", "description": "- We listen to children."},
    "principle_edit": {"name": "Child first", "description": "- We listen to children."},
    "principle_move": {"direction": "down"},
    "strategy_measure_create": {"indicator": "More children are identified"},
    "strategy_measure_edit": {"indicator": "More children are identified"},
    "strategy_measure_move": {"direction": "down"},
    "governance_create": {"name": "Delivery Group", "kind": "delivery_group"},
    "governance_edit": {"name": "Delivery Group", "kind": "delivery_group"},
    "aim_edit": {"title": "Children are safer"},
    "aim_move": {"direction": "down"},
    "outcome_edit": {"text": "More children are helped to tell."},
    "outcome_move": {"direction": "down"},
    "measure_create": {"indicator": "Children identified"},
    "measure_edit": {"indicator": "Children identified"},
    # Bodies that name the side's own records are functions of the side.
    "outcome_detail": lambda s: {"measure": s.measure.pk, "period_label": "2025 to 2026",
                                 "period_end": "2026-03-31", "value": "42"},
    "strategy_coverage": {"forms_of_abuse": [], "affected_groups": []},
    "action_comment_add": {"text": "Can the police lead say when the training starts?"},
    # Each role's user belongs to the own side's partnership only.
    "notification_settings": lambda s: {f"delivery-{s.partnership.pk}": "weekly"},
    "document_contents": {"part": "status-block", "do": "omit", "reason": "The front page says it."},
    "password_reset": {"email": "nobody@example.org"},
    "round_list": {"date_0": "10", "date_1": "6", "date_2": "2027"},
    "round_settings": {"updates_due_days": "10"},
    "meeting_delete": {"confirm": "on"},
    "update_request_create": lambda s: {"actions": [s.action.pk]},
    "agency_create": {"name": "Matrix Youth Justice Service", "sector": "other"},
    "agency_edit": {"name": "Renamed Council", "sector": "local_authority"},
    "person_invite": {"email": "matrix.new@example.org", "role": "viewer"},
    "person_edit": {"role": "viewer"},
}


def test_every_url_is_in_the_matrix():
    missing = url_names() - set(MATRIX)
    assert not missing, f"URL patterns with no access rules in the matrix: {sorted(missing)}"
    stale = set(MATRIX) - url_names()
    assert not stale, f"Matrix rows for URLs that no longer exist: {sorted(stale)}"


def test_only_the_allow_list_is_open_to_anonymous_visitors():
    refused = {302, 401, 403, 404, 405}
    open_to_anonymous = {
        name for name, (_, own, other) in MATRIX.items()
        for expected in (*own.values(), *(other or {}).values()) if expected[ANON] not in refused
    }
    assert open_to_anonymous == ANONYMOUS_ALLOWED


CASES = [
    (name, method, side_name, role)
    for name, (kwargs, own, other) in MATRIX.items()
    for side_name, expected_by_method in (("own", own), ("other", other or {}))
    for method in expected_by_method
    for role in ALL_ROLES
]


@pytest.mark.parametrize("name,method,side_name,role", CASES, ids=["-".join(c) for c in CASES])
def test_access(world, client, api_client_for, name, method, side_name, role):
    from django.urls import reverse

    kwargs_for, own, other = MATRIX[name]
    expected = (own if side_name == "own" else other)[method][role]
    url = reverse(name, kwargs=kwargs_for(getattr(world, side_name)))
    user = None if role == ANON else world.own.users[role]
    body = BODIES.get(name, {})
    if callable(body):
        body = body(world.own)
    if name.startswith("api-"):
        api = api_client_for(user)
        headers = HEADERS.get((name, method), {})
        response = (
            getattr(api, method.lower())(url, body, format="json", **headers) if method != "GET" else api.get(url)
        )
    else:
        if user is not None:
            client.force_login(user)
        response = getattr(client, method.lower())(url, body) if method != "GET" else client.get(url)
    assert response.status_code == expected, (
        f"{method} {url} as {role} ({side_name} partnership): expected {expected}, got {response.status_code}"
    )


def test_admin_is_staff_only(world, client):
    client.force_login(world.own.users["manager"])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_benchmark_view_is_not_routed_unless_asked_for(client):
    assert "bench-bare-json" not in {p.name for p in get_resolver().url_patterns if isinstance(p, URLPattern)}
    assert client.get("/bench/bare-json/").status_code == 404


# Anonymous visitors may reach these and nothing else: signing in (browser or API), resetting a
# password, and the health check. (The anonymous staff survey joins this list when it exists.)
# What an anonymous request to any other URL may answer: sent to sign in, or refused.
ANONYMOUS_REFUSALS = {302, 401, 403, 404, 405}


def _anonymous_response(client, name, method, side):
    from django.urls import reverse

    url = reverse(name, kwargs=MATRIX[name][0](side))
    body = BODIES.get(name, {})
    return url, getattr(client, method.lower())(url, body(side) if callable(body) else body)


@pytest.mark.parametrize("name", sorted(set(MATRIX) - ANONYMOUS_ALLOWED))
def test_anonymous_reaches_only_the_allow_list(world, client, name):
    """Every URL outside the allow-list, with every method the matrix names and a few more,
    sends an anonymous visitor to sign in or refuses them."""
    from django.conf import settings
    from django.urls import reverse

    methods = set(MATRIX[name][1]) | {"GET", "POST", "PUT", "PATCH", "DELETE"}
    login_url = reverse(settings.LOGIN_URL)
    for method in sorted(methods):
        url, response = _anonymous_response(client, name, method, world.own)
        assert response.status_code in ANONYMOUS_REFUSALS, f"anonymous {method} {url} answered {response.status_code}"
        if response.status_code == 302 and name != "logout":
            assert response["Location"].startswith(login_url), f"anonymous {method} {url} went to {response['Location']}"


def test_the_allow_list_names_only_real_urls_that_answer():
    assert ANONYMOUS_ALLOWED <= url_names()
    for name in ANONYMOUS_ALLOWED:
        assert MATRIX[name][1]["GET" if "GET" in MATRIX[name][1] else "POST"][ANON] in (200, 400, 405)


# The "token" column: a read-only token (a viewer's or an independent scrutineer's) changes nothing.
# Every unsafe method on every API URL is refused, on both sides, and the database is unchanged.
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
API_NAMES = sorted(n for n in url_names() if n.startswith("api-") and n != "api-token")


def _snapshot():
    from actionplan.models import Action, ActionUpdate
    from strategy.models import Section, Strategy

    return {
        "actions": sorted(Action.objects.values_list("pk", "version", "status", "progress", "text")),
        "updates": ActionUpdate.objects.count(),
        "strategies": sorted(Strategy.objects.values_list("pk", "status", "title")),
        "sections": sorted(Section.objects.values_list("pk", "revision")),
    }


@pytest.mark.parametrize("role", ["viewer", "scrutineer"])
@pytest.mark.parametrize("name", API_NAMES)
def test_read_only_tokens_change_nothing(world, api_client_for, name, role):
    from django.urls import reverse

    before = _snapshot()
    api = api_client_for(world.own.users[role])
    body = {"status": "completed", "progress": 100, "narrative": "Done.", "text": "Changed", "title": "Changed"}
    for side_name in ("own", "other"):
        url = reverse(name, kwargs=MATRIX[name][0](getattr(world, side_name)))
        for method in UNSAFE:
            response = getattr(api, method.lower())(url, body, format="json")
            assert response.status_code in (403, 404, 405), f"{role} token {method} {url}: {response.status_code}"
    assert _snapshot() == before
