"""Start Django as the LMS or CMS of the platform suite, and helpers both services' tests and the LMS
benchmark share. Runs inside the platform's venv (scripts/platform-test), never in tox."""

import os
import re
import time

import django

LANGUAGES = ("en", "it", "el", "pl")
# The LMS's language codes for our course languages (its LANGUAGES lists Italian as it-it).
PREF_LANG = {"en": "en", "it": "it-it", "el": "el", "pl": "pl"}
OUR_TYPES = ("f2l_scenario", "f2l_indicator_quiz", "f2l_red_flags")
RESOURCE_URL = re.compile(r"""/static/(xblock/resources/[^'"?#\s\\]+)""")

_STATE = {}


def start():
    """django.setup(), in-memory test databases from the models, and the imported courses' index."""
    if _STATE:
        return
    started = time.time()
    django.setup()
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment

    setup_test_environment()
    import webpack_loader.utils  # noqa: F401  xmodule uses webpack_loader.utils without importing it
    runner = DiscoverRunner(verbosity=0, interactive=False)
    _STATE["runner"], _STATE["dbs"] = runner, runner.setup_databases()
    copy_course_indexes_to_sql()
    enable_completion_tracking()
    from openedx.core.djangoapps.safe_sessions.testing import safe_cookie_test_session_patch

    safe_cookie_test_session_patch()  # as the platform's own tests do: only "safe" session cookies pass
    print(f"[platform] {os.environ['DJANGO_SETTINGS_MODULE']} ready in {time.time() - started:.0f}s")


def stop():
    if _STATE:
        _STATE["runner"].teardown_databases(_STATE.pop("dbs"))
        _STATE.clear()


def copy_course_indexes_to_sql():
    """The split modulestore reads its course index from SQL, which the import wrote in the CMS's own
    database; it also wrote it to Mongo, so copy it back as the platform's split_modulestore_django
    0002 data migration does."""
    from common.djangoapps.split_modulestore_django.models import SplitModulestoreCourseIndex
    from xmodule.modulestore import ModuleStoreEnum
    from xmodule.modulestore.django import modulestore

    split = modulestore()._get_modulestore_by_type(ModuleStoreEnum.Type.split)  # pylint: disable=protected-access
    for index in split.db_connection.find_matching_course_indexes(force_mongo=True):
        SplitModulestoreCourseIndex(**SplitModulestoreCourseIndex.fields_from_v1_schema(index)).save()


def enable_completion_tracking():
    """The LMS records completion only while this waffle switch is on (it is, in every real deployment)."""
    from completion.waffle import ENABLE_COMPLETION_TRACKING_SWITCH
    from waffle.models import Switch

    Switch.objects.update_or_create(name=ENABLE_COMPLETION_TRACKING_SWITCH.name, defaults={"active": True})


def course_runs() -> dict:
    """{language: course} for the four runs of the Free2Link course."""
    from xmodule.modulestore.django import modulestore

    runs = {}
    for course in modulestore().get_courses():
        if str(course.id).startswith("course-v1:Free2Link+ETRAF101+"):
            runs[str(course.id).rsplit("_", 1)[-1]] = course
    return runs


def our_blocks(course_key):
    """Every f2l_* block of a course, in course order (by unit location)."""
    from xmodule.modulestore.django import modulestore

    store = modulestore()
    blocks = [b for t in OUR_TYPES for b in store.get_items(course_key, qualifiers={"category": t})]
    return sorted(blocks, key=lambda b: str(b.location))


def make_user(username, *, staff=False, lang=None, enroll=()):
    from common.djangoapps.student.models import CourseEnrollment, UserProfile
    from django.contrib.auth import get_user_model
    from openedx.core.djangoapps.user_api.preferences.api import set_user_preference

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-" + username,
                                                is_staff=staff)
    UserProfile.objects.create(user=user, name=username.replace("_", " ").title())
    if lang:
        set_user_preference(user, "pref-lang", PREF_LANG[lang])
    for course_key in enroll:
        CourseEnrollment.enroll(user, course_key, mode="audit")
    return user


def client_for(user):
    """A logged-in test client. A browser logging in gets the language cookie from the login response
    (LanguagePreferenceMiddleware turns the pref-lang preference into it); client.login() passes through no
    middleware, so the cookie is set here the same way."""
    from django.conf import settings
    from django.test import Client
    from openedx.core.djangoapps.user_api.preferences.api import get_user_preference

    client = Client()
    assert client.login(username=user.username, password="pw-" + user.username)
    language = get_user_preference(user, "pref-lang")
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def editor_payload(block, **changes) -> dict:
    """What the Studio editor posts to studio_validate/studio_submit/studio_preview: every setting and the
    content as OLX, with ``changes`` applied to the settings."""
    settings = {setting.name: getattr(block, setting.name) for setting in block.settings_spec}
    return {**settings, **changes, "olx": getattr(block, block.content_field)}
