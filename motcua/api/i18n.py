"""The language of an API response: the language cookie, else Accept-Language, else vi.

Django's LocaleMiddleware gives every URL outside ``i18n_patterns`` the default language
when ``prefix_default_language`` is off, so the API chooses the language itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.utils import translation


def activate_request_language(request: HttpRequest) -> None:
    language = translation.get_language_from_request(request, check_path=False)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


def in_request_language(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: run ``view`` in the request's language (Content-Language follows it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        activate_request_language(request)
        return view(request, *args, **kwargs)

    return wrapper
