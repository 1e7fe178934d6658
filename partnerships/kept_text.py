"""Text typed into a drafting form outlives a session that ended while it was being written.

A drafting form posted after the idle timeout (or the absolute lifetime) ended the session would
otherwise land on the sign-in page with the text gone. The view decorator `keeps_typed_text` puts the
form's fields aside in the new, anonymous session (server side, bounded in size, never a password),
noting whose session it was and which page. Signing in keeps an anonymous session's data, so after
sign-in (and two-step verification) the same page shows the form filled in again, with a banner, and
nothing saved: the person checks it and presses Save.

The text goes back only to the person whose session ended, only on the page it was typed on, within
`KEPT_TEXT_LIFETIME` seconds, and only once the view has checked that person may still change the
record (`form_data` is called after the access checks). Anyone else signing in on that browser drops it.
"""
import logging
import time
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import QueryDict

logger = logging.getLogger(__name__)

SESSION_KEY = "_portal_kept_text"
# Two Markdown boxes at their limit (markdown.MAX_CHARS each) and the short fields beside them.
MAX_CHARS = 120_000
BANNER = "You were signed out; your text was kept — check it and save."


def _lifetime():
    return settings.KEPT_TEXT_LIFETIME


def _field_names(form_classes):
    names = []
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            if isinstance(field.widget, forms.PasswordInput) or name in names:
                continue
            names.append(name)
    return tuple(names)


def _keep(request, names):
    """Put the posted fields aside in the (new, anonymous) session, if the session that ended is known."""
    user_id = getattr(request, "session_ended_for", None)
    if user_id is None or not hasattr(request, "session"):
        return
    data = {name: request.POST.getlist(name) for name in names if name in request.POST}
    size = sum(len(value) for values in data.values() for value in values)
    if not data or size > MAX_CHARS:
        if data:
            logger.info("Text posted after the session ended not kept: %d characters", size)
        return
    request.session[SESSION_KEY] = {"user": user_id, "path": request.path, "at": int(time.time()), "data": data}


def _take(request):
    """The text kept for this person on this page, taken out of the session (once), as form data."""
    kept = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    if kept.get("user") != request.user.pk or int(time.time()) - kept.get("at", 0) > _lifetime():
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return data


def keeps_typed_text(*form_classes):
    """Decorate a drafting form's view (outside its sign-in check) so that what was typed into
    `form_classes`' fields survives a session that ended before it was posted."""
    names = _field_names(form_classes)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
            if request.method == "POST" and not signed_in:
                _keep(request, names)
            elif request.method == "GET" and signed_in:
                request.kept_text = _take(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def form_data(request):
    """The data to bind a drafting form to: what was posted, or the text kept when the session ended
    (with the banner saying so), or None for an empty form. Call it after the access checks."""
    if request.method == "POST":
        return request.POST
    kept = getattr(request, "kept_text", None)
    if kept is None:
        return None
    request.kept_text = None
    messages.warning(request, BANNER)
    return kept


def drop_if_not(request, user):
    """At sign-in: text kept for someone else, or kept too long ago, goes."""
    kept = request.session.get(SESSION_KEY)
    if kept and (kept.get("user") != user.pk or int(time.time()) - kept.get("at", 0) > _lifetime()):
        del request.session[SESSION_KEY]
