from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.http import require_safe

from . import access, selectors
from .contributions import gather
from .forms import AuditLogFilterForm


@require_safe
def healthz(request):
    """Answers 200 when the database is reachable; used by load balancers and compose health checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    memberships = list(access.memberships_of(request.user).values())
    if len(memberships) == 1:
        return redirect("partnership", slug=memberships[0].partnership.slug)
    return render(request, "partnerships/home.html", {"memberships": memberships})


@access.partnership_view
def partnership_home(request):
    return render(request, "partnerships/partnership.html", gather("partnership_home", request.membership))


@access.partnership_view
@require_safe
def audit_log(request):
    """Who changed, read or was refused what in this partnership, for its business managers."""
    access.require(request.membership, access.AUDIT_LOG_VIEW)
    form = AuditLogFilterForm(request.GET or None, partnership=request.partnership)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    page = Paginator(selectors.audit_log(request.membership, **filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "partnerships/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


def csrf_failure(request, reason=""):
    """A plain GOV.UK-styled 403 for a stale or missing form token, with no internal detail."""
    return render(request, "403_csrf.html", status=403)


def not_found(request, exception=None):
    """404: JSON under /api/ (as the API's own answers are), the service's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500 with no internal detail: JSON under /api/, the service's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Sorry, there is a problem with the service."}, status=500)
    return defaults.server_error(request)


def security_txt(request):
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability. Expires is always six months
    ahead, as the file is written when asked for."""
    from datetime import timedelta

    from django.conf import settings
    from django.http import HttpResponse
    from django.utils import timezone

    expires = (timezone.now() + timedelta(days=182)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri('/.well-known/security.txt')}",
        f"Policy: {settings.SECURITY_POLICY_URL}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
