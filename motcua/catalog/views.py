from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.catalog.selectors import published_versions
from motcua.org.models import Agency


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Everything that must be published about a procedure (documents, fees, time, basis)."""
    version = (
        published_versions()
        .prefetch_related("documents", "fees", "life_events")
        .filter(procedure__code=code)
        .first()
    )
    if version is None:
        raise Http404
    deciding = None
    if version.competent_sector:
        deciding = Agency.objects.filter(sector=version.competent_sector, active=True).first()
    return render(
        request, "catalog/procedure_detail.html", {"v": version, "deciding_agency": deciding}
    )
