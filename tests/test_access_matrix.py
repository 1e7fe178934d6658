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

# name: (kwargs for a side, {method: expected for own side}, {method: expected for other side} or None)
S = lambda side: {"slug": side.slug}  # noqa: E731
MATRIX = {
    "home": (lambda side: {}, {"GET": E(default=302)}, None),
    "healthz": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "login": (lambda side: {}, {"GET": E(anonymous=200, default=302)}, None),
    "logout": (lambda side: {}, {"GET": E(anonymous=405, default=405), "POST": E(default=302)}, None),
    "password_reset": (lambda side: {}, {"GET": E(anonymous=200), "POST": E(anonymous=302, default=302)}, None),
    "password_reset_done": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "password_reset_confirm": (lambda side: {"uidb64": "MQ", "token": "not-a-token"}, {"GET": E(anonymous=200)}, None),
    "password_reset_complete": (lambda side: {}, {"GET": E(anonymous=200)}, None),
    "partnership": (S, {"GET": E()}, {"GET": OTHER_SIDE_HTML}),
    "audit_log": (S, {"GET": E(default=403, manager=200)}, {"GET": OTHER_SIDE_HTML}),
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
    "password_reset": {"email": "nobody@example.org"},
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


# Anonymous visitors may reach these and nothing else: signing in (browser or API), resetting a
# password, and the health check. (The anonymous staff survey joins this list when it exists.)
ANONYMOUS_ALLOWED = {
    "login", "api-token", "healthz",
    "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
}
# What an anonymous request to any other URL may answer: sent to sign in, or refused.
ANONYMOUS_REFUSALS = {302, 401, 403, 404, 405}


def _anonymous_response(client, name, method, side):
    from django.urls import reverse

    url = reverse(name, kwargs=MATRIX[name][0](side))
    return url, getattr(client, method.lower())(url, BODIES.get(name, {}))


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
