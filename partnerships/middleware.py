class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a signed-in person are never kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class HealthCheckMiddleware:
    """Answers /healthz before host validation and HTTPS redirects, so load balancers and
    container health checks can reach it on any address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            from .views import healthz

            response = healthz(request)
            # The same protective headers as every other response.
            response["X-Content-Type-Options"] = "nosniff"
            response["Referrer-Policy"] = "same-origin"
            response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
    SESSION_ABSOLUTE_LIFETIME seconds after sign-in. Token-authenticated API calls carry no session
    and are not affected."""

    STARTED, SEEN = "_portal_signed_in_at", "_portal_last_seen_at"
    # Writing the session on every request would cost a database write each time; a minute's
    # precision on the idle clock is enough.
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings
        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(self.STARTED)
            seen = request.session.get(self.SEEN)
            if started is None:
                request.session[self.STARTED] = started = now
            if seen is None:
                seen = now
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                # Whose session it was: a drafting form posted now keeps its text for them (kept_text.py).
                request.session_ended_for = user.pk
                logout(request)
                request.session_ended = True
            elif now - seen >= self.TOUCH_EVERY or self.SEEN not in request.session:
                request.session[self.SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, a person with an authenticator app enters a code, and a business manager or
    scrutineer whose partnership requires it sets an app up, before any other page (signing out aside).

    What the session owes is decided at sign-in and kept in the session (see two_factor.py), so
    this costs no query. Token-authenticated API calls carry no session; tokens are only issued
    against a code (api.ObtainTokenView)."""

    PAGES = {"verify": ("two_factor_verify", {"two_factor_verify", "logout"}),
             "set_up": ("two_factor_set_up", {"two_factor_set_up", "logout"})}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from urllib.parse import urlencode

        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.urls import reverse

        from . import two_factor

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return None
        owed = request.session.get(two_factor.SESSION_KEY)
        if owed is None:  # a session signed in before two-step verification existed
            owed = request.session[two_factor.SESSION_KEY] = two_factor.owed(user)
        if not owed:
            return None
        target, allowed = self.PAGES[owed]
        match = request.resolver_match
        if match is not None and match.url_name in allowed:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Finish signing in with two-step verification first."}, status=403)
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class DeniedRequestAuditMiddleware:
    """Writes an AuditEvent of kind DENIED for every refused request of a signed-in person or token:
    403, and 404 on partnership and API URLs (another partnership's objects answer 404).

    Only the method, path (ids and slugs, never query strings or bodies) and status are kept,
    so the access log holds no case detail or personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            self._record(request, response)
        return response

    def _record(self, request, response):
        import logging

        user = getattr(request, "user", None)
        # DRF authenticates tokens inside the view; its request keeps the user on the Django request.
        if user is None or not user.is_authenticated:
            return
        path = request.path
        if response.status_code == 404 and not (path.startswith("/p/") or path.startswith("/api/")):
            return
        from . import access
        from .audit import record
        from .models import AuditEvent, Partnership

        match = getattr(request, "resolver_match", None)
        slug = (match.kwargs.get("slug") if match else None) or ""
        # The partnership the request aimed at, whether or not the person belongs to it: a probe of another
        # partnership is logged to that partnership, so its managers see it in their audit log.
        target = None
        if slug:
            membership = next((m for m in access.memberships_of(user).values() if m.partnership.slug == slug), None)
            target = membership.partnership if membership else Partnership.objects.filter(slug=slug).first()
        is_probe = bool(slug) and target is not None and target.pk not in access.memberships_of(user)
        summary = f"{request.method} {path[:250]} answered {response.status_code}"
        # The installation's own security log, for the operator: every refusal, probes across partnerships marked.
        logging.getLogger("portal.security").warning(
            "denied user=%s status=%s method=%s path=%s target=%s%s", user.pk, response.status_code, request.method,
            path[:250], target.slug if target else "-", " cross-partnership" if is_probe else "")
        try:
            record(
                actor=user, verb="request.denied", kind=AuditEvent.Kind.DENIED, partnership=target,
                summary=("Request from outside the partnership: " if is_probe else "") + summary,
                changes={"url_name": (match.view_name if match else "")[:80]},
            )
        except Exception:  # the access log must never turn a refusal into a server error
            logging.getLogger(__name__).exception("Could not record a denied request")
