from django.utils.functional import SimpleLazyObject

from . import access
from .notifications import unread_count


def portal(request):
    membership = getattr(request, "membership", None)
    return {
        "portal_name": "Partnership strategy portal",
        "membership": membership,
        "partnership": getattr(request, "partnership", None),
        # Counted in the memberships query the page makes anyway: no query of its own.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(getattr(request, "user", None))),
        "my_partnerships": list(access.memberships_of(request.user).values()) if hasattr(request, "user") else [],
    }
