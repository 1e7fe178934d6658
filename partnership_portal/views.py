from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from actionplan.selectors import progress_summary

from . import access


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
    return render(request, "partnership_portal/home.html", {"memberships": memberships})


@access.partnership_view
def partnership_home(request):
    membership = request.membership
    strategies = list(access.visible_strategies(membership).order_by("-period_start", "-created_at"))
    current = next((s for s in strategies if s.status != "superseded"), None)
    summary = progress_summary(access.visible_actions(membership).filter(strategy=current)) if current else None
    return render(
        request,
        "partnership_portal/partnership.html",
        {"strategies": strategies, "current": current, "summary": summary},
    )
