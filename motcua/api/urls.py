"""``/api/``: the ninja API, with problem details for what ninja answers in plain text.

Every address under ``/api/`` that the API does not have is a 404 problem (no HTML page,
no redirect to add a slash), and a method an address does not accept is a 405 problem.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from motcua.api.api import api
from motcua.api.errors import is_problem, problem_response
from motcua.api.i18n import activate_request_language


def _problem_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        activate_request_language(request)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return problem_response(status=404, code="not_found")
        if response.status_code == 405 and not is_problem(response):
            return problem_response(
                status=405,
                code="method_not_allowed",
                detail=_("%(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": response.get("Allow", "")},
                headers={"Allow": response.get("Allow", "")},
            )
        return response

    return wrapper


# The OpenAPI document and its page are read-only: other methods are a 405 problem.
_READ_ONLY = {"api-root", "openapi-json", "openapi-view"}


def _read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            activate_request_language(request)
            return problem_response(
                status=405,
                code="method_not_allowed",
                detail=_("%(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": "GET"},
                headers={"Allow": "GET"},
            )
        return view(request, *args, **kwargs)

    # Nothing here changes state, so Django's HTML CSRF page must not answer first.
    return csrf_exempt(wrapper)


def _wrapped(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    result: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            callback = pattern.callback
            if pattern.name in _READ_ONLY:
                callback = _read_only(callback)
            pattern = URLPattern(
                pattern.pattern, _problem_view(callback), pattern.default_args, pattern.name
            )
        result.append(pattern)
    return result


@csrf_exempt
def unknown_address(request: HttpRequest, rest: str = "") -> HttpResponse:
    activate_request_language(request)
    return problem_response(status=404, code="not_found")


_patterns, _app_name, _namespace = api.urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((_wrapped(_patterns), _app_name), namespace=_namespace)),
    re_path(r"^(?P<rest>.*)$", unknown_address),
]
