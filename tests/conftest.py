"""Test configuration: Django as the workbench configures it, and a ToyRuntime that records events."""

import json
import os

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from webob import Request  # noqa: E402
from xblock.reference.user_service import UserService, XBlockUser  # noqa: E402
from xblock.runtime import NullI18nService  # noqa: E402
from xblock.test.toy_runtime import TOYRUNTIME_KVS, ToyRuntime  # noqa: E402


class StaticUserService(UserService):
    def __init__(self, user):
        super().__init__()
        self.user = user

    def get_current_user(self):
        return self.user


LEARNER_ACTIONS = {"choose", "proceed", "back", "restart", "submit", "reset"}


class RecordingRuntime(ToyRuntime):
    """XBlock's own ToyRuntime, with i18n and user services and every published event kept."""

    def __init__(self, user_id="learner", staff=False, i18n=None):
        super().__init__(user_id)
        self.events = []
        self.user = XBlockUser(is_current_user=True, full_name=user_id)
        self.user.opt_attrs = {"edx-platform.username": user_id, "edx-platform.user_is_staff": staff}
        self._services["i18n"] = i18n or NullI18nService()
        self._services["user"] = StaticUserService(self.user)

    def as_staff(self, staff=True):
        """Make the current user course staff (or a learner again), as the LMS's user service says."""
        self.user.opt_attrs["edx-platform.user_is_staff"] = staff
        return self

    def publish(self, block, event_type, event_data):
        self.events.append((event_type, event_data))

    def events_of(self, kind):
        return [data for event_type, data in self.events if event_type == kind]

    def call(self, block, handler, payload=None, raw=None, token=True):
        """POST to a JSON handler; return (status, decoded body).

        Like the learner page, a learner action carries the block's current action token ``seq``
        unless the payload gives one (or ``token`` is False)."""
        payload = payload if payload is not None else {}
        if token and isinstance(payload, dict) and "seq" not in payload and handler in LEARNER_ACTIONS:
            payload = {**payload, "seq": block.action_seq}
        body = raw if raw is not None else json.dumps(payload).encode()
        request = Request.blank("/", method="POST", body=body)
        request.content_type = "application/json"
        response = self.handle(block, handler, request)
        return response.status_int, json.loads(response.body.decode() or "null")


@pytest.fixture(autouse=True)
def _clean_toy_store():
    TOYRUNTIME_KVS.clear()
    yield
    TOYRUNTIME_KVS.clear()


@pytest.fixture
def runtime():
    return RecordingRuntime()


def load_block(runtime, xml):
    usage_id = runtime.parse_xml_string(xml)
    return runtime.get_block(usage_id), usage_id


@pytest.fixture(scope="session")
def workbench(tmp_path_factory):
    from .workbench import Workbench

    with Workbench(tmp_path_factory.mktemp("workbench")) as server:
        yield server


@pytest.fixture(scope="module")
def driver():
    """Headless Chromium for the browser tests (skipped locally, a failure in CI, when it is missing)."""
    from .browser import require_browser, start_chromium

    require_browser()
    browser = start_chromium()
    yield browser
    browser.quit()
