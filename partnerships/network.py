"""The address a request came from, for sign-in lockouts, the survey's per-address limit and API throttling."""
import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says the portal sits behind that many
    reverse proxies, each appending the address it was reached from to X-Forwarded-For. The client is then
    the entry that many places from the end of the header (the entries before it are the client's own to
    write, so never trusted). With fewer entries than proxies the first one is taken, as Django REST
    framework does with the same count (NUM_PROXIES); a value that is not an address falls back to
    REMOTE_ADDR."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote_addr
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
