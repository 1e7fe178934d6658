from django.shortcuts import render

from partnership_portal import access


@access.partnership_view
def audit_list(request):
    access.require(request.membership, access.AUDIT_VIEW)
    audits = access.visible_audits(request.membership).select_related("strategy").prefetch_related("agencies")
    return render(request, "audits/audit_list.html", {"audits": audits})
