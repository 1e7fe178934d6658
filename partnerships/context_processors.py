from django.utils.functional import SimpleLazyObject

from . import access
from .notifications import unread_count


def portal(request):
    membership = getattr(request, "membership", None)
    return {
        "portal_name": "Partnership strategy portal",
        "membership": membership,
        "partnership": getattr(request, "partnership", None),
        # Lazy, and cached per person: a page that does not show the header asks nothing.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(getattr(request, "user", None))),
        "my_partnerships": list(access.memberships_of(request.user).values()) if hasattr(request, "user") else [],
    }
