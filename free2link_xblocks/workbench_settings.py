"""Django settings for running our blocks in the XBlock SDK workbench, with a language switch.

The workbench's own i18n service translates nothing; here our catalogues are loaded as the LMS
loads them, for the language of the request. Add ``?lang=el`` (or it, pl, bg, en) to any
workbench address; the choice is kept in a cookie for the next pages. The index lists the
blocks' examples first, then the course by module and language (``workbench_urls``).

    DJANGO_SETTINGS_MODULE=free2link_xblocks.workbench_settings python -m django runserver
"""

import warnings

from workbench.settings import *  # noqa: F401,F403 - the SDK's settings, extended below
from workbench.settings import MIDDLEWARE, WORKBENCH

# The SDK's file storage (fs, through djpyfs) imports pkg_resources, which setuptools warns about on every
# start; it works (setuptools < 82 is pinned for it) and is not ours to change.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated as an API", category=UserWarning)

LANGUAGES = [("en", "English"), ("it", "Italiano"), ("el", "Ελληνικά"), ("pl", "Polski"), ("bg", "Български")]
LANGUAGE_CODE = "en"
LANGUAGE_COOKIE_NAME = "f2l_language"

ROOT_URLCONF = "free2link_xblocks.workbench_urls"
MIDDLEWARE = [*MIDDLEWARE, "free2link_xblocks.workbench_urls.CompleteScenariosMiddleware",
              "free2link_xblocks.i18n.LanguageFromQueryMiddleware"]
WORKBENCH = {**WORKBENCH, "services": {**WORKBENCH.get("services", {}),
                                       "i18n": "free2link_xblocks.i18n.CatalogueI18nService"}}
