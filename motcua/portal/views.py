from django.http import HttpRequest, HttpResponse


def track(request: HttpRequest) -> HttpResponse:
    """Public tracking by dossier code and lookup secret (tra cứu hồ sơ)."""
    return HttpResponse(status=501)
