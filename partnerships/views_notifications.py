"""A person's notifications, across their partnerships, and how they get them by email."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import access
from .models import NotificationDelivery, NotificationPreference
from .notifications import notification_mark_read, notification_preference_set, notifications_for


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "partnerships/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request):
    """Mark one notification read (`notification` names it) or all of them."""
    ids = None
    if request.POST.get("notification"):
        try:
            ids = [int(request.POST["notification"])]
        except ValueError:
            ids = []
    changed = notification_mark_read(user=request.user, notification_ids=ids)
    if ids is None:
        messages.success(request, "All your notifications are marked as read.")
    elif changed:
        messages.success(request, "Notification marked as read.")
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Per partnership: notifications by email straight away, or in a weekly digest."""
    memberships = sorted(access.memberships_of(request.user).values(), key=lambda m: m.partnership.name)
    chosen = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("partnership_id", "delivery")
    )
    errors = {}
    if request.method == "POST":
        for membership in memberships:
            value = request.POST.get(f"delivery-{membership.partnership_id}")
            if value not in NotificationDelivery.values:
                errors[membership.partnership_id] = f"Choose how you get notifications from {membership.partnership.name}."
        if not errors:
            for membership in memberships:
                notification_preference_set(
                    user=request.user, partnership=membership.partnership,
                    delivery=request.POST[f"delivery-{membership.partnership_id}"], actor=request.user,
                )
            messages.success(request, "Your choices are saved.")
            return redirect("notifications")
        chosen.update({m.partnership_id: request.POST.get(f"delivery-{m.partnership_id}") for m in memberships})
    rows = [
        {"membership": m, "value": chosen.get(m.partnership_id, NotificationDelivery.IMMEDIATE),
         "error": errors.get(m.partnership_id)}
        for m in memberships
    ]
    return render(request, "partnerships/notification_settings.html", {
        "rows": rows, "choices": NotificationDelivery.choices, "errors": errors,
    }, status=400 if errors else 200)
