"""Every URL of the portal × every role × own or other partnership.

The test fails when a URL pattern is not in the matrix, so a new page cannot
ship without its access rules being written down and checked.
"""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import ROLES

ANON = "anonymous"
ALL_ROLES = (ANON, *ROLES)


def url_names(patterns=None, namespace=None):
    names = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django admin: staff only, checked in test_admin_is_staff_only
            names |= url_names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}:{p.name}" if namespace else p.name)
    return names


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

# name: (kwargs for a side, {method: expected for own side}, {method: expected for other side} or None)
S = lambda side: {"slug": side.slug}  # noqa: E731
MATRIX = {
    "home": (lambda side: {}, {"GET": E(default=302)}, None),
    "healthz": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "login": (lambda side: {}, {"GET": E(anonymous=200, default=302)}, None),
    "logout": (lambda side: {}, {"GET": E(anonymous=405, default=405), "POST": E(default=302)}, None),
    "partnership": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "strategy_list": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "strategy_create": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
    "strategy_detail": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "strategy_edit": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "section_edit": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "section_pk": s.section.pk},
        {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    "aim_create": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "outcome_create": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk, "aim_pk": s.aim.pk},
        {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML},
    ),
    "export_list": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": EXPORT_LIST}, {"GET": OTHER_SIDE_HTML}),
    "export_create": (
        lambda s: {"slug": s.slug, "pk": s.strategy.pk},
        {"GET": E(anonymous=302, default=405), "POST": MANAGER_POST_DRAFT},
        {"POST": OTHER_SIDE_HTML},
    ),
    "export_detail": (lambda s: {"slug": s.slug, "pk": s.export.pk}, {"GET": EXPORTS}, {"GET": OTHER_SIDE_HTML}),
    "export_download": (lambda s: {"slug": s.slug, "pk": s.export.pk}, {"GET": EXPORTS}, {"GET": OTHER_SIDE_HTML}),
    "action_plan": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_create": (lambda s: {"slug": s.slug, "pk": s.strategy.pk}, {"GET": MANAGER_ONLY_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_detail": (lambda s: {"slug": s.slug, "pk": s.action.pk}, {"GET": READ_DRAFT}, {"GET": OTHER_SIDE_HTML}),
    "action_update": (
        lambda s: {"slug": s.slug, "pk": s.action.pk},
        {"GET": E(default=403, manager=200, member_lead=200, viewer=404)},
        {"GET": OTHER_SIDE_HTML},
    ),
    "my_actions": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "audit_list": (S, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
    "assessment_list": (S, {"GET": NOT_VIEWERS}, {"GET": OTHER_SIDE_HTML}),
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
    "api-action-detail": (
        lambda s: {"pk": s.action.pk},
        {"GET": E(anonymous=API_ANON, viewer=404),
         "PATCH": E(anonymous=API_ANON, default=403, manager=200, member_lead=200, viewer=404),
         "PUT": E(anonymous=API_ANON, default=405, viewer=405),
         "DELETE": E(anonymous=API_ANON, default=405, viewer=405)},
        {"GET": E(anonymous=API_ANON, default=404), "PATCH": E(anonymous=API_ANON, default=404)},
    ),
}

BODIES = {
    "survey_manage": {"do": "close"},
    "api-action-detail": {"status": "on_track", "progress": 20, "narrative": "Moving."},
    "api-token": {"email": "nobody@example.org", "password": "wrong"},
}


def test_every_url_is_in_the_matrix():
    missing = url_names() - set(MATRIX)
    assert not missing, f"URL patterns with no access rules in the matrix: {sorted(missing)}"
    stale = set(MATRIX) - url_names()
    assert not stale, f"Matrix rows for URLs that no longer exist: {sorted(stale)}"


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
    if name.startswith("api-"):
        api = api_client_for(user)
        response = getattr(api, method.lower())(url, body, format="json") if method != "GET" else api.get(url)
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
