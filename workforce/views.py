from django.shortcuts import render

from partnership_portal import access


@access.partnership_view
def assessment_list(request):
    access.require(request.membership, access.WORKFORCE_VIEW)
    assessments = access.visible_assessments(request.membership).select_related("strategy")
    return render(request, "workforce/assessment_list.html", {"assessments": assessments})
