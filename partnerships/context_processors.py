from . import access


def portal(request):
    membership = getattr(request, "membership", None)
    return {
        "portal_name": "Partnership strategy portal",
        "membership": membership,
        "partnership": getattr(request, "partnership", None),
        "my_partnerships": list(access.memberships_of(request.user).values()) if hasattr(request, "user") else [],
    }
