"""A view for the benchmarks only: the cheapest JSON answer Django gives through the portal's
middleware, to compare the API against on the same server. Routed only when PORTAL_BENCH_VIEWS=1."""
from django.http import JsonResponse
from django.views.decorators.http import require_safe


@require_safe
def bare_json(request):
    return JsonResponse({"status": "ok"})
