"""Every URL of the portal × every role × own or other partnership.

The test fails when a URL pattern is not in the matrix, so a new page cannot
ship without its access rules being written down and checked.
"""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import ROLES

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


def test_the_benchmark_view_is_not_routed_unless_asked_for(client):
    assert "bench-bare-json" not in {p.name for p in get_resolver().url_patterns if isinstance(p, URLPattern)}
    assert client.get("/bench/bare-json/").status_code == 404
