"""The one access layer: what a person may see and change.

Every view, API view, export and admin action asks here. Another partnership's
objects are invisible (404); an action the person's role does not allow on a
visible object is refused (403).
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import AuditEvent, Membership, Notification, Partnership, Role

# Permission names. `can` answers for one membership and an optional object.
PARTNERSHIP_VIEW = "partnership.view"
PARTNERSHIP_SECURITY_EDIT = "partnership.security_edit"
# Add, rename and archive agencies; invite people, change their role or agency, deactivate them.
AGENCY_MANAGE = "agency.manage"
PEOPLE_MANAGE = "people.manage"
STRATEGY_VIEW = "strategy.view"
STRATEGY_CREATE = "strategy.create"
STRATEGY_EDIT = "strategy.edit"
ACTION_VIEW = "action.view"
ACTION_CREATE = "action.create"
ACTION_EDIT = "action.edit"
ACTION_UPDATE_PROGRESS = "action.update_progress"
STATUS_MEANINGS_EDIT = "action.status_meanings_edit"
# Comment on an action: whoever can see it, while its strategy is not superseded (the old version's
# thread stays, read-only, with its timeline).
ACTION_COMMENT = "action.comment"
EXPORT_REQUEST = "export.request"
EXPORT_VIEW = "export.view"
EXPORT_CHALLENGE = "export.challenge"
EXPORT_RESPOND = "export.respond"
BRANDING_EDIT = "branding.edit"
AUDIT_VIEW = "audit.view"
AUDIT_EDIT = "audit.edit"
WORKFORCE_VIEW = "workforce.view"
WORKFORCE_EDIT = "workforce.edit"
STRATEGY_LIFECYCLE = "strategy.lifecycle"
STRATEGY_NEW_VERSION = "strategy.new_version"
REVIEW_LIST = "review.list"
REVIEW_VIEW = "review.view"
REVIEW_MANAGE = "review.manage"
REVIEW_RESPOND = "review.respond"
LOCAL_DATA_VIEW = "local_data.view"
LOCAL_DATA_EDIT = "local_data.edit"
DASHBOARD_VIEW = "dashboard.view"
REPORT_VIEW = "report.view"
REPORT_EDIT = "report.edit"  # the narrative of the annual progress report
# Add and edit cases and findings of an audit: business managers, and steering group
# members of an agency taking part in that audit.
AUDIT_CONTRIBUTE = "audit.contribute"
AUDIT_LOG_VIEW = "audit_log.view"
# Record a measure's data points: monitoring, so allowed whatever the strategy's lifecycle status.
MEASURE_DATA_EDIT = "measure_data.edit"
# Update rounds before steering group meetings: the board's members and the scrutineer see them (a steering
# group member their own agency's part); the business manager records meetings, asks for updates and
# prepares the board pack, which the scrutineer may also read.
ROUND_VIEW = "round.view"
ROUND_MANAGE = "round.manage"
BOARD_PACK_VIEW = "board_pack.view"

_READ_ALL_ROLES = (Role.BUSINESS_MANAGER, Role.STEERING_MEMBER, Role.SCRUTINEER)
# Viewers read a strategy, and everything that belongs to it, only once it is published (or superseded
# by a newer published version). Values of strategy.models.StrategyStatus.
PUBLIC_STRATEGY_STATUSES = ("published", "superseded")


def memberships_of(user):
    """The active memberships of a user, keyed by partnership id, cached on the user object. Each carries
    `unread_notifications`, the person's unread count in that partnership (for the header, at no extra query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        unread = (
            Notification.objects.filter(user=OuterRef("user"), partnership=OuterRef("partnership"), read_at__isnull=True)
            .order_by().values("user").annotate(n=Count("pk")).values("n")
        )
        cached = {
            m.partnership_id: m
            for m in Membership.objects.filter(user=user, is_active=True).select_related("partnership", "agency")
            .annotate(unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
        }
        user._portal_memberships = cached
    return cached


def partnerships_of(user):
    """The partnerships a user belongs to."""
    return Partnership.objects.filter(pk__in=list(memberships_of(user)))


def membership_for(user, slug):
    """The user's membership of the partnership with this slug, or 404 when they have none."""
    for membership in memberships_of(user).values():
        if membership.partnership.slug == slug:
            return membership
    raise Http404("No such partnership.")


def can(membership, perm, obj=None):
    """Whether the holder of `membership` may do `perm` (to `obj`, when given)."""
    if membership is None or not membership.is_active:
        return False
    if obj is not None and _partnership_id_of(obj) != membership.partnership_id:
        return False
    role = membership.role
    bm = role == Role.BUSINESS_MANAGER
    if perm == PARTNERSHIP_VIEW:
        return True
    if perm == STRATEGY_VIEW:
        return role in _READ_ALL_ROLES or (obj is None or _strategy_of(obj).status in PUBLIC_STRATEGY_STATUSES)
    if perm == STRATEGY_CREATE:
        return bm
    if perm == STRATEGY_EDIT:
        return bm and (obj is None or _strategy_of(obj).is_editable)
    if perm == ACTION_VIEW:
        return can(membership, STRATEGY_VIEW, _strategy_of(obj) if obj is not None else None)
    if perm == STATUS_MEANINGS_EDIT:
        return bm
    if perm == ACTION_COMMENT:
        return can(membership, ACTION_VIEW, obj) and (obj is None or _strategy_of(obj).status != "superseded")
    if perm in (ACTION_CREATE, ACTION_EDIT):
        return bm and (obj is None or _strategy_of(obj).status != "superseded")
    if perm == ACTION_UPDATE_PROGRESS:
        if obj is None or _strategy_of(obj).status == "superseded":
            return bm and obj is None
        if bm:
            return True
        return role == Role.STEERING_MEMBER and obj.lead_agency_id == membership.agency_id
    if perm == EXPORT_REQUEST:
        return bm
    if perm == EXPORT_VIEW:
        return role in (Role.BUSINESS_MANAGER, Role.SCRUTINEER)
    if perm == EXPORT_CHALLENGE:  # raise, follow up and close challenges on an export
        return role == Role.SCRUTINEER
    if perm in (EXPORT_RESPOND, BRANDING_EDIT):
        return bm
    if perm in (AUDIT_VIEW, WORKFORCE_VIEW):
        return role in _READ_ALL_ROLES
    if perm in (AUDIT_EDIT, WORKFORCE_EDIT, LOCAL_DATA_EDIT, AUDIT_LOG_VIEW, MEASURE_DATA_EDIT, PARTNERSHIP_SECURITY_EDIT,
                AGENCY_MANAGE, PEOPLE_MANAGE):
        return bm
    if perm == REPORT_EDIT:
        return bm
    if perm in (STRATEGY_LIFECYCLE, STRATEGY_NEW_VERSION):
        return bm
    if perm == REVIEW_LIST:
        return role in _READ_ALL_ROLES
    if perm == REVIEW_VIEW:
        # Responses side by side: the manager who runs the round, and independent scrutiny.
        return role in (Role.BUSINESS_MANAGER, Role.SCRUTINEER)
    if perm == REVIEW_MANAGE:
        return bm
    if perm == REVIEW_RESPOND:
        # obj is a ReviewInvitation: only the invited member, only while the round is open.
        return (
            obj is not None
            and role == Role.STEERING_MEMBER
            and obj.user_id == membership.user_id
            and obj.round.is_open
        )
    if perm == DASHBOARD_VIEW:
        # Viewers see the dashboard too, built only from published strategies (visible_strategies).
        return True
    if perm in (LOCAL_DATA_VIEW, REPORT_VIEW):
        # Local data and the annual report are working material for the board, not published content.
        return role in _READ_ALL_ROLES
    if perm == ROUND_VIEW:
        return role in _READ_ALL_ROLES
    if perm == ROUND_MANAGE:
        return bm
    if perm == BOARD_PACK_VIEW:
        return role in (Role.BUSINESS_MANAGER, Role.SCRUTINEER)
    if perm == AUDIT_CONTRIBUTE:
        if bm:
            return True
        if role != Role.STEERING_MEMBER or obj is None or not membership.agency_id:
            return False
        return _takes_part(obj, membership.agency_id)
    raise ValueError(f"Unknown permission {perm!r}")


def require(membership, perm, obj=None):
    """Raise PermissionDenied unless `can` allows it."""
    if not can(membership, perm, obj):
        raise PermissionDenied


def _takes_part(audit, agency_id):
    """Whether the agency takes part in the audit (uses prefetched agencies when there are some)."""
    cache = getattr(audit, "_prefetched_objects_cache", {})
    if "agencies" in cache:
        return any(a.pk == agency_id for a in cache["agencies"])
    return audit.agencies.filter(pk=agency_id).exists()


def _strategy_of(obj):
    # By label, not by class: the core sits below the strategy app and never imports it.
    if obj._meta.label_lower == "strategy.strategy":
        return obj
    if hasattr(obj, "strategy"):
        return obj.strategy
    return obj.aim.strategy  # an intended outcome


def _partnership_id_of(obj):
    if hasattr(obj, "partnership_id"):
        return obj.partnership_id
    return _strategy_of(obj).partnership_id


# What a membership may see. Each app builds the queryset of its own records with `scope` (for one
# partnership) or `scope_for_user` (across all of a person's partnerships, for the API); the rules
# themselves are the ones above, here and nowhere else.


def scope(queryset, membership, *, partnership="partnership_id", strategy_status=None, perm=None):
    """The records of `queryset` that `membership` may see.

    `partnership` is the lookup path to the owning partnership's id; `strategy_status`, for records
    that belong to a strategy, the path to that strategy's status: people who read only published
    strategies see only their records. `perm`, when given, must be allowed or nothing is visible."""
    if perm is not None and not can(membership, perm):
        return queryset.none()
    qs = queryset.filter(**{partnership: membership.partnership_id})
    if strategy_status is not None and membership.role not in _READ_ALL_ROLES:
        qs = qs.filter(**{f"{strategy_status}__in": PUBLIC_STRATEGY_STATUSES})
    return qs


def scope_for_user(queryset, user, *, partnership, strategy_status):
    """The records of `queryset` that `user` may read across all their partnerships, applying each
    membership's read rule (as `scope` does for one)."""
    full, public_only = [], []
    for pid, membership in memberships_of(user).items():
        (full if membership.role in _READ_ALL_ROLES else public_only).append(pid)
    return queryset.filter(
        Q(**{f"{partnership}__in": full})
        | Q(**{f"{partnership}__in": public_only, f"{strategy_status}__in": PUBLIC_STRATEGY_STATUSES})
    )


def may_read_strategy(user, partnership_id, strategy_status):
    """Whether `user` may read a strategy of this partnership in this status: the rule of `scope_for_user`
    applied to one strategy's values, with no query once the memberships are read."""
    membership = memberships_of(user).get(partnership_id)
    if membership is None:
        return False
    return membership.role in _READ_ALL_ROLES or strategy_status in PUBLIC_STRATEGY_STATUSES


def visible_audit_events(membership):
    """The partnership's audit trail and access log, for its business managers only."""
    return scope(AuditEvent.objects.all(), membership, perm=AUDIT_LOG_VIEW)


def membership_for_object(user, obj):
    """The user's membership of the partnership that owns `obj`, or None."""
    return memberships_of(user).get(_partnership_id_of(obj))


def partnership_view(view):
    """Decorate a view taking `slug`: signs-in required, sets request.membership and request.partnership, 404 for outsiders."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        membership = membership_for(request.user, slug)
        request.membership = membership
        request.partnership = membership.partnership
        return view(request, *args, **kwargs)

    return wrapper


def get_visible_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("Not found.")
