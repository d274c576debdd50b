"""The XBlock SDK workbench's URLs, with an index in the order a course team reads it.

The SDK lists scenarios by their id as text (``f2l_scenario.10`` before ``f2l_scenario.2``),
block type by block type. Ours lists the blocks' examples first, then the course by module and
language, each block where it is in the course. Used by ``workbench_settings`` only.
"""

from __future__ import annotations

import re
import threading

from django.conf import settings
from django.shortcuts import render
from django.urls import re_path
from workbench import scenarios as sdk_scenarios
from workbench import urls as sdk_urls

from .common.base import WORKBENCH_ORDER

_loading = threading.Lock()


def all_scenarios() -> dict:
    """The workbench's scenarios, complete: the SDK fills its table while other requests already read it
    (about 70 blocks in four languages take seconds), so every request waits for the first to finish."""
    with _loading:
        return sdk_scenarios.get_scenarios()


def natural_key(text: str) -> tuple:
    """``a.2`` before ``a.10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def index_order(scenario_id: str, description: str) -> tuple:
    """Ours by ``WORKBENCH_ORDER`` (examples, then the course by module and language), then any other."""
    known = WORKBENCH_ORDER.get(description)
    return (0, *known) if known is not None else (1, natural_key(scenario_id))


def index(request):
    listed = [(scenario_id, scenario.description) for scenario_id, scenario in all_scenarios().items()
              if scenario_id.split(".")[0] not in settings.EXCLUDED_XBLOCKS]
    listed.sort(key=lambda item: index_order(*item))
    return render(request, "workbench/index.html", {"scenarios": listed})


class CompleteScenariosMiddleware:
    """Let no request see the scenario table half-filled (a page, a handler or the index)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        all_scenarios()
        return self.get_response(request)


urlpatterns = [re_path(r"^$", index, name="workbench_index"),
               *[p for p in sdk_urls.urlpatterns if getattr(p, "name", None) != "workbench_index"]]
