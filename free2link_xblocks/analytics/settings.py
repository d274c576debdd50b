"""Plugin settings (edx-django-utils calls plugin_settings with the service's settings module): our events join
the router's xAPI whitelist, whichever of the two apps' settings run first."""

from free2link_xblocks.analytics.xapi import EVENTS


def plugin_settings(settings):
    allowed = getattr(settings, "EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS", None)
    if allowed is None:
        allowed = settings.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS = []
    allowed.extend(name for name in EVENTS if name not in allowed)
    # The router builds its backend's first whitelist as a set copy of the list: add ours there too if built.
    router = (getattr(settings, "EVENT_TRACKING_BACKENDS", None) or {}).get("event_transformer")
    if router:
        for processor in router["OPTIONS"].get("processors", []):
            whitelist = processor.get("OPTIONS", {}).get("whitelist")
            if isinstance(whitelist, set):
                whitelist.update(EVENTS)
