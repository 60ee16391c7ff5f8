"""The page language: Chinese unless the visitor chose English with the header switch.

Django's own LocaleMiddleware also reads the browser's Accept-Language header, so a Chinese
official on an English-configured browser (common on imported laptops and in Playwright's default
context) would be flipped into a half-translated English site without asking. Here only the
language cookie that `django.views.i18n.set_language` writes counts; without it the page is in
settings.LANGUAGE_CODE (zh-hans). docs/i18n.md says more.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_from_cookie(request: HttpRequest) -> str:
    """The language the visitor chose (a supported code from the cookie), else the default."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:  # a stale or forged cookie: fall back to the default, never fail
            pass
    return settings.LANGUAGE_CODE


class LanguageCookieMiddleware:
    """Stands where django.middleware.locale.LocaleMiddleware would (after SessionMiddleware,
    before CommonMiddleware). The site has no language-prefixed URLs (i18n_patterns), so the
    path plays no part either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = translation.get_language()
        language = language_from_cookie(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The answer depends on the cookie, not on Accept-Language.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        if not response.streaming:
            # Hand the thread back as found, so an English request does not leave English
            # behind for whatever runs next in it (a job, the next test); a streamed body is
            # still being rendered and keeps the language.
            if before:
                translation.activate(before)
            else:
                translation.deactivate()
        return response
