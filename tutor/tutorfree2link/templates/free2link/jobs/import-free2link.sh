# tutor [local|k8s] do import-free2link: the configured runs, then the plain script (import-courses.sh)
export FREE2LINK_RUNS="{% for lang, run in FREE2LINK_RUNS.items() %}{{ lang }}={{ run }}{% if not loop.last %} {% endif %}{% endfor %}"
export FREE2LINK_TARBALLS="{{ FREE2LINK_TARBALLS }}"
{% include "free2link/jobs/import-courses.sh" %}
