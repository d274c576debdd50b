"""The platform suite's start-up: Django as the LMS or the CMS (by DJANGO_SETTINGS_MODULE), test databases
built from the models, and the modulestore that `manage.py cms import` left behind (scripts/platform-test)."""

import os

import platform_env
import pytest

platform_env.start()


@pytest.fixture(scope="session", autouse=True)
def _databases():
    yield
    platform_env.stop()


@pytest.fixture(scope="session")
def runs():
    """The four imported course runs, by language."""
    return platform_env.course_runs()


@pytest.fixture(scope="session")
def run_folder():
    return os.environ["F2L_PLATFORM_RUN"]
