"""Thai first: the interface language is Thai unless the user chose another one.

Django's LocaleMiddleware also follows the browser's Accept-Language header, and many government
PCs run an English Windows — their users would get English they never asked for. Here only the
explicit choice (the language cookie set by the language switch) counts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from ita_portal.thai import page_digits


class ThaiFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        # override() restores the thread's previous language afterwards, so one request's choice
        # never leaks into whatever the same thread does next (another request, a test).
        # Each request starts without a digit rule (a view states its own: thai.set_page_digits).
        with translation.override(language), page_digits(None):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            if hasattr(response, "render") and callable(response.render) and not getattr(response, "is_rendered", True):
                response.render()
        return response
