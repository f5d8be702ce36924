from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from motcua.catalog.models import Field, LifeEvent, VersionStatus
from motcua.catalog.selectors import published_versions, search_procedures


def home(request: HttpRequest) -> HttpResponse:
    """The home page: one search box over the published catalogue, and ways to browse it."""
    query = request.GET.get("q", "").strip()[:200]
    field_code = request.GET.get("linh-vuc", "")
    event_slug = request.GET.get("su-kien", "")
    results = None
    if query:
        results = search_procedures(query)
    elif field_code:
        results = list(published_versions().filter(field__code=field_code).order_by("name"))
    elif event_slug:
        results = list(published_versions().filter(life_events__slug=event_slug).order_by("name"))
    published = Q(versions__status=VersionStatus.PUBLISHED)
    context = {
        "query": query,
        "results": results,
        "fields": Field.objects.annotate(n=Count("versions", filter=published)).filter(n__gt=0),
        "events": LifeEvent.objects.annotate(n=Count("versions", filter=published)).filter(n__gt=0),
    }
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
