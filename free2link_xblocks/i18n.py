"""Our interface catalogues at run time, loaded the way the LMS loads them.

The LMS's XBlock i18n service reads ``<package>/translations/<locale>/LC_MESSAGES/text.mo``
(gettext domain ``text``) for the current Django language. The workbench's service translates
nothing, so :class:`CatalogueI18nService` does the same as the LMS there (and in tests, with a
fixed language); the ``free2link`` command uses :func:`cli_translation` (the shell's LANGUAGE/LANG).
"""

from __future__ import annotations

import gettext
from functools import lru_cache

from .i18n_tools import TRANSLATIONS

DOMAIN = "text"


@lru_cache(maxsize=16)
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (e.g. ``el``, ``pl``, ``pt-br``); English if there is none."""
    from django.utils.translation import to_locale

    return gettext.translation(DOMAIN, str(TRANSLATIONS), [to_locale(language)], fallback=True)


def cli_translation() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, str(TRANSLATIONS), fallback=True)


class CatalogueI18nService:
    """An XBlock i18n service over our catalogues: a fixed ``language``, or Django's active one."""

    def __init__(self, language: str | None = None):
        self.language = language

    def _catalogue(self):
        if self.language:
            return catalogue(self.language)
        from django.utils.translation import get_language

        return catalogue(get_language() or "en")

    def gettext(self, message: str) -> str:
        return self._catalogue().gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalogue().ngettext(singular, plural, count)

    ugettext = gettext
    ungettext = ngettext

    def strftime(self, date, format_string):
        return date.strftime(format_string)


class LanguageFromQueryMiddleware:
    """Workbench only: ``?lang=xx`` picks the interface language, remembered in a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        supported = {code for code, _name in settings.LANGUAGES}
        asked = request.GET.get("lang")
        language = asked if asked in supported else request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(language if language in supported else settings.LANGUAGE_CODE)
        response = self.get_response(request)
        if asked in supported:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, asked, samesite="Lax")
        translation.deactivate()
        return response
