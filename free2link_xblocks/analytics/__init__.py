"""Learning analytics: our tracking events as xAPI statements (xapi.py, pure Python), and the Django app that
registers them with edx-event-routing-backends when the platform starts (apps.py, routing.py)."""
