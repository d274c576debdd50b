"""The Django app the LMS and Studio load from our `lms.djangoapp` / `cms.djangoapp` entry points: it lets our
events through edx-event-routing-backends' xAPI whitelist and registers our transformers, when the router is
installed (Tutor's Aspects plugin installs it); without it, or with the setting ``FREE2LINK_XAPI = False`` (what
the Tutor plugin's ``FREE2LINK_XAPI=off`` writes), it registers nothing."""

import importlib.util

from django.apps import AppConfig

_SETTINGS = {"relative_path": "settings"}
_SETTINGS_BY_TYPE = {kind: _SETTINGS for kind in ("common", "test", "production", "devstack")}


class Free2LinkAnalyticsConfig(AppConfig):
    name = "free2link_xblocks.analytics"
    label = "free2link_analytics"
    verbose_name = "Free2Link learning analytics"

    # edx-django-utils' plugin settings (PluginSettings.CONFIG / RELATIVE_PATH), spelt out so that this
    # module imports without the platform
    plugin_app = {"settings_config": {"lms.djangoapp": _SETTINGS_BY_TYPE, "cms.djangoapp": _SETTINGS_BY_TYPE}}

    def ready(self):
        from django.conf import settings

        if getattr(settings, "FREE2LINK_XAPI", True) and importlib.util.find_spec("event_routing_backends"):
            from free2link_xblocks.analytics import routing  # noqa: F401  registers the transformers
